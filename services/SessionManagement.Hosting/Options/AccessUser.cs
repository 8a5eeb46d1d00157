namespace SessionManagement.Hosting.Options;

/// <summary>
/// One person's token and what it may do (<c>Gateway:Users:&lt;n&gt;</c>): <c>capture</c> sends hooks and imports transcripts;
/// <c>read</c> also reads their own sessions and the context of the teams they belong to; <c>admin</c> does anything.
/// </summary>
public sealed class AccessUser
{
    /// <summary>The user's name: their hooks are kept as theirs, and the audit trail names them.</summary>
    public string Name { get; set; } = "";

    /// <summary>Their bearer token (at least 16 characters).</summary>
    public string Token { get; set; } = "";

    /// <summary><c>capture</c>, <c>read</c> or <c>admin</c>.</summary>
    public string Role { get; set; } = "read";

    /// <summary>The teams whose context they may read.</summary>
    public List<string> Teams { get; set; } = [];
}
