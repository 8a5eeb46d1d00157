namespace SessionManagement.Testing;

/// <summary>A host's users with their tokens and roles (<c>Gateway:Users</c>), as its environment gives them.</summary>
public static class GatewayUsers
{
    public static Dictionary<string, string> Settings(params (string Name, string Token, string Role)[] users)
    {
        var settings = new Dictionary<string, string>();
        for (var i = 0; i < users.Length; i++)
        {
            settings[$"SM_Gateway__Users__{i}__Name"] = users[i].Name;
            settings[$"SM_Gateway__Users__{i}__Token"] = users[i].Token;
            settings[$"SM_Gateway__Users__{i}__Role"] = users[i].Role;
        }
        return settings;
    }
}
