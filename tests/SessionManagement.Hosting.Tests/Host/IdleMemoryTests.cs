using System.Globalization;
using System.Net;
using System.Text;
using SessionManagement.Host;
using SessionManagement.Testing;

namespace SessionManagement.Hosting.Tests.Host;

public sealed class IdleMemoryTests
{
    private const long MB = 1L << 20;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void When_a_start_is_followed_by_quiet_Should_give_memory_back_once_after_two_quiet_intervals()
    {
        var quiet = new QuietAfterWork(allocatedAtStart: 20 * MB);

        Assert.False(quiet.Observe(20 * MB + MB / 4)); // one quiet interval
        Assert.True(quiet.Observe(20 * MB + MB / 2)); // the second in a row
        quiet.Trimmed(20 * MB + MB / 2);
        // Nothing worked since: an idle host's timers allocate a little every interval, never enough.
        for (var i = 1; i <= 40; i++)
            Assert.False(quiet.Observe(20 * MB + MB / 2 + i * (MB / 4)));
    }

    [Fact]
    public void When_the_host_works_Should_wait_until_it_has_been_quiet_for_two_intervals_in_a_row()
    {
        var quiet = new QuietAfterWork(allocatedAtStart: 0);
        var allocated = 0L;

        for (var i = 0; i < 10; i++)
            Assert.False(quiet.Observe(allocated += 8 * MB)); // an import: busy every interval
        Assert.False(quiet.Observe(allocated += MB / 2));
        Assert.False(quiet.Observe(allocated += 3 * MB)); // busy again: the quiet starts over
        Assert.False(quiet.Observe(allocated += MB / 2));
        Assert.True(quiet.Observe(allocated += MB / 2));
    }

    [Fact]
    public void When_too_little_was_allocated_since_the_last_time_Should_leave_memory_as_it_is()
    {
        var quiet = new QuietAfterWork(allocatedAtStart: 4 * MB);

        Assert.False(quiet.Observe(4 * MB));
        Assert.False(quiet.Observe(4 * MB));
        Assert.False(quiet.Observe(6 * MB)); // busy: 2 MB in an interval, 6 in all
        Assert.False(quiet.Observe(6 * MB));
        Assert.False(quiet.Observe(6 * MB));
        Assert.False(quiet.Observe(16 * MB + MB)); // 17 MB in all
        Assert.False(quiet.Observe(16 * MB + MB));
        Assert.True(quiet.Observe(16 * MB + MB));
    }

    /// <summary>
    /// The real host, as a user runs it: once it has started and gone quiet it gives memory back, and again after an import. The
    /// witness is the kernel's count of the process's private memory (<c>RssAnon</c>), read before and after.
    /// </summary>
    [Fact]
    public async Task When_the_host_goes_quiet_after_starting_and_after_an_import_Should_give_its_private_memory_back_to_the_system()
    {
        // Watched through its log, not /metrics: a test polling that page would itself be the host's work.
        await using var host = HostProcess.Start(new Dictionary<string, string> { ["SM_Logging__LogLevel__SessionManagement.Host.IdleMemory"] = "Debug" });
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        var started = PrivateKilobytes(host);

        await Eventually.ReturnsAsync(() => Task.FromResult(Trims(host)), trims => trims >= 1, TimeSpan.FromSeconds(60), "the first time memory is given back");
        var quietAfterStart = PrivateKilobytes(host);
        Assert.True(quietAfterStart < started, $"private memory {quietAfterStart} KB once quiet, {started} KB when ready");

        var session = Guid.NewGuid().ToString();
        var transcript = new StringBuilder();
        for (var i = 0; i < 4_000; i++)
            transcript.Append(CultureInfo.InvariantCulture, $$$"""{"type":"user","uuid":"{{{Guid.NewGuid()}}}","sessionId":"{{{session}}}","timestamp":"2026-12-04T10:00:00.000Z","message":{"role":"user","content":"{{{new string('x', 4_000)}}} {{{i}}}"}}""").Append('\n');
        using (var imported = await host.Http.PostAsync($"/api/sessions/import?session={session}&name={session}.jsonl",
            new StringContent(transcript.ToString(), Encoding.UTF8, "application/x-ndjson"), Cancel))
            Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync(Cancel));
        var afterImport = PrivateKilobytes(host);
        var trimsBefore = Trims(host);

        await Eventually.ReturnsAsync(() => Task.FromResult(Trims(host)), trims => trims > trimsBefore, TimeSpan.FromSeconds(60), "memory given back after the import");
        var quietAfterImport = PrivateKilobytes(host);
        Assert.True(quietAfterImport < afterImport, $"private memory {quietAfterImport} KB once quiet, {afterImport} KB right after the import");
        var metrics = await host.Http.GetStringAsync("/metrics", Cancel);
        Assert.Contains($"sm_host_memory_trims_total {Trims(host)}\n", metrics, StringComparison.Ordinal);
    }

    private static int Trims(HostProcess host) =>
        host.Output.Split('\n').Count(line => line.Contains("Gave memory back after a quiet", StringComparison.Ordinal));

    /// <summary>What <c>/proc/&lt;pid&gt;/status</c> says of the process's private (anonymous) resident memory, in KB.</summary>
    private static long PrivateKilobytes(HostProcess host)
    {
        var line = File.ReadAllLines($"/proc/{host.ProcessId}/status").Single(l => l.StartsWith("RssAnon:", StringComparison.Ordinal));
        return long.Parse(line["RssAnon:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
