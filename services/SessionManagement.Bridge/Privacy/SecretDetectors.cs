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
public static partial class SecretDetectors
{
    public const string Private = "private";

    // The built-in patterns are compiled ahead by the source generator: the gateway builds none at start, and sm-hook (Native AOT)
    // carries no regular expression parser or interpreter, a fifth of its binary and of the page faults of its start.
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    private const RegexOptions AnyCase = Options | RegexOptions.IgnoreCase;

    /// <summary>Not preceded by a letter or a digit, unless that is the letter of an escape such as <c>\n</c>.</summary>
    private const string Boundary = @"(?:(?<=\\[nrtbf])|(?<![A-Za-z0-9]))";

    /// <summary>JSON string units up to the first quote: plain characters and whole escape sequences.</summary>
    private const string StringUnits = @"(?:[^""\\]|\\(?:u[0-9A-Fa-f]{4}|[^u]))";

    /// <summary>What follows a secret name up to its value: <c>=</c>, a JSON key's <c>": "</c>, or a YAML line's <c>: </c>.</summary>
    private const string AssignedValue =
        @"(?:[ \t]*=[ \t]*(?:\\*"")?|\\*""[ \t]*:[ \t]*\\*""|[ \t]*:[ \t]+(?=[^ \t\r\n""\\]+(?:\\+[nr]|\\*""|$)))" +
        @"(?!\$)(?<secret>[^ \t\r\n""\\,;&'<>(){}\[\]]+)";

    // The tags as typed, or as a JSON writer that escapes < and > wrote them.
    [GeneratedRegex($@"\G(?:<|\\u003c)private(?:>|\\u003e){StringUnits}*?(?:<|\\u003c)/private(?:>|\\u003e)", AnyCase)]
    private static partial Regex PrivateSpan();

    [GeneratedRegex($@"\G-----BEGIN[A-Z ]{{0,20}}PRIVATE KEY-----{StringUnits}*?(?:-----END[A-Z ]{{0,20}}PRIVATE KEY-----|(?=""))", Options)]
    private static partial Regex PrivateKey();

    [GeneratedRegex($@"\G{Boundary}sk-ant-[A-Za-z0-9_\-]{{20,}}", Options)]
    private static partial Regex AnthropicKey();

    [GeneratedRegex($@"\G{Boundary}sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{{20,}}", Options)]
    private static partial Regex OpenAiKey();

    [GeneratedRegex($@"\G{Boundary}(?:AKIA|ASIA)[0-9A-Z]{{16}}(?![A-Za-z0-9])", Options)]
    private static partial Regex AwsKey();

    // Personal, server-to-server and fine-grained tokens (the OAuth, user and refresh prefixes gho_, ghu_, ghr_ are rare in a terminal).
    [GeneratedRegex($@"\G{Boundary}(?:gh[ps]_[A-Za-z0-9]{{36,}}|github_pat_[A-Za-z0-9_]{{22,}})", AnyCase)]
    private static partial Regex GitHubToken();

    [GeneratedRegex($@"\G{Boundary}xox[abposr]-[A-Za-z0-9\-]{{10,}}", Options)]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"\G://hooks\.slack\.com/services/[A-Za-z0-9/_\-]+", Options)]
    private static partial Regex SlackWebhook();

    [GeneratedRegex($@"\G{Boundary}AIza[0-9A-Za-z_\-]{{35}}", Options)]
    private static partial Regex GoogleKey();

    [GeneratedRegex($@"\G{Boundary}eyJ[A-Za-z0-9_\-]{{5,}}\.eyJ[A-Za-z0-9_\-]{{5,}}\.[A-Za-z0-9_\-]{{5,}}", Options)]
    private static partial Regex Jwt();

    // scheme://user:password@host: the password goes.
    [GeneratedRegex(@"\G://[^ \t\r\n/@:""\\]+:(?<secret>[^ \t\r\n/@""\\]+)@", Options)]
    private static partial Regex UrlPassword();

    // password=…, token: "…", "api_key": "…", and a YAML line's password: … (to the end of the line); not $VARIABLE.
    [GeneratedRegex(@"\G(?:pass(?:word|wd))" + AssignedValue, AnyCase)]
    private static partial Regex AssignedPassword();

    [GeneratedRegex(@"\G(?:secret|token|api[_\-]?key|access[_\-]key|private[_\-]key)" + AssignedValue, AnyCase)]
    private static partial Regex AssignedSecret();

    /// <summary>
    /// A detector whose cue must be on a line, its pattern anchored there (<c>\G</c>) and tried from the cue, or up to
    /// <paramref name="reach"/> characters before it (<c>private_key</c>'s cue is <c>_key</c>).
    /// </summary>
    public static readonly SecretDetector[] All =
    [
        new(Private, PrivateSpan(), ["private"], CuesInAnyCase: true, Reach: 6),
        new("private-key", PrivateKey(), ["-----BEGIN"]),
        new("anthropic-key", AnthropicKey(), ["sk-"]),
        new("openai-key", OpenAiKey(), ["sk-"]),
        new("aws-key", AwsKey(), ["AKIA", "ASIA"]),
        new("github-token", GitHubToken(), ["ghp_", "ghs_", "github_pat_"], CuesInAnyCase: true),
        new("slack-token", SlackToken(), ["xox"]),
        new("slack-token", SlackWebhook(), ["://"]),
        new("google-key", GoogleKey(), ["AIza"]),
        new("jwt", Jwt(), ["eyJ"]),
        new("url-password", UrlPassword(), ["://"]),
        new("password", AssignedPassword(), ["passw"], CuesInAnyCase: true),
        new("secret", AssignedSecret(), ["secret", "token", "key"], CuesInAnyCase: true, Reach: 8),
    ];

    /// <summary>A configured <c>chat_management.secret_patterns</c> entry: tried on every line, marked <c>[redacted:pattern-N]</c>.</summary>
    public static SecretDetector Configured(string pattern, int number) =>
        new($"pattern-{number}", new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), []);
}
