using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Saver;
using SessionManagement.Hosting.Options;
using SessionManagement.Saver.Consumers;
using SessionManagement.Saver.Storage;
using SessionManagement.Testing;

namespace SessionManagement.Saver.Tests;

/// <summary>What an import announces once per file reaches the saver's store a batch at a time, each announcement kept.</summary>
public sealed class ImportAnnouncementsTests
{
    private const int Files = 40;

    private static readonly DateTimeOffset At = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_an_import_announces_many_files_at_once_Should_keep_every_one_in_fewer_writes()
    {
        using var directory = new TempDirectory();
        var storage = new StorageOptions { DataDirectory = directory.Path };
        System.Collections.Concurrent.ConcurrentDictionary<string, int>? calls = null;
        await using var provider = new ServiceCollection()
            .AddSaverSqlite(storage)
            .AddSingleton<SqliteSessionStore>()
            .AddSingleton(services =>
            {
                (var store, calls) = CountingProxy<ISessionStore>.Wrap(services.GetRequiredService<SqliteSessionStore>());
                return store;
            })
            .AddSingleton<NotedModels>()
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddConsumer<ImportedSessionConsumer, ImportedSessionConsumerDefinition>();
                bus.AddConsumer<TranscriptFactsConsumer, TranscriptFactsConsumerDefinition>();
                bus.AddConsumer<AuditConsumer, AuditConsumerDefinition>();
            })
            .BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var sessions = Enumerable.Range(0, Files).Select(i => $"imp-{i:D2}-" + Guid.NewGuid().ToString("N")[..8]).ToList();

        // As an import of 40 files does: each file's lines stored (their facts), its summary, its audit entry.
        await harness.Bus.PublishBatch(sessions.Select(s => new MessagesAppended(s, 3, 0, 0, 3, At, "claude-opus-4",
            [new TranscriptTitle(TranscriptTitle.Custom, "title of " + s, 10)])), Cancel);
        await harness.Bus.PublishBatch(sessions.Select(s => new TranscriptSummarized(s, At, At.AddMinutes(5), "/work/" + s, "claude-opus-4", 2, 1, 3,
            FirstPrompt: "first prompt of " + s, ImportedBy: "ben")), Cancel);
        await harness.Bus.PublishBatch(sessions.Select(s => new AuditRecorded(Guid.CreateVersion7(), At, "import", "ben", "laptop", s, null)), Cancel);

        // The test's own reading of the database file: every session adopted, titled and audited.
        var file = storage.SqlitePath;
        long Kept(string table, string where = "") => SqliteFile.Count(file, $"SELECT count(*) FROM {table} WHERE session_id LIKE 'imp-%' {where}");
        await Eventually.ReturnsAsync(() => Task.FromResult((Kept("saver_sessions"), Kept("saver_transcript_titles", "AND kind = 'custom-title'"),
                Kept("saver_transcript_models"), Kept("saver_audit"))), kept => kept == (Files, Files, Files, Files), TimeSpan.FromSeconds(60),
            "every session adopted, titled, its model noted and audited");

        // In fewer writes than files: each kind of announcement gathered into batches.
        Assert.NotNull(calls);
        Assert.InRange(calls.GetValueOrDefault(nameof(ISessionStore.AdoptTranscriptsAsync)), 1, Files / 2);
        Assert.InRange(calls.GetValueOrDefault(nameof(ISessionStore.NoteTranscriptFactsAsync)), 1, Files / 2);
        Assert.InRange(calls.GetValueOrDefault(nameof(ISessionStore.RecordAuditAsync)), 1, Files / 2);
        // The same endpoint still answers for the trail, one by one.
        var listed = await harness.GetRequestClient<ListAudit>().GetResponse<AuditListed>(new ListAudit("import", null, null, null, 100), Cancel);
        Assert.Equal(sessions.Order(), listed.Message.Entries.Select(e => e.SessionId!).Order());
        Assert.False(await harness.Published.Any<Fault>(Cancel));
    }
}
