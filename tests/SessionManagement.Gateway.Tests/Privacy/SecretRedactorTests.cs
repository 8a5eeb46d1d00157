using System.Text;
using System.Text.Json;
using SessionManagement.Bridge.Privacy;

namespace SessionManagement.Gateway.Tests.Privacy;

/// <summary>
/// The redactor against a corpus of realistic secrets, each in a hook's prompt, in a transcript line's tool output (with escaped
/// line breaks and quotes around it) and in JSON written inside a JSON string. The witnesses are System.Text.Json's own parse of
/// what comes out, and the secret's text searched for in the bytes.
/// </summary>
public sealed class SecretRedactorTests
{
    /// <summary>(kind, the text as a user would paste it, the part that must not survive).</summary>
    public static readonly TheoryData<string, string, string> Corpus = new()
    {
        { "anthropic-key", "ANTHROPIC_API_KEY is sk-ant-api03-Xk9fQ2mZr7TbW4yLp0sVd3HnJ8cEa6Gu1KoRi5Mq-AbCdEfGhIjKlMnOpQrStUvWxYz012345678_9aBcDeFgHiJkLmNoPqRsTuVw-AA",
            "sk-ant-api03-Xk9fQ2mZr7TbW4yLp0sVd3HnJ8cEa6Gu1KoRi5Mq" },
        { "openai-key", "use sk-proj-4fHq9ZbT2mXr7LpW0sVd3HnJ8cEa6Gu1KoRi5MqYbN for the embeddings", "4fHq9ZbT2mXr7LpW0sVd3HnJ8cEa6Gu1KoRi5MqYbN" },
        { "aws-key", "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE" },
        { "secret", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
        { "github-token", "git remote set-url origin https://x:ghp_R8vKq2LmZ7tW4yXp0sVd3HnJ8cEa6Gu1KoRi@github.com/o/r", "ghp_R8vKq2LmZ7tW4yXp0sVd3HnJ8cEa6Gu1KoRi" },
        { "slack-token", "SLACK_BOT_TOKEN: xoxb-2048193746-5503187264928-Qm7ZrT2kXw9LpV4sNd8HcJ3e", "Qm7ZrT2kXw9LpV4sNd8HcJ3e" },
        { "google-key", "maps key AIzaSyD4hQ9x2LmZ7tW4yXp0sVd3HnJ8cEa6Gu1 in index.html", "AIzaSyD4hQ9x2LmZ7tW4yXp0sVd3HnJ8cEa6Gu1" },
        { "jwt", "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U" },
        { "private-key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7vQ2mZr7TbW4yLp0sVd3HnJ8cEa6Gu1KoRi5Mq\nYbN3xW9zQ4LmT2kV8sHd\n-----END RSA PRIVATE KEY-----",
            "MIIEowIBAAKCAQEA7vQ2mZr7TbW4yLp0sVd3HnJ8cEa6Gu1KoRi5Mq" },
        { "url-password", "DATABASE_URL=postgres://app:s3cr3t-Pa55w0rd@db.internal:5432/app", "s3cr3t-Pa55w0rd" },
        { "password", "mysql -u root --password=hunter2 shop", "hunter2" },
        { "secret", "{\"client_id\": \"web\", \"api_key\": \"k_live_51HcQ2mZr7TbW4yLp\"}", "k_live_51HcQ2mZr7TbW4yLp" },
        { "password", "db:\n  user: app\n  password: Tr0ub4dor&3\n", "Tr0ub4dor&3" },
        { "private", "the door code is <private>4711, and \"never\" tell\nanyone</private> ok", "4711" },
    };

    private static readonly SecretRedactor Redactor = new(detectSecrets: true, patterns: []);

    [Theory]
    [MemberData(nameof(Corpus))]
    public void When_a_hooks_prompt_holds_a_secret_Should_keep_valid_JSON_with_the_secret_marked(string kind, string text, string secret)
    {
        var hook = Json(new { session_id = "s-1", hook_event_name = "UserPromptSubmit", prompt = text });

        var redacted = Redactor.RedactHook(hook);

        var prompt = JsonDocument.Parse(redacted).RootElement.GetProperty("prompt").GetString()!;
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(redacted), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, prompt, StringComparison.Ordinal);
        Assert.Contains($"[redacted:{kind}]", prompt, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void When_a_transcript_line_holds_a_secret_in_tool_output_Should_keep_each_line_valid_JSON_at_its_offset(string kind, string text, string secret)
    {
        var before = Json(new { type = "assistant", uuid = "u-0", message = new { usage = new { input_tokens = 12, output_tokens = 3 } } });
        var line = Json(new
        {
            type = "user", uuid = "u-1",
            message = new { content = new[] { new { type = "tool_result", content = "$ cat .env\n\"" + text + "\"\nexit 0" } } },
            toolUseResult = new { stdout = Encoding.UTF8.GetString(Json(new { output = text })) }, // JSON inside a JSON string
        });
        var lines = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(before) + "\n" + Encoding.UTF8.GetString(line) + "\n");

        var redacted = Redactor.RedactLines(lines).ToArray();

        var text2 = Encoding.UTF8.GetString(redacted);
        Assert.DoesNotContain(secret, text2, StringComparison.Ordinal);
        Assert.Equal(lines.Length, redacted.Length);
        Assert.Equal(Newlines(lines), Newlines(redacted)); // every line where it was in Claude Code's file
        var parts = text2.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Encoding.UTF8.GetString(before), parts[0]);
        var root = JsonDocument.Parse(parts[1]).RootElement;
        var output = root.GetProperty("message").GetProperty("content")[0].GetProperty("content").GetString()!;
        var nested = JsonDocument.Parse(root.GetProperty("toolUseResult").GetProperty("stdout").GetString()!).RootElement.GetProperty("output").GetString()!;
        Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, nested, StringComparison.Ordinal);
        Assert.True(output.Contains($"[redacted:{kind}]", StringComparison.Ordinal) || output.Contains("***", StringComparison.Ordinal), output);
    }

    [Fact]
    public void When_text_holds_no_secret_Should_give_back_the_same_bytes_untouched()
    {
        var lines = new[]
        {
            """{"type":"assistant","message":{"usage":{"input_tokens":3,"cache_read_input_tokens":9,"output_tokens":7}}}""",
            """{"type":"user","message":{"content":"max_tokens=1000, see https://example.com:8080/a@b and git@github.com:o/r.git"}}""",
            """{"type":"user","message":{"content":"psql --password=$DB_PASSWORD; token: ${{ secrets.TOKEN }}; the task-management-service-worker-01 runs"}}""",
            """{"type":"user","message":{"content":"def login(password: str) -> bool:\n    return check(password)"}}""",
        };
        var bytes = Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));
        var memory = new ReadOnlyMemory<byte>(bytes);

        var redacted = Redactor.RedactLines(memory);

        Assert.True(redacted.Equals(memory), Encoding.UTF8.GetString(redacted.Span));
    }

    [Fact]
    public void When_detectors_are_turned_off_Should_still_remove_private_spans_and_configured_patterns()
    {
        var redactor = new SecretRedactor(detectSecrets: false, patterns: [@"ACME-\d{6}", @"\d{6}""\}"]);
        var hook = Json(new
        {
            session_id = "s-1", hook_event_name = "UserPromptSubmit",
            prompt = "key sk-ant-api03-Xk9fQ2mZr7TbW4yLp0sVd3HnJ8cEa6Gu1KoRi5Mq, order ACME-123456, <private>my pin</private>",
            tool_input = new { code = "987654" },
        });

        var root = JsonDocument.Parse(redactor.RedactHook(hook)).RootElement;

        var prompt = root.GetProperty("prompt").GetString()!;
        Assert.Contains("sk-ant-api03-Xk9fQ2mZr7TbW4yLp0sVd3HnJ8cEa6Gu1KoRi5Mq", prompt, StringComparison.Ordinal);
        Assert.Contains("[redacted:pattern-1]", prompt, StringComparison.Ordinal);
        Assert.Contains("[redacted:private]", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("my pin", prompt, StringComparison.Ordinal);
        // A pattern that cuts through JSON syntax: its quotes stay, the rest is masked, the JSON still parses.
        Assert.Equal("******", root.GetProperty("tool_input").GetProperty("code").GetString());
    }

    [Fact]
    public void When_a_JSON_writer_escaped_the_private_tags_Should_still_remove_the_span()
    {
        // System.Text.Json's default encoder writes < and > as \u003C and \u003E.
        var hook = JsonSerializer.SerializeToUtf8Bytes(new { session_id = "s-1", hook_event_name = "UserPromptSubmit", prompt = "pin <private>4711</private> ok" });
        Assert.Contains(@"\u003Cprivate\u003E", Encoding.UTF8.GetString(hook), StringComparison.Ordinal);

        var prompt = JsonDocument.Parse(Redactor.RedactHook(hook)).RootElement.GetProperty("prompt").GetString();

        Assert.Equal("pin [redacted:private] ok", prompt);
    }

    [Fact]
    public void When_a_secret_is_redacted_twice_Should_read_the_same()
    {
        var hook = Json(new { session_id = "s-1", hook_event_name = "UserPromptSubmit", prompt = "postgres://app:s3cr3t@db/app and password=hunter2 and AKIAIOSFODNN7EXAMPLE" });

        var once = Redactor.RedactHook(hook);
        var twice = Redactor.RedactHook(once);

        Assert.Equal(Encoding.UTF8.GetString(once), Encoding.UTF8.GetString(twice));
    }

    private static byte[] Json(object value) => JsonSerializer.SerializeToUtf8Bytes(value, new JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // as Claude Code writes: < > & ' kept as they are
    });

    private static int[] Newlines(byte[] bytes) => bytes.Select((b, i) => (b, i)).Where(p => p.b == (byte)'\n').Select(p => p.i).ToArray();
}
