using System.Net;
using System.Text;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Cli.Tests;

/// <summary>
/// <c>smctl keys</c> against running embedded hosts: on one that encrypts, a rotation makes a new key current and the walk seals
/// every stored message again under it — read from the database file, each sealed text's header names the new key; on one that does
/// not, a rotation is refused with a conflict saying why. <c>smctl doctor</c> says which it is.
/// </summary>
public sealed class KeysTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_keys_are_rotated_with_smctl_Should_seal_every_stored_message_under_the_new_key()
    {
        using var keys = new TempDirectory();
        await using var host = HostProcess.Start(new Dictionary<string, string>
        {
            ["SM_session_management__session_storage__encrypt_at_rest"] = "true",
            ["SM_session_management__session_storage__key_file"] = Path.Combine(keys.Path, "keys"),
        });
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };
        var session = "keys-" + Guid.NewGuid().ToString("N")[..8];
        using var folder = new TempDirectory();
        var file = Path.Combine(folder.Path, session + ".jsonl");
        await File.WriteAllTextAsync(file, string.Concat(Enumerable.Range(0, 20).Select(i =>
            TranscriptLines.User(session, $"u-{i}", i == 0 ? null : $"u-{i - 1}", i, $"prompt number {i}", "/work/keys") + "\n")), Cancel);
        Assert.Equal(0, (await SmctlProcess.RunAsync(smctl, "import", file)).ExitCode);
        var database = Path.Combine(host.DataDirectory, "session-management.db");

        var before = JsonDocument.Parse((await SmctlProcess.RunAsync(smctl, "keys", "list", "--json")).Stdout).RootElement;
        var rotated = await SmctlProcess.RunAsync(smctl, "keys", "rotate");
        var after = JsonDocument.Parse((await SmctlProcess.RunAsync(smctl, "keys", "list", "--json")).Stdout).RootElement;
        await Eventually.ReturnsAsync(async () => (await SmctlProcess.RunAsync(smctl, "keys", "list", "--json")).Stdout,
            view => JsonDocument.Parse(view).RootElement.GetProperty("stores").EnumerateArray().All(s => s.GetProperty("done").GetBoolean()),
            Within, "every store sealed again");
        var doctor = await SmctlProcess.RunAsync(smctl, "doctor");

        Assert.True(before.GetProperty("encryptAtRest").GetBoolean());
        Assert.True(rotated.ExitCode == 0, rotated.Stderr);
        var (oldKey, newKey) = (before.GetProperty("currentKey").GetString()!, after.GetProperty("currentKey").GetString()!);
        Assert.NotEqual(oldKey, newKey);
        Assert.Contains(newKey, rotated.Stdout, StringComparison.Ordinal);
        Assert.Contains($"sealed at rest under key {newKey}", doctor.Stdout, StringComparison.Ordinal);
        // The file's own rows, parsed here: every message text is sealed, and its header names the new key.
        var texts = Texts(database, session);
        Assert.Equal(20, texts.Count);
        Assert.All(texts, text => Assert.Equal(newKey, SealedUnder(text)));
        Assert.DoesNotContain(texts, text => text.Contains("prompt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_encryption_is_off_Should_refuse_to_rotate_saying_why()
    {
        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };

        var rotated = await SmctlProcess.RunAsync(smctl, "keys", "rotate");
        var doctor = await SmctlProcess.RunAsync(smctl, "doctor");

        Assert.Equal(7, rotated.ExitCode); // a conflict
        Assert.Contains("encryption at rest is off", rotated.Stderr, StringComparison.Ordinal);
        Assert.Contains("content is kept in clear", doctor.Stdout, StringComparison.Ordinal);
    }

    private static List<string> Texts(string database, string session)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT text FROM chat_messages WHERE session_id = $s AND text <> ''";
        command.Parameters.AddWithValue("$s", session);
        using var reader = command.ExecuteReader();
        var texts = new List<string>();
        while (reader.Read())
            texts.Add(reader.GetString(0));
        return texts;
    }

    /// <summary>The key a sealed text names: after <c>SMe1:</c>, base64 of <c>SMe1</c>, the id's length, the id.</summary>
    private static string SealedUnder(string text)
    {
        Assert.StartsWith("SMe1:", text, StringComparison.Ordinal);
        var bytes = Convert.FromBase64String(text["SMe1:".Length..]);
        Assert.Equal("SMe1", Encoding.ASCII.GetString(bytes, 0, 4));
        return Encoding.ASCII.GetString(bytes, 5, bytes[4]);
    }
}
