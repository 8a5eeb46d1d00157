namespace SessionManagement.Hosting.Storage;

/// <summary>What every backup file outside the database shares: a header line first, and a write that counts only once it reads back.</summary>
public static class BackupFiles
{
    /// <summary>The file's first line, without its line break, leaving the stream after it; null when there is no line break.</summary>
    public static byte[]? FirstLine(Stream input)
    {
        var line = new List<byte>(256);
        int next;
        while ((next = input.ReadByte()) is >= 0 and not '\n')
            line.Add((byte)next);
        return next < 0 ? null : [.. line];
    }

    /// <summary>
    /// A walk's next files (a key rotation sealing them again): up to <paramref name="take"/> of <paramref name="files"/>, in order, named
    /// relative to <paramref name="root"/>, after <paramref name="cursor"/> (the last name of the walk's previous step; null from the first).
    /// </summary>
    public static List<string> After(IEnumerable<string> files, string root, string? cursor, int take) =>
        files.Select(f => Path.GetRelativePath(root, f)).Where(name => cursor is null || string.CompareOrdinal(name, cursor) > 0).Take(take).ToList();

    /// <summary>
    /// Writes <paramref name="file"/> to a temporary name beside <paramref name="path"/>, flushed to disk, reads it back and renames it
    /// over the last only if it is the bytes written: a file that did not read back never takes the last good one's place.
    /// </summary>
    /// <param name="what">What the file is, for the error when it does not read back.</param>
    /// <remarks>The temporary file is shared for reading: whatever reads the backup folder meanwhile (a copy of it, a check) is not refused.</remarks>
    public static async Task WriteCheckedAsync(string path, ReadOnlyMemory<byte> file, string what, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        try
        {
            await using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true))
            {
                await output.WriteAsync(file, cancellationToken);
                output.Flush(flushToDisk: true);
            }
            if (!(await File.ReadAllBytesAsync(temporary, cancellationToken)).AsSpan().SequenceEqual(file.Span))
                throw new InvalidDataException($"the backup of {what} did not read back as written");
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            Discard(temporary);
        }
    }

    /// <summary>
    /// Removes a temporary file if it is there. One that cannot be removed (its folder gone, or never made) is left, and never takes the
    /// place of the reason the write failed: the next write replaces it.
    /// </summary>
    public static void Discard(string temporary)
    {
        try
        {
            File.Delete(temporary);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
        }
    }
}
