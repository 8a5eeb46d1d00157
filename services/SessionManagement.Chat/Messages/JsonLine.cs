using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace SessionManagement.Chat.Messages;

/// <summary>The kinds of value a <see cref="JsonLine"/> holds.</summary>
internal enum JsonKind : byte
{
    Undefined,
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}

/// <summary>
/// One transcript line's JSON, read in one pass into a flat table of its values. It accepts exactly what System.Text.Json's
/// <see cref="JsonDocument"/> accepts (RFC 8259, nesting at most 64 deep, no comments, no trailing commas, any bytes but control
/// characters inside strings), and finds a string's end with a vectorized search: the framework's reader steps through every
/// byte of a string once it holds an escape, and most of a transcript's bytes are such strings (5 % of an import's samples).
/// Strings are decoded leniently: invalid UTF-8 and lone surrogates become U+FFFD, where the framework throws.
/// </summary>
internal sealed class JsonLine : IDisposable
{
    private const int MaxDepth = 64;

    /// <summary>What ends a run of plain bytes in a string: its closing quote, an escape, or a control character, which is invalid there.</summary>
    private static readonly SearchValues<byte> StringStops = SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    [ThreadStatic]
    private static JsonLine? t_spare;

    private Node[] _nodes = new Node[128];
    private int _count;
    private ReadOnlyMemory<byte> _bytes;
    private string? _problem;

    private struct Node
    {
        public JsonKind Kind;
        public bool Escaped;
        public int Start;
        public int Length;
        /// <summary>The index of the node after this value and everything inside it.</summary>
        public int End;
    }

    private JsonLine()
    {
    }

    /// <summary>Reads <paramref name="bytes"/>; null, with <paramref name="problem"/> saying where and why, when it is not JSON.</summary>
    /// <remarks>The table is the thread's own, lent until <see cref="Dispose"/>: the values read from it must not outlive that.</remarks>
    public static JsonLine? Read(ReadOnlyMemory<byte> bytes, out string? problem)
    {
        var line = t_spare ?? new JsonLine();
        t_spare = null;
        line._bytes = bytes;
        line._count = 0;
        line._problem = null;
        var span = bytes.Span;
        var end = line.Value(span, Whitespace(span, 0), 0);
        if (end >= 0 && (end = Whitespace(span, end)) < span.Length)
            end = line.Fail(span, end, "after the line's JSON value");
        if (end < 0)
        {
            problem = line._problem;
            line.Dispose();
            return null;
        }
        problem = null;
        return line;
    }

    /// <summary>The line's value.</summary>
    public JsonValue Root => new(this, 0);

    public void Dispose()
    {
        _bytes = default;
        t_spare = this;
    }

    private int Value(ReadOnlySpan<byte> s, int i, int depth)
    {
        if (i >= s.Length)
            return Fail(s, i, "where a value should be");
        switch (s[i])
        {
            case (byte)'{':
                return Object(s, i, depth + 1);
            case (byte)'[':
                return Array(s, i, depth + 1);
            case (byte)'"':
                return String(s, i);
            case (byte)'t':
                return Literal(s, i, "true"u8, JsonKind.True);
            case (byte)'f':
                return Literal(s, i, "false"u8, JsonKind.False);
            case (byte)'n':
                return Literal(s, i, "null"u8, JsonKind.Null);
            case (byte)'-':
            case >= (byte)'0' and <= (byte)'9':
                return Number(s, i);
            default:
                return Fail(s, i, "where a value should start");
        }
    }

