using System.Globalization;
using System.Text.Json;

namespace SessionManagement.Bridge;

/// <summary>
/// The local spool: one file per hook, written to a temp name, fsynced and renamed into place, so a
/// reader never sees half a record and concurrent hooks never interleave. File names sort in capture
/// order. The file is a one-line JSON header followed by the raw payload bytes.
/// </summary>
public sealed class SpoolDirectory(string path)
{
    public const string Extension = ".spool";

    public string Path { get; } = path;

    /// <summary>The default spool: <c>SM_SPOOL_DIR</c>, else <c>$SM_DATA_DIR/spool</c>, else <c>~/.claude/session-management/spool</c>.</summary>
    public static string DefaultPath()
    {
        if (Environment.GetEnvironmentVariable("SM_SPOOL_DIR") is { Length: > 0 } spool)
            return spool;
        if (Environment.GetEnvironmentVariable("SM_DATA_DIR") is { Length: > 0 } data)
            return System.IO.Path.Combine(data, "spool");
        var home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return System.IO.Path.Combine(home, ".claude", "session-management", "spool");
    }

    /// <summary>Writes the record durably; returns the file it went to.</summary>
    public string Append(SpoolRecord record)
    {
        Directory.CreateDirectory(Path);
        var name = FileName(record);
        var final = System.IO.Path.Combine(Path, name);
        var temporary = System.IO.Path.Combine(Path, "." + name + ".tmp");
        using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.None))
        {
            file.Write(Header(record));
            file.WriteByte((byte)'\n');
            file.Write(record.Payload);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, final);
        SyncDirectory();
        return final;
    }

    /// <summary>Null when a record can be spooled here now; else why not (the folder cannot be created or written, or its disk is full).</summary>
    public string? WritableProblem()
    {
        var probe = System.IO.Path.Combine(Path, ".probe-" + Environment.ProcessId + "-" + Environment.CurrentManagedThreadId + ".tmp");
        try
        {
            Directory.CreateDirectory(Path);
            using (var file = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
                file.Write(new byte[4096]);
                file.Flush(flushToDisk: false);
            }
            return null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(probe); } catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException) { }
            return $"{Path}: {error.Message}";
        }
    }

    /// <summary>Spooled files, oldest capture first.</summary>
    public IReadOnlyList<string> List()
    {
        if (!Directory.Exists(Path))
            return [];
        var files = Directory.GetFiles(Path, "*" + Extension);
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    /// <summary>Reads a spooled file; a damaged header is reported, with the bytes kept, rather than thrown away.</summary>
    public static SpoolRecord Read(string file)
    {
        var bytes = File.ReadAllBytes(file);
        var newline = Array.IndexOf(bytes, (byte)'\n');
        if (newline < 0)
            throw new InvalidDataException($"spool file {file} has no header line");
        using var header = JsonDocument.Parse(bytes.AsMemory(0, newline));
        var root = header.RootElement;
        return new SpoolRecord(
            root.GetProperty("eventId").GetGuid(),
            root.GetProperty("receivedAt").GetDateTimeOffset(),
            root.GetProperty("host").GetString() ?? "",
            root.GetProperty("user").GetString() ?? "",
            root.TryGetProperty("projectDir", out var project) ? project.GetString() : null,
            root.GetProperty("bridgeVersion").GetString() ?? "",
            root.TryGetProperty("reason", out var reason) ? reason.GetString() ?? "" : "",
            bytes[(newline + 1)..]);
    }

    public static void Delete(string file) => File.Delete(file);

    private static string FileName(SpoolRecord record) =>
        record.ReceivedAt.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "-" + record.EventId.ToString("N") + Extension;

    private static byte[] Header(SpoolRecord record)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("eventId", record.EventId);
            json.WriteString("receivedAt", record.ReceivedAt);
            json.WriteString("host", record.Host);
            json.WriteString("user", record.User);
            if (record.ProjectDir is not null)
                json.WriteString("projectDir", record.ProjectDir);
            json.WriteString("bridgeVersion", record.BridgeVersion);
            json.WriteString("reason", record.Reason);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    // Makes the rename itself durable: without it a power cut can lose a file that was fsynced.
    private void SyncDirectory()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return;
        var descriptor = NativeFiles.open(Path, NativeFiles.ReadOnly);
        if (descriptor < 0)
            return;
        NativeFiles.fsync(descriptor);
        NativeFiles.close(descriptor);
    }

    /// <summary>Text for logs: the file name without the directory.</summary>
    public static string Describe(string file) => System.IO.Path.GetFileName(file);
}
