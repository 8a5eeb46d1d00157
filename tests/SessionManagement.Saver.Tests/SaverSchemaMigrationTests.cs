using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Storage.Sqlite;
using SessionManagement.Saver.Storage;
using SessionManagement.Testing;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Saver.Tests;

public sealed class SaverSchemaMigrationTests
{
    private static SqliteDatabase Open(TempDirectory directory, params SqliteMigration[] migrations) =>
        new(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = directory.Path }), migrations, NullLogger<SqliteDatabase>.Instance);

    [Fact]
    public async Task When_a_v1_store_is_opened_by_this_version_Should_backfill_the_tallies_and_keep_counting_right()
    {
        using var directory = new TempDirectory();
        var cancel = TestContext.Current.CancellationToken;
        var s = new SessionEvents(SessionEvents.NewId());
        var old = new[] { s.Next("SessionStart", source: "startup"), s.Next("UserPromptSubmit"), s.Next("UserPromptSubmit") };
        await using (var v1 = Open(directory, SaverSqliteSchema.V1))
        {
            await v1.WriteAsync(async (connection, transaction) =>
            {
                foreach (var e in old)
                {
                    await using var insert = connection.CreateCommand();
                    insert.Transaction = transaction;
                    insert.CommandText = """
                        INSERT INTO saver_events (event_id, session_id, hook_event_name, received_at, capture_sequence, host, user_name, raw_json, raw_encoding)
                        VALUES ($id, $session, $event, $at, $seq, 'laptop', 'dev', $raw, 'utf8')
                        """;
                    insert.Bind("$id", e.EventId.ToString()).Bind("$session", e.SessionId).Bind("$event", e.HookEventName)
                        .Bind("$at", SqliteValues.Time(e.ReceivedAt)).Bind("$seq", e.CaptureSequence).Bind("$raw", System.Text.Encoding.UTF8.GetBytes(e.RawJson));
                    await insert.ExecuteNonQueryAsync(cancel);
                }
                return 0;
            }, cancel);
        }

        await using var v2 = Open(directory, [.. SaverSqliteSchema.All]);
        var store = new SqliteSessionStore(v2, Microsoft.Extensions.Options.Options.Create(new PersistenceOptions()), AtRest.Off);
        var saved = Assert.Single(await store.SaveAsync([s.Next("UserPromptSubmit")], cancel));

        Assert.Equal((4L, 3L), (saved.State.EventCount, saved.State.Prompts));
        Assert.Equal(old[0].ReceivedAt, saved.State.StartedAt);
    }
}