    private int Object(ReadOnlySpan<byte> s, int i, int depth)
    {
        if (depth > MaxDepth)
            return Fail(s, i, $"nested deeper than {MaxDepth}");
        var node = Add(JsonKind.Object, i);
        i = Whitespace(s, i + 1);
        if (i < s.Length && s[i] == '}')
            return Close(node, i);
        while (true)
        {
            if (i >= s.Length || s[i] != '"')
                return Fail(s, i, "where a property name should be");
            if ((i = String(s, i)) < 0)
                return -1;
            i = Whitespace(s, i);
            if (i >= s.Length || s[i] != ':')
                return Fail(s, i, "where ':' should follow a property name");
            if ((i = Value(s, Whitespace(s, i + 1), depth)) < 0)
                return -1;
            i = Whitespace(s, i);
            if (i < s.Length && s[i] == ',')
                i = Whitespace(s, i + 1);
            else if (i < s.Length && s[i] == '}')
                return Close(node, i);
            else
                return Fail(s, i, "where ',' or '}' should be");
        }
    }

    private int Array(ReadOnlySpan<byte> s, int i, int depth)
    {
        if (depth > MaxDepth)
            return Fail(s, i, $"nested deeper than {MaxDepth}");
        var node = Add(JsonKind.Array, i);
        i = Whitespace(s, i + 1);
        if (i < s.Length && s[i] == ']')
            return Close(node, i);
        while (true)
        {
            if ((i = Value(s, i, depth)) < 0)
                return -1;
            i = Whitespace(s, i);
            if (i < s.Length && s[i] == ',')
                i = Whitespace(s, i + 1);
            else if (i < s.Length && s[i] == ']')
                return Close(node, i);
            else
                return Fail(s, i, "where ',' or ']' should be");
        }
    }

