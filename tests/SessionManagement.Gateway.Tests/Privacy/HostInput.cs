using System.Text.Json;

namespace SessionManagement.Gateway.Tests.Privacy;

/// <summary>What the privacy tests send a running host, and how they read its data folder back.</summary>
internal static class HostInput
{
    /// <summary>A hook's JSON: <paramref name="rest"/>'s fields with the session, event name and working directory.</summary>
    public static string Hook(string session, string name, string project, object rest)
    {
        var fields = JsonSerializer.SerializeToNode(rest)!.AsObject();
        fields["session_id"] = session;
        fields["hook_event_name"] = name;
        fields["cwd"] = project;
        return fields.ToJsonString();
    }

    /// <summary>A transcript line as Claude Code writes it (characters such as <c>&lt;</c> not escaped).</summary>
    public static string Line(object record) => JsonSerializer.Serialize(record, new JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
