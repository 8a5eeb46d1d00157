namespace SessionManagement.Bridge;

/// <summary>
/// A string field of a hook's JSON found without parsing the rest: sm-hook reads the event's name this way before it posts it, and the
/// gateway the session of an input it refuses (which may not parse at all). The first occurrence of the name is taken.
/// </summary>
public static class HookFields
{
    /// <summary>The value of <paramref name="quotedName"/> (with its quotes, e.g. <c>"session_id"</c>), if it is a string without escapes of 1 to <paramref name="maxLength"/> bytes.</summary>
    public static string? StringIn(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> quotedName, int maxLength)
    {
        var key = payload.IndexOf(quotedName);
        if (key < 0)
            return null;
        var rest = payload[(key + quotedName.Length)..].TrimStart(" \t\r\n"u8);
        if (rest.IsEmpty || rest[0] != (byte)':')
            return null;
        rest = rest[1..].TrimStart(" \t\r\n"u8);
        if (rest.IsEmpty || rest[0] != (byte)'"')
            return null;
        var end = rest[1..].IndexOfAny((byte)'"', (byte)'\\');
        return end > 0 && end <= maxLength && rest[1 + end] == (byte)'"' ? System.Text.Encoding.UTF8.GetString(rest.Slice(1, end)) : null;
    }
}
