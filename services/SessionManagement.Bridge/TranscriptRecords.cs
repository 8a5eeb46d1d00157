using System.Text.Json;

namespace SessionManagement.Bridge;

/// <summary>What a transcript line's record says of itself: whether two lines are the same record, when it was written.</summary>
public static class TranscriptRecords
{
    /// <summary>
    /// The same bytes; else the same <c>uuid</c> (a re-homed copy rewrites paths, never ids); else, for records without one, the same
    /// <c>type</c> and the same <c>timestamp</c>, <c>messageId</c> or <c>leafUuid</c>.
    /// </summary>
    public static bool Same(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.SequenceEqual(b))
            return true;
        var (x, y) = (Keys(a), Keys(b));
        if (x is null || y is null)
            return false;
        if (x.Uuid is not null || y.Uuid is not null)
            return x.Uuid == y.Uuid;
        return x.Type is not null && x.Type == y.Type
            && ((x.Timestamp is not null && x.Timestamp == y.Timestamp) || (x.MessageId is not null && x.MessageId == y.MessageId)
                || (x.LeafUuid is not null && x.LeafUuid == y.LeafUuid));
    }

    /// <summary>The time the line's record carries (its top-level <c>timestamp</c>); null for a line without one, or not JSON.</summary>
    public static DateTimeOffset? Timestamp(ReadOnlySpan<byte> line) =>
        Keys(line)?.Timestamp is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    private sealed record Identity(string? Uuid, string? Type, string? Timestamp, string? MessageId, string? LeafUuid);

    /// <summary>The line's top-level fields that name its record; null for a line that is not a JSON object.</summary>
    private static Identity? Keys(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return null;
            string? uuid = null, type = null, timestamp = null, messageId = null, leafUuid = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueSpan;
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                    continue;
                }
                if (name.SequenceEqual("uuid"u8))
                    uuid = reader.GetString();
                else if (name.SequenceEqual("type"u8))
                    type = reader.GetString();
                else if (name.SequenceEqual("timestamp"u8))
                    timestamp = reader.GetString();
                else if (name.SequenceEqual("messageId"u8))
                    messageId = reader.GetString();
                else if (name.SequenceEqual("leafUuid"u8))
                    leafUuid = reader.GetString();
            }
            return new Identity(uuid, type, timestamp, messageId, leafUuid);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
