using System.Text;
using System.Text.Json;
using SessionManagement.Chat.Messages;

namespace SessionManagement.Chat.Tests;

/// <summary>
/// Chat reads each transcript line with its own JSON reader. The witness is System.Text.Json's <see cref="JsonDocument"/>, which
/// chat used before: whatever line it accepts, ours accepts and reads to the same values; whatever it refuses, ours refuses.
/// </summary>
public sealed class JsonLineTests
{
    private static readonly string[] Texts =
    [
        "", "plain", "line one\nline two\ttabbed", "quote \" and backslash \\ and slash /", "control \u0001\u001f\b\f\r",
        "é ü 日本語 🙂 emoji", "\u2028\u2029", "long " + new string('x', 3000) + "\n" + new string('y', 200),
    ];

    [Fact]
    public void When_lines_are_valid_Should_read_the_same_values_as_System_Text_Json()
    {
        foreach (var line in ValidLines())
        {
            using var document = JsonDocument.Parse(line);
            using var ours = JsonLine.Read(line, out var problem);
            Assert.True(ours is not null, $"{problem}: {Encoding.UTF8.GetString(line)}");
            AssertSame(document.RootElement, ours.Root);
        }
    }

    [Fact]
    public void When_lines_are_mutated_Should_accept_exactly_what_System_Text_Json_accepts()
    {
        var random = new Random(20261203);
        var bytes = "\"\\{}[],: \t\r\n0123456789-+.eEuaftrnlsx/"u8.ToArray().Concat(new byte[] { 0x00, 0x01, 0x1F, 0x7F, 0xC3, 0xA9, 0xFF }).ToArray();
        var valid = ValidLines().ToList();
        var checkedLines = 0;
        var refused = 0;
        for (var round = 0; round < 300; round++)
        {
            foreach (var line in valid)
            {
                var mutant = line.ToList();
                for (var changes = random.Next(1, 4); changes > 0 && mutant.Count > 0; changes--)
                {
                    var at = random.Next(mutant.Count);
                    switch (random.Next(4))
                    {
                        case 0:
                            mutant[at] = bytes[random.Next(bytes.Length)];
                            break;
                        case 1:
                            mutant.Insert(at, bytes[random.Next(bytes.Length)]);
                            break;
                        case 2:
                            mutant.RemoveAt(at);
                            break;
                        default:
                            mutant.RemoveRange(at, mutant.Count - at);
                            break;
                    }
                }
                var accepted = Accepts(mutant.ToArray());
                using var ours = JsonLine.Read(mutant.ToArray(), out var problem);
                Assert.True(accepted == (ours is not null), $"System.Text.Json {(accepted ? "accepts" : "refuses")}, ours says {problem ?? "valid"}: {Encoding.UTF8.GetString(mutant.ToArray())}");
                checkedLines++;
                refused += accepted ? 0 : 1;
            }
        }
        Assert.True(refused > checkedLines / 4, $"the mutations should break most lines: {refused} of {checkedLines} refused");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("{\"a\":1,}")]
    [InlineData("[1,]")]
    [InlineData("[1 2]")]
    [InlineData("{\"a\" 1}")]
    [InlineData("{a:1}")]
    [InlineData("{\"a\":01}")]
    [InlineData("{\"a\":1.}")]
    [InlineData("{\"a\":.5}")]
    [InlineData("{\"a\":1e}")]
    [InlineData("{\"a\":-}")]
    [InlineData("{\"a\":+1}")]
    [InlineData("{\"a\":tru}")]
    [InlineData("{\"a\":nulll}")]
    [InlineData("{\"a\":\"\\x\"}")]
    [InlineData("{\"a\":\"\\u12G4\"}")]
    [InlineData("{\"a\":\"\\u12\"}")]
    [InlineData("{\"a\":\"tab\there\"}")]
    [InlineData("{\"a\":1}{\"b\":2}")]
    [InlineData("{\"a\":1}\f")]
    [InlineData("// comment\n{}")]
    [InlineData("{\"a\":1}\n")]
    [InlineData(" \t{\"a\":-0.0e+1}\r ")]
    [InlineData("{\"\\u0061\":5,\"a\":6}")]
    [InlineData("[\"\\ud83d\\ude42\",\"\\ud800\",\"\\udc00x\"]")]
    [InlineData("\"just a string\"")]
    [InlineData("12.5E-3")]
    public void When_edge_cases_are_read_Should_agree_with_System_Text_Json(string text)
    {
        var line = Encoding.UTF8.GetBytes(text);
        using var ours = JsonLine.Read(line, out var problem);
        Assert.Equal(Accepts(line), ours is not null);
        if (ours is null)
        {
            Assert.Contains(" at byte ", problem);
            return;
        }
        using var document = JsonDocument.Parse(line);
        AssertSame(document.RootElement, ours.Root);
    }

