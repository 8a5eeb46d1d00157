using System.Text;

namespace SessionManagement.Testing;

/// <summary>Text out of a large binary, read a block at a time (Claude Code's executable bundles its JavaScript: its lists and catalogs).</summary>
public static class ExecutableText
{
    /// <summary>
    /// The <paramref name="length"/> bytes from each place <paramref name="start"/> is found in the file, as UTF-8 text, in file order;
    /// read as they are asked for, so the first alone reads no further than it.
    /// </summary>
    public static IEnumerable<string> After(string path, byte[] start, int length)
    {
        using var file = File.OpenRead(path);
        using var windows = File.OpenRead(path);
        var buffer = new byte[8 << 20];
        var window = new byte[length];
        long offset = 0; // where buffer[0] lies in the file
        int kept = 0, read;
        while ((read = file.Read(buffer, kept, buffer.Length - kept)) > 0)
        {
            var filled = kept + read;
            for (var at = buffer.AsSpan(0, filled).IndexOf(start); at >= 0;)
            {
                windows.Position = offset + at;
                yield return Encoding.UTF8.GetString(window, 0, windows.ReadAtLeast(window, length, throwOnEndOfStream: false));
                var next = buffer.AsSpan(at + 1, filled - at - 1).IndexOf(start);
                at = next < 0 ? -1 : at + 1 + next;
            }
            // One byte short of a whole start is kept: a start cut by a read is found whole in the next, and none is found twice.
            kept = Math.Min(start.Length - 1, filled);
            buffer.AsSpan(filled - kept, kept).CopyTo(buffer);
            offset += filled - kept;
        }
    }
}