    private int String(ReadOnlySpan<byte> s, int start)
    {
        var escaped = false;
        var i = start + 1;
        while (true)
        {
            var run = s[i..].IndexOfAny(StringStops);
            if (run < 0)
                return Fail(s, s.Length, "inside a string that is never closed");
            i += run;
            switch (s[i])
            {
                case (byte)'"':
                    var node = Add(JsonKind.String, start);
                    _nodes[node].Length = i + 1 - start;
                    _nodes[node].Escaped = escaped;
                    return i + 1;
                case (byte)'\\':
                    escaped = true;
                    var next = i + 1 < s.Length ? s[i + 1] : (byte)0;
                    if (next == 'u')
                    {
                        if (i + 6 > s.Length || !IsHex(s[i + 2]) || !IsHex(s[i + 3]) || !IsHex(s[i + 4]) || !IsHex(s[i + 5]))
                            return Fail(s, i, "in a \\u escape that is not four hexadecimal digits");
                        i += 6;
                    }
                    else if (next is (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t')
                    {
                        i += 2;
                    }
                    else
                    {
                        return Fail(s, i, "in an escape that JSON does not have");
                    }
                    break;
                default:
                    return Fail(s, i, "inside a string, where control characters must be escaped");
            }
        }
    }

    private int Number(ReadOnlySpan<byte> s, int start)
    {
        var i = start;
        if (s[i] == '-')
            i++;
        if (i < s.Length && s[i] == '0')
            i++;
        else if (i < s.Length && s[i] is >= (byte)'1' and <= (byte)'9')
            i = Digits(s, i);
        else
            return Fail(s, i, "where a number's digits should be");
        if (i < s.Length && s[i] == '.')
        {
            if (i + 1 >= s.Length || !IsDigit(s[i + 1]))
                return Fail(s, i + 1, "where a digit should follow a decimal point");
            i = Digits(s, i + 1);
        }
        if (i < s.Length && s[i] is (byte)'e' or (byte)'E')
        {
            i++;
            if (i < s.Length && s[i] is (byte)'+' or (byte)'-')
                i++;
            if (i >= s.Length || !IsDigit(s[i]))
                return Fail(s, i, "where an exponent's digits should be");
            i = Digits(s, i);
        }
        var node = Add(JsonKind.Number, start);
        _nodes[node].Length = i - start;
        return i;
    }

    private int Literal(ReadOnlySpan<byte> s, int i, ReadOnlySpan<byte> word, JsonKind kind)
    {
        if (!s[i..].StartsWith(word))
            return Fail(s, i, $"where '{Encoding.ASCII.GetString(word)}' was expected");
        var node = Add(kind, i);
        _nodes[node].Length = word.Length;
        return i + word.Length;
    }

    private int Add(JsonKind kind, int start)
    {
        if (_count == _nodes.Length)
            System.Array.Resize(ref _nodes, _nodes.Length * 2);
        _nodes[_count] = new Node { Kind = kind, Start = start, End = _count + 1 };
        return _count++;
    }

    private int Close(int node, int closing)
    {
        _nodes[node].Length = closing + 1 - _nodes[node].Start;
        _nodes[node].End = _count;
        return closing + 1;
    }

    private int Fail(ReadOnlySpan<byte> s, int at, string where)
    {
        var found = at >= s.Length ? "the line's end" : s[at] is >= 0x20 and < 0x7F ? $"'{(char)s[at]}'" : $"byte 0x{s[at]:X2}";
        _problem = $"{found} at byte {at}, {where}";
        return -1;
    }

    private static int Whitespace(ReadOnlySpan<byte> s, int i)
    {
        while (i < s.Length && s[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
            i++;
        return i;
    }

    private static int Digits(ReadOnlySpan<byte> s, int i)
    {
        while (i < s.Length && IsDigit(s[i]))
            i++;
        return i;
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static bool IsHex(byte b) => HexValue(b) >= 0;

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    /// <summary>
    /// A string's text between its quotes, unescaped into <paramref name="into"/> (which must hold as many characters as
    /// <paramref name="inner"/> has bytes); returns how many it holds. Invalid UTF-8 and lone surrogates become U+FFFD.
    /// </summary>
    public static int Unescape(ReadOnlySpan<byte> inner, Span<char> into)
    {
        var written = 0;
        while (true)
        {
            var escape = inner.IndexOf((byte)'\\');
            written += Encoding.UTF8.GetChars(escape < 0 ? inner : inner[..escape], into[written..]);
            if (escape < 0 || escape + 1 >= inner.Length)
                return written;
            var kind = inner[escape + 1];
            inner = inner[(escape + 2)..];
            into[written++] = kind switch
            {
                (byte)'b' => '\b',
                (byte)'f' => '\f',
                (byte)'n' => '\n',
                (byte)'r' => '\r',
                (byte)'t' => '\t',
                (byte)'u' => '\0',
                _ => (char)kind,
            };
            if (kind != 'u' || inner.Length < 4)
                continue;
            var unit = (char)Hex4(inner);
            inner = inner[4..];
            if (char.IsHighSurrogate(unit) && inner.Length >= 6 && inner[0] == '\\' && inner[1] == 'u' && char.IsLowSurrogate((char)Hex4(inner[2..])))
            {
                into[written - 1] = unit;
                into[written++] = (char)Hex4(inner[2..]);
                inner = inner[6..];
            }
            else
            {
                into[written - 1] = char.IsSurrogate(unit) ? '\uFFFD' : unit;
            }
        }
    }

    private static int Hex4(ReadOnlySpan<byte> s) => (HexValue(s[0]) << 12) | (HexValue(s[1]) << 8) | (HexValue(s[2]) << 4) | HexValue(s[3]);

    /// <summary>
    /// How many of a string's first bytes (between its quotes) can be unescaped alone: at most <paramref name="cut"/>, and not
    /// inside a multi-byte character, an escape, or a surrogate pair's two escapes.
    /// </summary>
    public static int SafeCut(ReadOnlySpan<byte> inner, int cut)
    {
        if (cut >= inner.Length)
            return inner.Length;
        while (cut > 0 && (inner[cut] & 0xC0) == 0x80)
            cut--; // not inside a multi-byte character
        for (var i = 0; i < cut;)
        {
            var escape = inner[i..cut].IndexOf((byte)'\\');
            if (escape < 0)
                break;
            var at = i + escape;
            var length = at + 1 < inner.Length && inner[at + 1] == 'u'
                ? at + 6 <= inner.Length && char.IsHighSurrogate((char)Hex4(inner[(at + 2)..])) ? 12 : 6
                : 2;
            if (at + length > cut)
                return at;
            i = at + length;
        }
        return cut;
    }

    /// <summary>A value in a <see cref="JsonLine"/>; <see cref="JsonKind.Undefined"/> where a property was missing.</summary>
    public readonly struct JsonValue
    {
        private readonly JsonLine? _line;
        private readonly int _index;

        internal JsonValue(JsonLine line, int index) => (_line, _index) = (line, index);

        public JsonKind Kind => _line is null ? JsonKind.Undefined : _line._nodes[_index].Kind;

        /// <summary>The value's JSON text as it lies in the line: a string with its quotes, still escaped.</summary>
        public ReadOnlySpan<byte> Raw
        {
            get
            {
                if (_line is null)
                    return default;
                ref var node = ref _line._nodes[_index];
                return _line._bytes.Span.Slice(node.Start, node.Length);
            }
        }

        /// <summary>A string's bytes between its quotes, still escaped.</summary>
        public ReadOnlySpan<byte> Inner => Raw[1..^1];

        /// <summary>Whether a string holds escapes.</summary>
        public bool Escaped => _line is not null && _line._nodes[_index].Escaped;

        /// <summary>An object's property; the last of that name, as <see cref="JsonDocument"/> finds it.</summary>
        public bool TryGetProperty(string name, out JsonValue value)
        {
            value = default;
            if (Kind != JsonKind.Object)
                return false;
            var nodes = _line!._nodes;
            for (int i = _index + 1, end = nodes[_index].End; i < end; i = nodes[i + 1].End)
            {
                if (new JsonValue(_line, i).ValueEquals(name))
                    value = new JsonValue(_line, i + 1);
            }
            return value.Kind != JsonKind.Undefined;
        }

        /// <summary>An array's items, in order.</summary>
        public IEnumerable<JsonValue> EnumerateArray()
        {
            if (Kind != JsonKind.Array)
                yield break;
            var line = _line!;
            for (int i = _index + 1, end = line._nodes[_index].End; i < end; i = line._nodes[i].End)
                yield return new JsonValue(line, i);
        }

        /// <summary>A string's text; null for any other kind.</summary>
        public string? GetString()
        {
            if (Kind != JsonKind.String)
                return null;
            var inner = Inner;
            if (!Escaped)
                return Encoding.UTF8.GetString(inner);
            var buffer = ArrayPool<char>.Shared.Rent(inner.Length);
            try
            {
                return new string(buffer, 0, Unescape(inner, buffer));
            }
            finally
            {
                ArrayPool<char>.Shared.Return(buffer);
            }
        }

        /// <summary>Whether a string's text is <paramref name="text"/>, without making a string of it.</summary>
        public bool ValueEquals(string text)
        {
            if (Kind != JsonKind.String)
                return false;
            var inner = Inner;
            if (!Escaped && inner.Length == text.Length && Ascii.Equals(inner, text))
                return true;
            return (Escaped || !Ascii.IsValid(inner)) && GetString() == text;
        }

        public bool TryGetInt64(out long number)
        {
            if (Kind == JsonKind.Number && Utf8Parser.TryParse(Raw, out long parsed, out var used) && used == Raw.Length)
            {
                number = parsed;
                return true;
            }
            number = 0;
            return false;
        }

        /// <summary>A string read as a time the way <see cref="JsonElement.TryGetDateTimeOffset"/> reads it (ISO 8601).</summary>
        public bool TryGetDateTimeOffset(out DateTimeOffset time)
        {
            time = default;
            if (Kind != JsonKind.String)
                return false;
            var reader = new Utf8JsonReader(Raw);
            return reader.Read() && reader.TryGetDateTimeOffset(out time);
        }
    }
}
