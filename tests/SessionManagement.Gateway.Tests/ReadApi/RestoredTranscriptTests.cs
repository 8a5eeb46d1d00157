using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SessionManagement.Testing;
using static SessionManagement.Testing.TranscriptLines;

namespace SessionManagement.Gateway.Tests.ReadApi;

/// <summary>
/// A transcript <c>smctl restore --to-project</c> wrote (its cwd rewritten, so its lines lie at other offsets than the store's), told to the
/// gateway with <c>POST /api/sessions/{id}/restored</c>: the lines Claude Code adds to it are stored once, after the held file, whether
/// the gateway ships them or the file is imported; the held lines are not taken again. The witness is the bytes the test wrote.
/// </summary>
public sealed class RestoredTranscriptTests(EmbeddedHost embedded) : IClassFixture<EmbeddedHost>
{
    private HostProcess Host => embedded.Host;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_a_rehomed_file_grows_Should_store_only_its_new_lines_after_the_held_ones_shipped_or_imported()
    {
        var s = "restored-" + Guid.NewGuid().ToString("N")[..10];
        var (from, to) = ($"/work/{new string('p', 200)}/app", "/w"); // each line 206 bytes shorter there: the new lines' offsets fall among the held ones
        var held = Lines(User(s, "u1", null, 1, "remember the number 7", from), AssistantText(s, "a1", "u1", 2, "Noted: 7.", from), Bookkeeping(s));
        Assert.Equal(3, (await ImportAsync($"?session={s}&name={s}.jsonl", held)).GetProperty("lines").GetInt32());
        var path = Path.Combine(Host.Home, ".claude", "projects", "-w", s + ".jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var rehomed = held.Replace($"\"cwd\":\"{from}\"", $"\"cwd\":\"{to}\"", StringComparison.Ordinal);
        await File.WriteAllTextAsync(path, rehomed, Cancel);
        var (heldBytes, bytes) = (Encoding.UTF8.GetByteCount(held), Encoding.UTF8.GetByteCount(rehomed));

        using var placed = await Host.Http.PostAsJsonAsync($"/api/sessions/{s}/restored", new { path, bytes, heldBytes }, Cancel);
        Assert.True(placed.IsSuccessStatusCode, await placed.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(heldBytes - bytes, (await placed.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("shift").GetInt64());

        // Claude Code resumes it there and adds two lines; the file is imported (smctl import names where it lies): its re-homed lines
        // are passed over, the new ones follow the held ones, and importing it again stores nothing twice.
        var added = Lines(User(s, "u2", "a1", 3, "what was the number?", to), AssistantText(s, "a2", "u2", 4, "The number was 7.", to));
        await File.AppendAllTextAsync(path, added, Cancel);
        var query = $"?session={s}&name={s}.jsonl&path={Uri.EscapeDataString(path)}";
        var imported = await ImportAsync(query, rehomed + added);
        Assert.Equal((2, 2), (imported.GetProperty("lines").GetInt32(), imported.GetProperty("added").GetInt32()));
        Assert.Equal(held + added, await ExportAsync(s));
        Assert.Equal(0, (await ImportAsync(query, rehomed + added)).GetProperty("added").GetInt32());

        // One more line, shipped by the gateway when the turn stops.
        var more = Lines(User(s, "u3", "a2", 5, "and now?", to));
        await File.AppendAllTextAsync(path, more, Cancel);
        using (var stop = await Host.Http.PostAsync("/hooks", new StringContent(
            JsonSerializer.Serialize(new { session_id = s, hook_event_name = "Stop", cwd = to, transcript_path = path }), Encoding.UTF8, "application/json"), Cancel))
            Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        var expected = held + added + more;
        Assert.Equal(expected, await Eventually.ReturnsAsync(() => ExportAsync(s), got => got == expected, TimeSpan.FromSeconds(30),
            "the held lines, then the three added after the restore, each once"));

        // A file put there since (other first bytes) is read whole.
        var other = Lines(User(s, "x1", null, 5, "a different file", to), Bookkeeping(s));
        await File.WriteAllTextAsync(path, other, Cancel);
        Assert.Equal(2, (await ImportAsync($"?session={s}&name={s}.jsonl&path={Uri.EscapeDataString(path)}", other)).GetProperty("lines").GetInt32());
    }

    [Fact]
    public async Task When_a_restored_file_is_told_wrongly_Should_answer_what_is_wrong_and_change_nothing()
    {
        var s = "restored-" + Guid.NewGuid().ToString("N")[..10];
        var path = Path.Combine(Host.Home, ".claude", "projects", "-w", s + ".jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, Lines(Bookkeeping(s)), Cancel);

        var cases = new (object Body, HttpStatusCode Status, string Says)[]
        {
            (new { path, bytes = 10 }, HttpStatusCode.BadRequest, "heldBytes"),
            (new { path, bytes = -1, heldBytes = 5 }, HttpStatusCode.BadRequest, "negative"),
            (new { path, bytes = 1_000_000, heldBytes = 5 }, HttpStatusCode.Conflict, "fewer than the 1000000 restored"),
            (new { path = "/etc/passwd.jsonl", bytes = 1, heldBytes = 1 }, HttpStatusCode.Conflict, "outside the allowed folders"),
        };
        foreach (var (body, status, says) in cases)
        {
            using var answer = await Host.Http.PostAsJsonAsync($"/api/sessions/{s}/restored", body, Cancel);
            var text = await answer.Content.ReadAsStringAsync(Cancel);
            Assert.True(status == answer.StatusCode, $"{JsonSerializer.Serialize(body)}: {(int)answer.StatusCode} {text}");
            Assert.Contains(says, text, StringComparison.Ordinal);
        }
        using var notJson = await Host.Http.PostAsync($"/api/sessions/{s}/restored", new StringContent("{path", Encoding.UTF8, "application/json"), Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }

    private static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";

    private async Task<JsonElement> ImportAsync(string query, string content)
    {
        using var response = await Host.Http.PostAsync("/api/sessions/import" + query, new StringContent(content, Encoding.UTF8, "application/x-ndjson"), Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, $"import: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<string> ExportAsync(string session)
    {
        using var response = await Host.Http.GetAsync($"/api/sessions/{session}/export?format=jsonl", Cancel);
        return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(Cancel) : "";
    }
}
