using System.Text.RegularExpressions;

namespace SessionManagement.Gateway.Privacy;

/// <summary>One kind of secret: the pattern that finds it in raw JSON text (its <c>secret</c> group, else the whole match, is what goes) and the cues that must be on a line for the pattern to be tried there.</summary>
public sealed record SecretDetector(string Kind, Regex Pattern, string[] Cues);

/// <summary>
/// The secret shapes found without configuration. Each pattern reads raw JSON text, as Latin-1 (one char per byte): what it takes
/// never holds a quote or half an escape sequence. A value stops at whitespace, a quote or a backslash (the <c>\n</c> of an escaped
/// line break included). A key may follow an escaped control character, as in <c>\nsk-ant-…</c>.
/// </summary>
public static class SecretDetectors
{
    public const string Private = "private";

    private const RegexOptions Options = RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    /// <summary>Not preceded by a letter or a digit, unless that is the letter of an escape such as <c>\n</c>.</summary>
    private const string Boundary = @"(?:(?<=\\[nrtbf])|(?<![A-Za-z0-9]))";

    /// <summary>JSON string units up to the first quote: plain characters and whole escape sequences.</summary>
    private const string StringUnits = @"(?:[^""\\]|\\(?:u[0-9A-Fa-f]{4}|[^u]))";

    public static readonly SecretDetector[] All =
    [
        // The tags as typed, or as a JSON writer that escapes < and > wrote them.
        new(Private, new Regex($@"(?:<|\\u003c)private(?:>|\\u003e){StringUnits}*?(?:<|\\u003c)/private(?:>|\\u003e)", Options | RegexOptions.IgnoreCase),
            ["<private>", @"\u003cprivate\u003e"]),
        new("private-key", new Regex($@"-----BEGIN[A-Z ]{{0,20}}PRIVATE KEY-----{StringUnits}*?(?:-----END[A-Z ]{{0,20}}PRIVATE KEY-----|(?=""))", Options),
            ["-----BEGIN"]),
        new("anthropic-key", new Regex($@"{Boundary}sk-ant-[A-Za-z0-9_\-]{{20,}}", Options), ["sk-ant-"]),
        new("openai-key", new Regex($@"{Boundary}sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{{20,}}", Options), ["sk-"]),
        new("aws-key", new Regex($@"{Boundary}(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{{16}}(?![A-Za-z0-9])", Options), ["AKIA", "ASIA", "ABIA", "ACCA"]),
        new("github-token", new Regex($@"{Boundary}(?:gh[pousr]_[A-Za-z0-9]{{36,}}|github_pat_[A-Za-z0-9_]{{22,}})", Options),
            ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"]),
        new("slack-token", new Regex($@"{Boundary}xox[abposr]-[A-Za-z0-9\-]{{10,}}|https://hooks\.slack\.com/services/[A-Za-z0-9/_\-]+", Options),
            ["xox", "hooks.slack.com"]),
        new("google-key", new Regex($@"{Boundary}AIza[0-9A-Za-z_\-]{{35}}", Options), ["AIza"]),
        new("jwt", new Regex($@"{Boundary}eyJ[A-Za-z0-9_\-]{{5,}}\.eyJ[A-Za-z0-9_\-]{{5,}}\.[A-Za-z0-9_\-]{{5,}}", Options), ["eyJ"]),
        new("url-password", new Regex(@"[A-Za-z][A-Za-z0-9+.\-]*://[^ \t\r\n/@:""\\]+:(?<secret>[^ \t\r\n/@""\\]+)@", Options), ["://"]),
        // password=…, token: "…", "api_key": "…", and a YAML line's password: … (to the end of the line).
        Assigned("password", @"pass(?:word|wd)", ["password", "passwd"]),
        Assigned("secret", @"secret|token|api[_\-]?key|access[_\-]?key|private[_\-]?key",
            ["secret", "token", "api_key", "api-key", "apikey", "access_key", "access-key", "private_key", "private-key"]),
    ];

    /// <summary>The value assigned to a name that says it is secret: <c>name=value</c>, <c>"name": "value"</c>, or <c>name: value</c> ending a line; not <c>$VARIABLE</c>.</summary>
    private static SecretDetector Assigned(string kind, string names, string[] cues) => new(kind, new Regex(
        $@"(?:{names})" +
        @"(?:[ \t]*=[ \t]*(?:\\*"")?|\\*""[ \t]*:[ \t]*\\*""|[ \t]*:[ \t]+(?=[^ \t\r\n""\\]+(?:\\+[nr]|\\*""|$)))" +
        @"(?!\$)(?<secret>[^ \t\r\n""\\,;&'<>(){}\[\]]+)", Options | RegexOptions.IgnoreCase), cues);

    /// <summary>A configured <c>chat_management.secret_patterns</c> entry: tried on every line, marked <c>[redacted:pattern-N]</c>.</summary>
    public static SecretDetector Configured(string pattern, int number) =>
        new($"pattern-{number}", new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), []);
}
