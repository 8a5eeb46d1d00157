using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace SessionManagement.Bridge.Privacy;

/// <summary>
/// Takes secrets out of hook payloads and transcript lines before anything leaves the gateway: <c>&lt;private&gt;…&lt;/private&gt;</c>
/// spans always, the common secret shapes (<see cref="SecretDetectors"/>) unless <c>chat_management.redact_secrets</c> is false,
/// and the configured <c>chat_management.secret_patterns</c>. It works on the raw JSON text, never touching a quote or an escape
/// sequence, so a line that was valid JSON stays valid JSON; what was removed is marked <c>[redacted:&lt;kind&gt;]</c>.
/// Transcript lines keep their length in bytes (a secret shorter than its marker becomes <c>*</c>s, a shortened line ends in
/// spaces), so every line stays at the offset it has in Claude Code's file. Text without any detector's cue passes untouched
/// and uncopied.
/// </summary>
public sealed class SecretRedactor
{
    private readonly SecretDetector[] _detectors;
    private readonly SecretDetector[] _alwaysRun;
    private readonly Cues _exact;
    private readonly Cues _anyCase;

    /// <summary>The built-in detectors and nothing configured: what sm-hook applies to a hook it spools.</summary>
    public static SecretRedactor BuiltIn => BuiltInOnce.Value;

    // Not through the constructor that takes patterns: sm-hook then builds no regular expression at run time, and carries no parser.
    private static readonly Lazy<SecretRedactor> BuiltInOnce = new(() => new SecretRedactor(true, [], SecretDetectors.All));

    public SecretRedactor(bool detectSecrets, IReadOnlyList<string> patterns)
        : this(detectSecrets, patterns, [
            .. detectSecrets ? SecretDetectors.All : SecretDetectors.All.Where(d => d.Kind == SecretDetectors.Private),
            .. patterns.Select((pattern, i) => SecretDetectors.Configured(pattern, i + 1))])
    {
    }

