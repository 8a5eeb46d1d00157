using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Gateway.Accept;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Security;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.Privacy;

/// <summary>
/// The accepted-events log with encryption at rest: a hook accepted and never finished (a host killed) is handed over again at the
/// next start with its raw JSON whole, while the log's file holds none of its words; one written in clear before encryption was
/// turned on is read as it is.
/// </summary>
public sealed class SealedAcceptedEventLogTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_a_host_stops_before_a_sealed_hook_is_stored_Should_hand_it_over_again_whole_and_keep_none_of_its_words()
    {
        using var directory = new TempDirectory();
        const string cleared = """{"session_id":"s-1","hook_event_name":"UserPromptSubmit","prompt":"written in clear: ocelotprompt"}""";
        const string sealedRaw = """{"session_id":"s-1","hook_event_name":"UserPromptSubmit","prompt":"sealed: narwhalprompt"}""";
        await using (var before = Open(directory, AtRest.Off))
        {
            await before.OpenAndRecoverAsync(Cancel);
            await before.AcceptAsync(Hook(cleared), Cancel);
        }
        await using (var sealing = Open(directory, TestKeys.Sealing()))
        {
            await sealing.OpenAndRecoverAsync(Cancel);
            await sealing.AcceptAsync(Hook(sealedRaw), Cancel);
        }
        var file = Encoding.Latin1.GetString(File.ReadAllBytes(Path.Combine(directory.Path, AcceptedEventLog.FileName)))
            + (File.Exists(Path.Combine(directory.Path, AcceptedEventLog.FileName + "-wal"))
                ? Encoding.Latin1.GetString(File.ReadAllBytes(Path.Combine(directory.Path, AcceptedEventLog.FileName + "-wal"))) : "");

        await using var after = Open(directory, TestKeys.Sealing());
        var recovered = await after.OpenAndRecoverAsync(Cancel);

        Assert.Equal([cleared, sealedRaw], recovered.Select(a => a.Event.RawJson));
        Assert.Contains("ocelotprompt", file, StringComparison.Ordinal); // the file is readable as text: the word kept in clear is there
        Assert.DoesNotContain("narwhalprompt", file, StringComparison.Ordinal);
    }

    private static AcceptedEventLog Open(TempDirectory directory, AtRest atRest) =>
        new(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = directory.Path }), NullLogger<AcceptedEventLog>.Instance, atRest);

    private static HookEventCaptured Hook(string raw) =>
        new(Guid.CreateVersion7(), "s-1", "UserPromptSubmit", DateTimeOffset.UtcNow, 1, "host", "user", "/work/project", null, raw);
}
