using System.Text.RegularExpressions;

namespace SessionManagement.Bridge.Privacy;

/// <summary>
/// One kind of secret: the pattern that finds it in raw JSON text (its <c>secret</c> group, else the whole match, is what goes) and
/// the cues, one of which must be on a line for the pattern to be tried there (in any case when <paramref name="CuesInAnyCase"/>).
/// A detector with cues has its pattern anchored (<c>\G</c>) and tried from its cue, or up to <paramref name="Reach"/> characters
/// before it; one without (a configured pattern) reads every whole line.
/// </summary>
public sealed record SecretDetector(string Kind, Regex Pattern, string[] Cues, bool CuesInAnyCase = false, int Reach = 0);

/// <summary>
/// The secret shapes found without configuration. Each pattern reads raw JSON text, as Latin-1 (one char per byte): what it takes
/// never holds a quote or half an escape sequence. A value stops at whitespace, a quote or a backslash (the <c>\n</c> of an escaped
/// line break included). A key may follow an escaped control character, as in <c>\nsk-ant-…</c>. The cues are few on purpose: up
/// to eight of each kind are searched for at memory speed, more fall to a slower search.
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
        Shape(Private, $@"(?:<|\\u003c)private(?:>|\\u003e){StringUnits}*?(?:<|\\u003c)/private(?:>|\\u003e)", ["private"], anyCase: true, reach: 6),
        Shape("private-key", $@"-----BEGIN[A-Z ]{{0,20}}PRIVATE KEY-----{StringUnits}*?(?:-----END[A-Z ]{{0,20}}PRIVATE KEY-----|(?=""))", ["-----BEGIN"]),
        Shape("anthropic-key", $@"{Boundary}sk-ant-[A-Za-z0-9_\-]{{20,}}", ["sk-"]),
        Shape("openai-key", $@"{Boundary}sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{{20,}}", ["sk-"]),
        Shape("aws-key", $@"{Boundary}(?:AKIA|ASIA)[0-9A-Z]{{16}}(?![A-Za-z0-9])", ["AKIA", "ASIA"]),
        // Personal, server-to-server and fine-grained tokens (the OAuth, user and refresh prefixes gho_, ghu_, ghr_ are rare in a terminal).
        Shape("github-token", $@"{Boundary}(?:gh[ps]_[A-Za-z0-9]{{36,}}|github_pat_[A-Za-z0-9_]{{22,}})", ["ghp_", "ghs_", "github_pat_"], anyCase: true),
        Shape("slack-token", $@"{Boundary}xox[abposr]-[A-Za-z0-9\-]{{10,}}", ["xox"]),
        Shape("slack-token", @"://hooks\.slack\.com/services/[A-Za-z0-9/_\-]+", ["://"]),
        Shape("google-key", $@"{Boundary}AIza[0-9A-Za-z_\-]{{35}}", ["AIza"]),
        Shape("jwt", $@"{Boundary}eyJ[A-Za-z0-9_\-]{{5,}}\.eyJ[A-Za-z0-9_\-]{{5,}}\.[A-Za-z0-9_\-]{{5,}}", ["eyJ"]),
        // scheme://user:password@host: the password goes.
        Shape("url-password", @"://[^ \t\r\n/@:""\\]+:(?<secret>[^ \t\r\n/@""\\]+)@", ["://"]),
        // password=…, token: "…", "api_key": "…", and a YAML line's password: … (to the end of the line).
        Assigned("password", @"pass(?:word|wd)", ["passw"], reach: 0),
        Assigned("secret", @"secret|token|api[_\-]?key|access[_\-]key|private[_\-]key", ["secret", "token", "key"], reach: 8),
    ];

    private static SecretDetector Shape(string kind, string pattern, string[] cues, bool anyCase = false, int reach = 0) =>
        new(kind, new Regex(@"\G" + pattern, Options | (anyCase ? RegexOptions.IgnoreCase : 0)), cues, anyCase, reach);

    /// <summary>
    /// The value assigned to a name that says it is secret: <c>name=value</c>, <c>"name": "value"</c>, or <c>name: value</c> ending a
    /// line; not <c>$VARIABLE</c>. <paramref name="reach"/>: how far before its cue the name may begin (<c>private_key</c>'s cue is <c>_key</c>).
    /// </summary>
    private static SecretDetector Assigned(string kind, string names, string[] cues, int reach) => new(kind, new Regex(
        $@"\G(?:{names})" +
        @"(?:[ \t]*=[ \t]*(?:\\*"")?|\\*""[ \t]*:[ \t]*\\*""|[ \t]*:[ \t]+(?=[^ \t\r\n""\\]+(?:\\+[nr]|\\*""|$)))" +
        @"(?!\$)(?<secret>[^ \t\r\n""\\,;&'<>(){}\[\]]+)", Options | RegexOptions.IgnoreCase), cues, CuesInAnyCase: true, Reach: reach);

    /// <summary>A configured <c>chat_management.secret_patterns</c> entry: tried on every line, marked <c>[redacted:pattern-N]</c>.</summary>
    public static SecretDetector Configured(string pattern, int number) =>
        new($"pattern-{number}", new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), []);
}