    private SecretRedactor(bool detectSecrets, IReadOnlyList<string> patterns, SecretDetector[] detectors)
    {
        DetectsSecrets = detectSecrets;
        Patterns = [.. patterns];
        _detectors = detectors;
        _alwaysRun = _detectors.Where(d => d.Cues.Length == 0).ToArray();
        _exact = new Cues(_detectors.Where(d => !d.CuesInAnyCase), StringComparison.Ordinal);
        _anyCase = new Cues(_detectors.Where(d => d.CuesInAnyCase), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether the built-in detectors run (<c>chat_management.redact_secrets</c>).</summary>
    public bool DetectsSecrets { get; }

    /// <summary>The configured <c>chat_management.secret_patterns</c>.</summary>
    public IReadOnlyList<string> Patterns { get; }

    /// <summary>A hook's JSON with its secrets marked; the same array when nothing was found.</summary>
    public byte[] RedactHook(byte[] json)
    {
        var redacted = Redact(json, keepLength: false, json: true);
        return redacted.IsEmpty ? json : redacted.ToArray();
    }

    /// <summary>
    /// Transcript lines (each ending in <c>\n</c>) with their secrets masked, each line keeping its length in bytes; the same memory
    /// when nothing was found.
    /// </summary>
    public ReadOnlyMemory<byte> RedactLines(ReadOnlyMemory<byte> lines)
    {
        var redacted = Redact(lines.Span, keepLength: true, json: true);
        return redacted.IsEmpty ? lines : redacted;
    }

    /// <summary>Plain text (a context item's content) with its secrets marked.</summary>
    public string RedactText(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var redacted = Redact(bytes, keepLength: false, json: false);
        return redacted.IsEmpty ? text : Encoding.UTF8.GetString(redacted.Span);
    }

    /// <summary>
    /// A text file's bytes (a tool's output Claude Code kept in a file) with their secrets marked as in <see cref="RedactText"/>, read a
    /// megabyte of whole lines at a time; the same array when nothing was found.
    /// </summary>
    public byte[] RedactBytes(byte[] text)
    {
        const int chunk = 1 << 20;
        ArrayBufferWriter<byte>? output = null;
        var copied = 0;
        for (var start = 0; start < text.Length;)
        {
            var end = Math.Min(text.Length, start + chunk);
            if (end < text.Length)
            {
                // A detector reads a line at a time: a chunk ends after a line break, or holds one long line whole.
                var last = text.AsSpan(start, end - start).LastIndexOf((byte)'\n');
                var next = last >= 0 ? -1 : text.AsSpan(end).IndexOf((byte)'\n');
                end = last >= 0 ? start + last + 1 : next < 0 ? text.Length : end + next + 1;
            }
            var redacted = Redact(text.AsSpan(start, end - start), keepLength: false, json: false);
            if (!redacted.IsEmpty)
            {
                output ??= new ArrayBufferWriter<byte>(text.Length + 256);
                output.Write(text.AsSpan(copied, start - copied));
                output.Write(redacted.Span);
                copied = end;
            }
            start = end;
        }
        if (output is null)
            return text;
        output.Write(text.AsSpan(copied));
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The redacted bytes, or empty when nothing was found.</summary>
    private ReadOnlyMemory<byte> Redact(ReadOnlySpan<byte> bytes, bool keepLength, bool json)
    {
        if (bytes.IsEmpty)
            return default;
        // Read as Latin-1, each byte is one char: a cue's index is its byte offset. Every cue is ASCII.
        var chars = Chars.Rent(bytes.Length);
        ArrayBufferWriter<byte>? output = null;
        var copied = 0;
        try
        {
            var text = chars.AsSpan(0, Latin1.GetChars(bytes, chars));
            int nextExact = int.MinValue, nextAnyCase = int.MinValue;
            for (var lineStart = 0; lineStart < bytes.Length;)
            {
                var next = NextLineWithCue(text, lineStart, ref nextExact, ref nextAnyCase);
                if (next < 0)
                    break;
                var start = next == 0 ? 0 : bytes[..next].LastIndexOf((byte)'\n') + 1;
                var end = bytes[next..].IndexOf((byte)'\n');
                end = end < 0 ? bytes.Length : next + end;
                var found = Find(text[start..end]);
                if (found.Count > 0)
                {
                    output ??= new ArrayBufferWriter<byte>(bytes.Length + 256);
                    output.Write(bytes[copied..start]);
                    WriteRedacted(bytes[start..end], found, keepLength, json, output);
                    copied = end;
                }
                lineStart = end + 1;
            }
        }
        finally
        {
            Chars.Return(chars);
        }
        if (output is null)
            return default;
        output.Write(bytes[copied..]);
        return output.WrittenMemory;
    }

    private static readonly Encoding Latin1 = Encoding.Latin1;

    /// <summary>
    /// The buffers lines are read into, a few of each size kept for good: a transcript batch of a megabyte needs one of two megabytes,
    /// and the shared pool lets such arrays go at every full collection, so that batches allocated them again (and brought the next
    /// full collection sooner).
    /// </summary>
    private static readonly ArrayPool<char> Chars = ArrayPool<char>.Create(maxArrayLength: 64 * 1024 * 1024, maxArraysPerBucket: 4);

    /// <summary>Where the next line worth reading starts to be: the first cue from <paramref name="from"/>, or the line itself when some detector has no cue.</summary>
    private int NextLineWithCue(ReadOnlySpan<char> text, int from, ref int nextExact, ref int nextAnyCase)
    {
        if (_alwaysRun.Length > 0)
            return from < text.Length ? from : -1;
        // Each kind of cue is searched for again only once the line that held its last one is passed.
        if (nextExact != -1 && nextExact < from)
            nextExact = _exact.IndexIn(text, from);
        if (nextAnyCase != -1 && nextAnyCase < from)
            nextAnyCase = _anyCase.IndexIn(text, from);
        return nextExact < 0 ? nextAnyCase : nextAnyCase < 0 ? nextExact : Math.Min(nextExact, nextAnyCase);
    }

    /// <summary>
    /// The secrets of one line (read as Latin-1), by position, none overlapping: the first detector to claim a place keeps it. A built-in
    /// detector is tried only where its cue lies (its pattern is anchored there); a configured pattern reads the whole line.
    /// </summary>
    private List<Secret> Find(ReadOnlySpan<char> line)
    {
        var cued = new Dictionary<SecretDetector, List<int>>();
        _exact.AddCuesIn(line, cued);
        _anyCase.AddCuesIn(line, cued);
        var found = new List<Secret>();
        // Most cues lead nowhere ("token" in a usage record): the line is made a string, for the pattern's groups, only once one matches.
        string? text = null;
        void Add(Match match, SecretDetector detector)
        {
            var group = match.Groups["secret"].Success ? match.Groups["secret"] : (Group)match;
            if (group.Length > 0 && !found.Any(s => s.Start < group.Index + group.Length && group.Index < s.Start + s.Length))
                found.Add(new Secret(group.Index, group.Length, detector.Kind));
        }
        foreach (var detector in _detectors)
        {
            if (detector.Cues.Length == 0)
            {
                try
                {
                    text ??= line.ToString();
                    foreach (Match match in detector.Pattern.Matches(text))
                        Add(match, detector);
                }
                catch (RegexMatchTimeoutException)
                {
                    // A configured pattern that cannot decide in its time: the whole line is masked rather than risk keeping a secret.
                    return [new Secret(0, line.Length, detector.Kind)];
                }
                continue;
            }
            if (!cued.TryGetValue(detector, out var places))
                continue;
            foreach (var at in places)
            {
                for (var start = Math.Max(0, at - detector.Reach); start <= at; start++)
                {
                    if (!detector.Pattern.IsMatch(line, start))
                        continue;
                    text ??= line.ToString();
                    var match = detector.Pattern.Match(text, start);
                    if (match.Success)
                    {
                        Add(match, detector);
                        break;
                    }
                }
            }
        }
        found.Sort((a, b) => a.Start.CompareTo(b.Start));
        return found;
    }

    /// <summary>
    /// The cues of some detectors, searched for together (vectorized: a few distinctive cues are searched at gigabytes a second, where
    /// a regular expression per detector would crawl), each naming the detectors worth trying where it lies.
    /// </summary>
    private sealed class Cues
    {
        private readonly SearchValues<string>? _values;
        private readonly (string Cue, SecretDetector[] Detectors)[] _cues;
        private readonly StringComparison _comparison;

        public Cues(IEnumerable<SecretDetector> detectors, StringComparison comparison)
        {
            _comparison = comparison;
            _cues = detectors.SelectMany(d => d.Cues.Select(cue => (Cue: cue, Detector: d)))
                .GroupBy(c => c.Cue, StringComparer.FromComparison(comparison))
                .Select(g => (g.Key, g.Select(c => c.Detector).ToArray())).ToArray();
            _values = _cues.Length == 0 ? null : SearchValues.Create(_cues.Select(c => c.Cue).ToArray(), comparison);
        }

        /// <summary>Where the next cue lies from <paramref name="from"/>; -1 when there is none.</summary>
        public int IndexIn(ReadOnlySpan<char> text, int from)
        {
            if (_values is null)
                return -1;
            var at = text[from..].IndexOfAny(_values);
            return at < 0 ? -1 : from + at;
        }

        /// <summary>Notes, for each detector, where its cues lie on the line.</summary>
        public void AddCuesIn(ReadOnlySpan<char> line, Dictionary<SecretDetector, List<int>> cued)
        {
            for (var at = IndexIn(line, 0); at >= 0; at = at + 1 < line.Length ? IndexIn(line, at + 1) : -1)
                foreach (var (cue, detectors) in _cues)
                    if (line[at..].StartsWith(cue, _comparison))
                        foreach (var detector in detectors)
                        {
                            if (!cued.TryGetValue(detector, out var places))
                                cued[detector] = places = [];
                            places.Add(at);
                        }
        }
    }

    /// <summary>
    /// Writes a line with each secret replaced. A secret made of whole JSON string units (no quote, no escape cut in two) becomes
    /// its marker, or <c>*</c>s when it must keep its length and is shorter than the marker; one that cuts through JSON syntax
    /// (a configured pattern may) keeps every quote and escape sequence and has its other bytes masked.
    /// </summary>
    private static void WriteRedacted(ReadOnlySpan<byte> line, List<Secret> secrets, bool keepLength, bool json, ArrayBufferWriter<byte> output)
    {
        var units = Units(line, json);
        var written = 0;
        var at = 0;
        foreach (var secret in secrets)
        {
            output.Write(line[at..secret.Start]);
            written += secret.Start - at;
            var end = secret.Start + secret.Length;
            var marker = $"[redacted:{secret.Kind}]";
            if (WithinOneString(units, secret.Start, end) && (!keepLength || marker.Length <= secret.Length))
            {
                output.Write(Encoding.ASCII.GetBytes(marker));
                written += marker.Length;
            }
            else
            {
                for (var i = secret.Start; i < end; i++)
                    output.Write(units[i] is Unit.Character or Unit.Continuation ? "*"u8 : line.Slice(i, 1));
                written += secret.Length;
            }
            at = end;
        }
        output.Write(line[at..]);
        written += line.Length - at;
        if (keepLength)
            for (; written < line.Length; written++)
                output.Write(" "u8); // after the JSON value: still the same JSON, at the same length
    }

    /// <summary>Whether bytes <paramref name="start"/> to <paramref name="end"/> are whole units of one JSON string: replacing them all keeps the JSON valid.</summary>
    private static bool WithinOneString(Unit[] units, int start, int end)
    {
        if (units[start] is Unit.EscapeRest or Unit.Continuation || units[end] is Unit.EscapeRest or Unit.Continuation)
            return false;
        for (var i = start; i < end; i++)
            if (units[i] == Unit.Syntax)
                return false;
        return true;
    }

    private enum Unit : byte { Character, Escape, EscapeRest, Continuation, Syntax }

    /// <summary>
    /// What each byte of a line is, read as JSON: a character of a string, the backslash of an escape sequence or the rest of one,
    /// a continuation byte of a UTF-8 character, or syntax outside any string (its quotes included). Text that is not JSON is read as
    /// one string. One more entry stands for the line's end.
    /// </summary>
    private static Unit[] Units(ReadOnlySpan<byte> line, bool json)
    {
        var units = new Unit[line.Length + 1];
        var inString = !json;
        for (var i = 0; i < line.Length;)
        {
            var b = line[i];
            if (!inString)
            {
                units[i++] = Unit.Syntax;
                inString = b == (byte)'"';
                continue;
            }
            if (json && b == (byte)'"')
            {
                units[i++] = Unit.Syntax;
                inString = false;
                continue;
            }
            int length;
            Unit first, rest;
            if (json && b == (byte)'\\' && i + 1 < line.Length)
                (length, first, rest) = (line[i + 1] == (byte)'u' ? Math.Min(6, line.Length - i) : 2, Unit.Escape, Unit.EscapeRest);
            else
                (length, first, rest) = (Math.Min(line.Length - i, b < 0xC0 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2), Unit.Character, Unit.Continuation);
            units[i] = first;
            for (var j = 1; j < length; j++)
                units[i + j] = rest;
            i += length;
        }
        units[line.Length] = Unit.Character;
        return units;
    }

    private readonly record struct Secret(int Start, int Length, string Kind);
}
