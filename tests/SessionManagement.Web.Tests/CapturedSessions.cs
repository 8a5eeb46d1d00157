using System.Net;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Web.Tests;

/// <summary>
/// A host with a session the real Claude Code recorded through our hooks, answered by <see cref="ScriptedModelServer"/>: a prompt,
/// a Read of an image, a Bash call, a subagent with a tool call of its own, and a reply in Markdown. The tests read it in a browser; what Claude Code wrote is the witness.
/// </summary>
public sealed class CapturedSessions : IAsyncLifetime
{
    public const string Prompt = "show me the logo and list the files";
    public const string Reply = "Here is **the logo**: a small orange square.";
    public const string SubagentPrompt = "Count the files in the shop";

    public ScriptedModelServer Model { get; } = new();

    public HostProcess Host { get; private set; } = null!;

    public Dictionary<string, string> Claude { get; private set; } = null!;

    public string Project { get; private set; } = "";

    public string SessionId { get; private set; } = "";

    /// <summary>The transcript Claude Code wrote, as it wrote it.</summary>
    public IReadOnlyList<JsonElement> Transcript { get; private set; } = [];

    /// <summary>The subagent's transcript, beside the session's.</summary>
    public IReadOnlyList<JsonElement> SubagentTranscript { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        var claude = ClaudeRun.Executable();
        Host = HostProcess.Start(new Dictionary<string, string> { ["SM_Gateway__TranscriptPollSeconds"] = "1" });
        await Host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        Claude = Host.SmHookEnvironment();
        Claude["SM_CLAUDE"] = claude;
        var installed = await SmHookProcess.RunAsync("", Claude, "install", "--user");
        if (installed.ExitCode != 0)
            throw new InvalidOperationException($"sm-hook install failed: {installed.Stderr}");
        foreach (var (key, value) in Model.ClaudeEnvironment)
            Claude[key] = value;
        Project = Path.Combine(Host.Home, "work", "shop");
        Directory.CreateDirectory(Project);
        await File.WriteAllBytesAsync(Path.Combine(Project, "logo.png"), Png.Square(24, 0xE0, 0x7A, 0x2A));
        await File.WriteAllTextAsync(Path.Combine(Project, "README.md"), "the shop\n");

        // A Read of an image, a Bash call, and a subagent that runs a tool of its own, then the reply.
        Model.Then(
            ScriptedModelServer.Reply.Call("Read", new { file_path = Path.Combine(Project, "logo.png") }),
            ScriptedModelServer.Reply.Call("Bash", new { command = "ls", description = "List the files" }),
            ScriptedModelServer.Reply.Call("Agent", new { description = "Count the files", prompt = SubagentPrompt, subagent_type = "general-purpose", run_in_background = false }),
            ScriptedModelServer.Reply.Call("Bash", new { command = "ls | wc -l", description = "Count the files" }),
            ScriptedModelServer.Reply.Say("2 files."),
            ScriptedModelServer.Reply.Say(Reply + "\n\n```bash\nls\n```"));
        var run = await ClaudeRun.RunAsync(Project, Claude, "-p", Prompt, "--allowedTools", "Read,Bash,Agent");
        if (run.ExitCode != 0)
            throw new InvalidOperationException($"claude exited {run.ExitCode}: {run.Output}\nserver: {string.Join("\n", Model.Problems)}");
        var files = Directory.GetFiles(Path.Combine(Host.Home, ".claude", "projects"), "*.jsonl", SearchOption.AllDirectories);
        var file = files.Single(f => !f.Contains("/subagents/", StringComparison.Ordinal));
        SessionId = Path.GetFileNameWithoutExtension(file);
        Transcript = File.ReadAllLines(file).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        SubagentTranscript = File.ReadAllLines(files.Single(f => f.Contains("/subagents/", StringComparison.Ordinal))).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

        // The host has both files once their last lines are kept.
        await Eventually.ReturnsAsync(async () => await Host.Http.GetStringAsync($"/api/sessions/{SessionId}/messages?limit=1000"),
            body => body.Contains("a small orange square", StringComparison.Ordinal) && body.Contains("2 files.", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60), "the recorded session's reply and its subagent's kept by the host");
        // And indexed for search, saved as a session, and its tokens counted: what the pages show is there before they are opened.
        await Eventually.ReturnsAsync(async () => await Host.Http.GetStringAsync("/api/search?q=orange"),
            body => body.Contains(SessionId, StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the reply found by search");
        // Every response's tokens (message.id + requestId, in both files), not the first report's: the list's row of the session must
        // not change under a test that opens it (each report is counted a batch at a time, and a changed row is drawn again).
        var output = ClaudeResponses.FirstLines(Transcript.Concat(SubagentTranscript))
            .Sum(r => r.GetProperty("message").GetProperty("usage").GetProperty("output_tokens").GetInt64());
        await Eventually.ReturnsAsync(async () => JsonDocument.Parse(await Host.Http.GetStringAsync($"/api/status/sessions/{SessionId}")).RootElement
                .GetProperty("outputTokens").GetInt64(),
            counted => counted == output, TimeSpan.FromSeconds(60), $"the session's {output} output tokens counted");
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Model.DisposeAsync();
    }
}
