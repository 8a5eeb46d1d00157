namespace SessionManagement.Status.Storage;

/// <summary>How the stores keep the hooks counted: by event id, a UUIDv7, whose byte order (and 32-digit text) sorts by its time.</summary>
internal static class CountedHooks
{
    /// <summary>The smallest UUIDv7 of <paramref name="at"/>: every hook captured before it sorts below.</summary>
    public static Guid Before(DateTimeOffset at)
    {
        Span<byte> bytes = stackalloc byte[16];
        var ms = Math.Max(0, at.ToUnixTimeMilliseconds());
        for (var i = 5; i >= 0; i--, ms >>= 8)
            bytes[i] = (byte)ms;
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>The event id as MongoDB keeps it: its 32 hexadecimal digits, which sort as its bytes do.</summary>
    public static string Key(Guid eventId) => eventId.ToString("N");
}
