using System.Net;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.Bridge;

/// <summary>
/// Sessions that ran while nothing listened: their transcripts lie in Claude Code's folder and no hook ever named them. The gateway
/// takes them in at its start (and every <c>Gateway:ReconcileMinutes</c>), and goes on from where it stopped when a file grew.
/// </summary>
public sealed class TranscriptReconcileTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_transcripts_were_written_while_nothing_listened_Should_take_them_in_at_start_and_what_they_gained_later()
    {
        var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        var session = "missed-" + Guid.NewGuid().ToString("N")[..8];
        var project = Path.Combine(host.Home, ".claude", "projects", "-work-missed");
        var transcript = Path.Combine(project, session + ".jsonl");
        var subagent = Path.Combine(project, session, "subagents", "agent-9c2d.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(subagent)!);
        await File.WriteAllTextAsync(transcript, string.Join("\n",
            TranscriptLines.User(session, "u1", null, 1, "port the parser", "/work/missed"),
            TranscriptLines.AssistantText(session, "a1", "u1", 2, "Ported.", "/work/missed")) + "\n", Cancel);
        await File.WriteAllTextAsync(subagent, TranscriptLines.User(session, "s1", null, 3, "read the grammar", "/work/missed") + "\n", Cancel);
        var output = Path.Combine(project, session, "tool-results", "b4k2x9.txt"); // a tool's output too large for the transcript
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, string.Join("\n", Enumerable.Range(1, 8_000)), Cancel);
        await host.KillAsync();

        host = host.StartAgain();
        try
        {
            await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
            await ExportedAsync(host, session, "", await File.ReadAllBytesAsync(transcript, Cancel));
            await ExportedAsync(host, session, "&file=subagents/agent-9c2d.jsonl", await File.ReadAllBytesAsync(subagent, Cancel));
            var state = await Eventually.ReturnsAsync(() => host.Http.GetAsync($"/api/sessions/{session}", Cancel), r => r.IsSuccessStatusCode,
                TimeSpan.FromSeconds(30), "the session kept by the saver");
            Assert.Contains("\"projectDir\":\"/work/missed\"", await state.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
            var kept = await Eventually.ReturnsAsync(async () =>
                {
                    using var response = await host.Http.GetAsync($"/api/sessions/{session}/tool-results/b4k2x9.txt", Cancel);
                    return response.IsSuccessStatusCode ? await response.Content.ReadAsByteArrayAsync(Cancel) : [];
                },
                bytes => bytes.Length > 0, TimeSpan.FromSeconds(30), "the tool output taken in");
            Assert.Equal(await File.ReadAllBytesAsync(output, Cancel), kept);

            await File.AppendAllTextAsync(transcript, TranscriptLines.User(session, "u2", "a1", 4, "and the tests", "/work/missed") + "\n", Cancel);
            await host.KillAsync();
            host = host.StartAgain();
            await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
            await ExportedAsync(host, session, "", await File.ReadAllBytesAsync(transcript, Cancel));
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static async Task ExportedAsync(HostProcess host, string session, string file, byte[] expected)
    {
        var exported = await Eventually.ReturnsAsync(async () =>
            {
                using var response = await host.Http.GetAsync($"/api/sessions/{session}/export?format=jsonl{file}", Cancel);
                return response.IsSuccessStatusCode ? await response.Content.ReadAsByteArrayAsync(Cancel) : [];
            },
            bytes => bytes.AsSpan().SequenceEqual(expected), TimeSpan.FromSeconds(30), $"session {session}'s transcript{file} taken in");
        Assert.Equal(expected, exported);
    }
}
