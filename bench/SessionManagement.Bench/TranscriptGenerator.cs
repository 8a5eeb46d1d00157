using System.Text;
using System.Text.Json;

namespace SessionManagement.Bench;

/// <summary>
/// Writes a transcript shaped like a long Claude Code session (prompts, replies with usage, tool calls and their
/// results of very different sizes, bookkeeping records, an occasional bad line), streamed to disk.
/// </summary>
internal static class TranscriptGenerator
{
    /// <param name="maxMessages">Stop after the turn that reaches this many prompts, replies and tool results (the web view's long session).</param>
    /// <param name="seed">Transcripts of different seeds differ in their texts and sizes, not only in their ids.</param>
    public static async Task<(long Bytes, int Lines)> WriteAsync(string path, string sessionId, long targetBytes, int maxMessages = int.MaxValue, int seed = 42)
    {
        var random = new Random(seed);
        var words = "the build test module parser refactor function error cache query session context hook gateway saver chat index file path value"
            .Split(' ');
        string Prose(int length)
        {
            var text = new StringBuilder(length + 16);
            while (text.Length < length)
                text.Append(words[random.Next(words.Length)]).Append(random.Next(12) == 0 ? ".\n" : " ");
            return text.ToString();
        }

        await using var file = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        long bytes = 0;
        var lines = 0;
        var messages = 0;
        string? parent = null;
        var time = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
        async Task WriteAsync(object record)
        {
            var line = JsonSerializer.Serialize(record);
            if (line.Contains("\"uuid\":", StringComparison.Ordinal))
                messages++;
            await file.WriteAsync(line);
            await file.WriteAsync('\n');
            bytes += Encoding.UTF8.GetByteCount(line) + 1;
            lines++;
        }
        string Next(out string? before)
        {
            before = parent;
            parent = Guid.NewGuid().ToString();
            time = time.AddSeconds(random.Next(1, 20));
            return parent;
        }
        const string cwd = "/home/dev/work/shop";
        while (bytes < targetBytes && messages < maxMessages)
        {
            var uuid = Next(out var before);
            await WriteAsync(new { parentUuid = before, isSidechain = false, type = "user", message = new { role = "user", content = Prose(random.Next(40, 600)) },
                uuid, timestamp = time, cwd, sessionId, version = "2.1.330", gitBranch = "main" });
            for (var step = random.Next(1, 6); step > 0; step--)
            {
                var toolUse = "toolu_" + Guid.NewGuid().ToString("N")[..20];
                uuid = Next(out before);
                await WriteAsync(new
                {
                    parentUuid = before, type = "assistant", uuid, timestamp = time, cwd, sessionId,
                    message = new
                    {
                        id = "msg_" + uuid[..8], model = "claude-opus-4-5-20251101", role = "assistant",
                        content = new object[] { new { type = "text", text = Prose(random.Next(80, 1_500)) },
                            new { type = "tool_use", id = toolUse, name = "Bash", input = new { command = "grep -rn " + Prose(30) } } },
                        usage = new { input_tokens = random.Next(10, 5_000), output_tokens = random.Next(10, 2_000), cache_read_input_tokens = random.Next(0, 90_000) },
                    },
                });
                uuid = Next(out before);
                var output = random.Next(10) == 0 ? Prose(random.Next(20_000, 200_000)) : Prose(random.Next(100, 4_000));
                await WriteAsync(new
                {
                    parentUuid = before, type = "user", uuid, timestamp = time, cwd, sessionId,
                    message = new { role = "user", content = new object[] { new { type = "tool_result", tool_use_id = toolUse, content = output, is_error = random.Next(20) == 0 } } },
                });
            }
            uuid = Next(out before);
            await WriteAsync(new
            {
                parentUuid = before, type = "assistant", uuid, timestamp = time, cwd, sessionId,
                message = new { model = "claude-opus-4-5-20251101", role = "assistant", content = new object[] { new { type = "text", text = Prose(random.Next(100, 2_000)) } },
                    usage = new { input_tokens = 900, output_tokens = 300 } },
            });
            await WriteAsync(new { type = "last-prompt", lastPrompt = "x", leafUuid = uuid, sessionId });
            if (random.Next(50) == 0)
            {
                await file.WriteAsync("{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"cut off mid-wr\n");
                bytes += 58;
                lines++;
            }
        }
        return (bytes, lines);
    }
}