    [Fact]
    public void When_nested_64_or_65_deep_Should_agree_with_System_Text_Json()
    {
        foreach (var depth in new[] { 63, 64, 65, 100 })
        {
            foreach (var (open, close) in new[] { ("[", "]"), ("{\"k\":", "}") })
            {
                var line = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth)));
                using var ours = JsonLine.Read(line, out _);
                Assert.Equal(Accepts(line), ours is not null);
            }
        }
    }

    [Fact]
    public void When_bytes_are_not_UTF_8_Should_accept_them_as_System_Text_Json_does_and_read_them_leniently()
    {
        byte[] line = [.. "{\"type\":\""u8, 0xFF, 0xFE, .. "x\"}"u8];
        using var document = JsonDocument.Parse(line); // accepted: the framework checks UTF-8 only when a string is read
        Assert.Throws<InvalidOperationException>(() => document.RootElement.GetProperty("type").GetString());
        using var ours = JsonLine.Read(line, out _);
        Assert.True(ours!.Root.TryGetProperty("type", out var type));
        Assert.Equal("\uFFFD\uFFFDx", type.GetString());
    }

    [Fact]
    public void When_a_prefix_is_cut_Should_unescape_to_a_prefix_of_the_whole_text()
    {
        foreach (var text in Texts.Append("a\\\\u0041 \\ud83d\\ude42 é " + new string('\n', 40)))
        {
            var quoted = JsonSerializer.SerializeToUtf8Bytes(text); // escapes quotes, controls and, by default, everything beyond ASCII
            var whole = JsonDocument.Parse(quoted).RootElement.GetString()!;
            var inner = quoted.AsSpan(1, quoted.Length - 2);
            for (var cut = 0; cut <= inner.Length; cut++)
            {
                var safe = JsonLine.SafeCut(inner, cut);
                Assert.InRange(safe, 0, cut);
                var into = new char[safe];
                var prefix = new string(into, 0, JsonLine.Unescape(inner[..safe], into));
                Assert.StartsWith(prefix, whole, StringComparison.Ordinal);
                Assert.True(cut - safe <= 12, $"cut {cut} went back to {safe}");
            }
        }
    }

    private static bool Accepts(byte[] line)
    {
        try
        {
            using var _ = JsonDocument.Parse(line);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Transcript-shaped lines written by System.Text.Json's writer, in its escaping and in raw UTF-8 alike.</summary>
    private static IEnumerable<byte[]> ValidLines()
    {
        var encoders = new[] { System.Text.Encodings.Web.JavaScriptEncoder.Default, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var i = 0;
        foreach (var encoder in encoders)
        {
            foreach (var text in Texts)
            {
                i++;
                var stream = new MemoryStream();
                using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = encoder }))
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", i % 2 == 0 ? "assistant" : "user");
                    writer.WriteString("uuid", $"u-{i}");
                    writer.WriteNull("parentUuid");
                    writer.WriteBoolean("isSidechain", i % 3 == 0);
                    writer.WriteString("timestamp", "2026-11-01T09:00:19.123Z");
                    writer.WriteStartObject("message");
                    writer.WriteString("role", "assistant");
                    writer.WriteStartArray("content");
                    writer.WriteStartObject();
                    writer.WriteString("type", "text");
                    writer.WriteString("text", text);
                    writer.WriteEndObject();
                    writer.WriteStartObject();
                    writer.WriteString("type", "tool_use");
                    writer.WriteString("id", $"toolu_{i}");
                    writer.WriteStartObject("input");
                    writer.WriteString("command", text);
                    writer.WriteNumber("timeout", -1.5e3);
                    writer.WriteStartArray("args");
                    writer.WriteNumberValue(0);
                    writer.WriteNumberValue(123456789012345L);
                    writer.WriteStringValue(text);
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                    writer.WriteEndArray();
                    writer.WriteStartObject("usage");
                    writer.WriteNumber("input_tokens", 12 + i);
                    writer.WriteNumber("output_tokens", 0.25);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                    writer.WriteStartArray("empty");
                    writer.WriteEndArray();
                    writer.WriteStartObject("none");
                    writer.WriteEndObject();
                    writer.WriteString("type", "summary"); // a name twice: the last one counts
                    writer.WriteEndObject();
                }
                yield return stream.ToArray();
            }
        }
        yield return "[1, 2.5, -0, 1E+2, true, false, null, \"s\", [], {}, [[[]]]]"u8.ToArray();
    }

    private static void AssertSame(JsonElement expected, JsonLine.JsonValue actual)
    {
        Assert.Equal(expected.ValueKind switch
        {
            JsonValueKind.Object => JsonKind.Object,
            JsonValueKind.Array => JsonKind.Array,
            JsonValueKind.String => JsonKind.String,
            JsonValueKind.Number => JsonKind.Number,
            JsonValueKind.True => JsonKind.True,
            JsonValueKind.False => JsonKind.False,
            JsonValueKind.Null => JsonKind.Null,
            _ => JsonKind.Undefined,
        }, actual.Kind);
        Assert.True(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(expected).SequenceEqual(actual.Raw));
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var names = expected.EnumerateObject().Select(p => p.Name).Distinct().ToList();
                foreach (var name in names)
                {
                    Assert.True(actual.TryGetProperty(name, out var value), name);
                    AssertSame(expected.GetProperty(name), value);
                }
                Assert.False(actual.TryGetProperty("not-there", out _));
                break;
            case JsonValueKind.Array:
                var items = actual.EnumerateArray().ToList();
                Assert.Equal(expected.GetArrayLength(), items.Count);
                foreach (var (item, index) in expected.EnumerateArray().Select((e, n) => (e, n)))
                    AssertSame(item, items[index]);
                break;
            case JsonValueKind.String:
                string? text;
                try
                {
                    text = expected.GetString();
                }
                catch (InvalidOperationException)
                {
                    text = null; // a lone surrogate: the framework will not make a string of it, ours reads it as U+FFFD
                }
                if (text is not null)
                {
                    Assert.Equal(text, actual.GetString());
                    Assert.True(actual.ValueEquals(text));
                    Assert.False(actual.ValueEquals(text + "x"));
                }
                Assert.Equal(expected.TryGetDateTimeOffset(out var expectedTime), actual.TryGetDateTimeOffset(out var actualTime));
                Assert.Equal(expectedTime, actualTime);
                break;
            case JsonValueKind.Number:
                Assert.Equal(expected.TryGetInt64(out var expectedNumber), actual.TryGetInt64(out var actualNumber));
                Assert.Equal(expectedNumber, actualNumber);
                break;
        }
    }
}
