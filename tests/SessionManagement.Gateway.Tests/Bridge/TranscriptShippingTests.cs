using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.Bridge;

public sealed class TranscriptShippingTests(InfrastructureFixture infrastructure)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Stop(string session, string transcript) =>
        $$"""{"session_id":"{{session}}","hook_event_name":"Stop","transcript_path":"{{transcript}}"}""";

    /// <summary>Writes a session's first transcript content, posts Stop, and waits until <paramref name="lines"/> lines were shipped.</summary>
    private static async Task<(string Session, string Transcript)> ShipFirstAsync(GatewayUnderTest gateway, string content, int lines)
    {
        var session = GatewayUnderTest.NewSessionId();
        Directory.CreateDirectory(gateway.TranscriptFolder);
        var transcript = Path.Combine(gateway.TranscriptFolder, session + ".jsonl");
        await File.WriteAllTextAsync(transcript, content, Cancel);
        await gateway.PostHookAsync(Stop(session, transcript));
        await gateway.Observer.TranscriptAsync(session, shipped => shipped.Count >= lines);
        return (session, transcript);
    }

    [Fact]
    public async Task When_the_transcript_grows_Should_ship_each_complete_line_once_and_hold_back_a_partial_one()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(infrastructure);
        var (session, transcript) = await ShipFirstAsync(gateway, "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":", lines: 3);

        await File.AppendAllTextAsync(transcript, "4}\n{\"n\":5}\n", Cancel);
        await gateway.PostHookAsync(Stop(session, transcript));
        var batches = await gateway.Observer.TranscriptAsync(session, lines => lines.Count >= 5);

        Assert.Equal(["{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}", "{\"n\":5}"], batches.SelectMany(b => b.ReadLines()));
        Assert.Equal(new FileInfo(transcript).Length, batches[^1].EndOffset);
    }

    [Fact]
    public async Task When_a_subagent_ran_Should_ship_its_transcript_with_the_session_named_as_its_file()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(infrastructure);
        var session = GatewayUnderTest.NewSessionId();
        Directory.CreateDirectory(gateway.TranscriptFolder);
        var transcript = Path.Combine(gateway.TranscriptFolder, session + ".jsonl");
        var subagents = Path.Combine(gateway.TranscriptFolder, session, "subagents");
        Directory.CreateDirectory(subagents);
        await File.WriteAllTextAsync(transcript, "{\"own\":1}\n", Cancel);
        await File.WriteAllTextAsync(Path.Combine(subagents, "agent-a1b2.jsonl"), "{\"agent\":1}\n{\"agent\":2}\n", Cancel);
        await File.WriteAllTextAsync(Path.Combine(subagents, "agent-a1b2.meta.json"), "{\"agentType\":\"Explore\"}", Cancel); // not a transcript

        await gateway.PostHookAsync($$"""{"session_id":"{{session}}","hook_event_name":"SubagentStop","transcript_path":"{{transcript}}","agent_transcript_path":"{{Path.Combine(subagents, "agent-a1b2.jsonl")}}"}""");
        var batches = await gateway.Observer.TranscriptAsync(session, lines => lines.Count >= 3);

        Assert.Equal(["{\"own\":1}"], batches.Where(b => b.File is null).SelectMany(b => b.ReadLines()));
        var agent = Assert.Single(batches, b => b.File is not null);
        Assert.Equal(("subagents/agent-a1b2.jsonl", 0L), (agent.File, agent.StartOffset));
        Assert.Equal(["{\"agent\":1}", "{\"agent\":2}"], agent.ReadLines());
    }

    [Fact]
    public async Task When_the_transcript_is_truncated_Should_ship_the_new_content_from_the_start()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(infrastructure);
        var (session, transcript) = await ShipFirstAsync(gateway, "{\"old\":1}\n{\"old\":2}\n{\"old\":3}\n", lines: 3);

        await File.WriteAllTextAsync(transcript, "{\"new\":1}\n", Cancel);
        await gateway.PostHookAsync(Stop(session, transcript));
        var batches = await gateway.Observer.TranscriptAsync(session, lines => lines.Contains("{\"new\":1}"));

        Assert.Equal(0, batches[^1].StartOffset);
        Assert.Equal(["{\"new\":1}"], batches[^1].ReadLines());
    }

    [Fact]
    public async Task When_the_transcript_is_replaced_by_a_longer_file_Should_ship_the_new_file_from_the_start()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(infrastructure);
        var (session, transcript) = await ShipFirstAsync(gateway, "{\"first\":\"file\"}\n", lines: 1);

        var replacement = transcript + ".new";
        await File.WriteAllTextAsync(replacement, "{\"second\":\"file, a longer one\"}\n{\"second\":2}\n", Cancel);
        File.Move(replacement, transcript, overwrite: true);
        await gateway.PostHookAsync(Stop(session, transcript));
        var batches = await gateway.Observer.TranscriptAsync(session, lines => lines.Contains("{\"second\":2}"));

        Assert.Equal(0, batches[^1].StartOffset);
        Assert.Equal(["{\"second\":\"file, a longer one\"}", "{\"second\":2}"], batches[^1].ReadLines());
    }

    [Fact]
    public async Task When_the_transcript_path_points_outside_the_projects_folder_Should_refuse_to_read_it()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(infrastructure);
        using var outside = new TempDirectory();
        var session = GatewayUnderTest.NewSessionId();
        var secret = outside.File("secret.jsonl");
        await File.WriteAllTextAsync(secret, "{\"secret\":true}\n", Cancel);
        Directory.CreateDirectory(gateway.TranscriptFolder);
        var sneaky = Path.Combine(gateway.TranscriptFolder, "..", "..", "..", "..", "..", outside.Path.TrimStart('/'), "secret.jsonl");

        await gateway.PostHookAsync(Stop(session, sneaky));

        await Eventually.ReturnsAsync(() => Task.FromResult(gateway.Host.Output), output => output.Contains($"Refused to read the transcript of session {session}", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the refusal in the log");
        Assert.Single(await gateway.Observer.HooksAsync(session, 1)); // the hook itself is still captured
        Assert.DoesNotContain(gateway.Observer.Observed.TranscriptBatches, b => b.SessionId == session);
    }
}
