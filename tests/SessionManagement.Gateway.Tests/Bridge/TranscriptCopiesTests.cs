using System.Net;
using System.Text;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.Bridge;

/// <summary>
/// A session kept in two project folders (handed off with <c>smctl restore --to-project</c>, its paths rewritten, then continued there)
/// taken in by a store that knows nothing of the hand-off (a store started afresh, or restored from its backups): each record is held
/// once, the copy's own lines after the original's, and the lines Claude Code adds to either copy or to a third go after them too.
/// </summary>
public sealed class TranscriptCopiesTests
{
    private const string Original = "/work/a-long-project-folder";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_two_copies_of_a_session_are_taken_in_Should_hold_each_record_once_and_what_each_copy_added_after_them()
    {
        var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        var session = "copies-" + Guid.NewGuid().ToString("N")[..8];
        var projects = Path.Combine(host.Home, ".claude", "projects");
        string[] original =
        [
            Line(new { type = "queue-operation", operation = "enqueue", timestamp = TranscriptLines.Time(0), sessionId = session, content = "port the parser" }),
            TranscriptLines.User(session, "u1", null, 1, "port the parser", Original),
            TranscriptLines.AssistantText(session, "a1", "u1", 2, "Ported.", Original),
            Line(new { type = "file-history-snapshot", messageId = "u1", snapshot = new { messageId = "u1", timestamp = TranscriptLines.Time(3),
                trackedFileBackups = new Dictionary<string, object> { [Original + "/parse.py"] = new { version = 1 } } }, isSnapshotUpdate = false }),
            TranscriptLines.Bookkeeping(session),
            TranscriptLines.User(session, "u2", "a1", 4, "now the tests", Original),
        ];
        // The hand-off: every path rewritten (so every line that names one is at another offset), then three lines more there.
        string[] handedOff = [.. original.Select(l => l.Replace(Original, "/w/b", StringComparison.Ordinal)),
            TranscriptLines.AssistantText(session, "a2", "u2", 5, "Tests written.", "/w/b"),
            TranscriptLines.User(session, "u3", "a2", 6, "run them", "/w/b"),
            TranscriptLines.AssistantText(session, "a3", "u3", 7, "All pass.", "/w/b")];
        // The session ran with the hooks: its prompts are held from them, waiting for their transcript lines.
        await host.PostHookAsync(JsonSerializer.Serialize(new { session_id = session, hook_event_name = "UserPromptSubmit", cwd = Original, prompt = "port the parser" }), Cancel);
        await host.PostHookAsync(JsonSerializer.Serialize(new { session_id = session, hook_event_name = "UserPromptSubmit", cwd = "/w/b", prompt = "run them" }), Cancel);
        var first = Write(Path.Combine(projects, "-a-long", session + ".jsonl"), original);
        var second = Write(Path.Combine(projects, "-b", session + ".jsonl"), handedOff);
        await host.KillAsync();

        host = host.StartAgain(); // takes both in at its start, the original first (its folder sorts first)
        try
        {
            await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
            var expected = File.ReadAllBytes(first).Concat(Tail(second, 3)).ToArray();
            await ExportedAsync(host, session, expected, "both copies taken in");

            // Claude Code goes on in the copy: its new lines follow the held ones.
            string[] more = [TranscriptLines.User(session, "u4", "a3", 8, "and the docs", "/w/b"), TranscriptLines.AssistantText(session, "a4", "u4", 9, "Done.", "/w/b")];
            await File.AppendAllTextAsync(second, string.Join("\n", more) + "\n", Cancel);
            await HookAsync(host, session, "/w/b", second);
            expected = [.. expected, .. Tail(second, 2)];
            await ExportedAsync(host, session, expected, "the copy's new lines shipped");

            // A third copy, handed off again and gone on by one line, first named by a hook: shipped from after what is held.
            var third = Write(Path.Combine(projects, "-c", session + ".jsonl"),
                [.. File.ReadAllLines(second).Select(l => l.Replace("/w/b", "/c", StringComparison.Ordinal)), TranscriptLines.User(session, "u5", "a4", 10, "ship it", "/c")]);
            await HookAsync(host, session, "/c", third);
            expected = [.. expected, .. Tail(third, 1)];
            await ExportedAsync(host, session, expected, "the third copy's new line shipped");

            var exported = Encoding.UTF8.GetString(expected).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var uuids = exported.Select(l => JsonDocument.Parse(l).RootElement).Where(r => r.TryGetProperty("uuid", out _)).Select(r => r.GetProperty("uuid").GetString()).ToList();
            Assert.Equal(uuids.Distinct().Count(), uuids.Count); // each record once
            Assert.Equal(original.Length + 3 + 2 + 1, exported.Length);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static string Line(object record) => JsonSerializer.Serialize(record);

    private static string Write(string path, IEnumerable<string> lines)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    /// <summary>The last <paramref name="count"/> lines of the file, as its bytes.</summary>
    private static byte[] Tail(string path, int count) =>
        Encoding.UTF8.GetBytes(string.Concat(File.ReadAllLines(path).TakeLast(count).Select(l => l + "\n")));

    private static Task HookAsync(HostProcess host, string session, string cwd, string transcript) =>
        host.PostHookAsync(JsonSerializer.Serialize(new { session_id = session, hook_event_name = "Stop", cwd, transcript_path = transcript }), Cancel);

    private static async Task ExportedAsync(HostProcess host, string session, byte[] expected, string what)
    {
        var exported = await Eventually.ReturnsAsync(async () =>
            {
                using var response = await host.Http.GetAsync($"/api/sessions/{session}/export?format=jsonl", Cancel);
                return response.IsSuccessStatusCode ? await response.Content.ReadAsByteArrayAsync(Cancel) : [];
            },
            bytes => bytes.AsSpan().SequenceEqual(expected), TimeSpan.FromSeconds(30), what);
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(exported));
    }
}
