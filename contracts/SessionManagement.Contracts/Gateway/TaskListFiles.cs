using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;

namespace SessionManagement.Contracts.Gateway;

/// <summary>
/// A session's task list as Claude Code 2.1.332 keeps it: <c>&lt;config&gt;/tasks/&lt;session&gt;/</c>, one <c>&lt;id&gt;.json</c> a task
/// (TaskCreate, TaskUpdate; a task deleted is a file deleted) and <c>.highwatermark</c>, the last id given. A resumed session lists its
/// tasks from there (TaskList), and finds none without it. It is kept whole, as one file (<see cref="KeptName"/>): a JSON object
/// <c>{"files": {"&lt;name&gt;": "&lt;text&gt;"}}</c> of the folder's files by name, so a task deleted leaves the next copy too.
/// </summary>
public static partial class TaskListFiles
{
    /// <summary>The folder of task lists in Claude Code's folder, beside <c>projects</c>.</summary>
    public const string Folder = "tasks";

    /// <summary>The name the task list is kept under with the session's tool outputs and file checkpoints.</summary>
    public const string KeptName = Folder + "/list.json";

    /// <summary>The largest task file taken; a larger one is not one of Claude Code's.</summary>
    public const int MostBytesAFile = 1 << 20;

    /// <summary>The most files of a list taken.</summary>
    public const int MostFiles = 10_000;

    /// <summary>Whether <paramref name="name"/> is a file of Claude Code's task list: <c>&lt;id&gt;.json</c> or <c>.highwatermark</c>.</summary>
    public static bool IsTaskFileName(string? name) => name is not null && (name == ".highwatermark" || TaskFileName().IsMatch(name));

    /// <summary>
    /// The task list in <paramref name="folder"/> as it is kept (its files in name order), and when the newest of them was written; null
    /// when there is no such folder, it is a link, or it cannot be read. Links, other names, files over a megabyte and files that are not
    /// UTF-8 text are passed over.
    /// </summary>
    public static (byte[] Bundle, DateTime NewestWrite)? Read(string folder)
    {
        var files = new List<(string Name, string Text)>();
        var newest = DateTime.MinValue;
        try
        {
            var directory = new DirectoryInfo(folder);
            if (!directory.Exists || directory.LinkTarget is not null)
                return null;
            foreach (var file in directory.GetFiles().OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                if (!IsTaskFileName(file.Name) || file.LinkTarget is not null || file.Length > MostBytesAFile || files.Count == MostFiles)
                    continue;
                var bytes = File.ReadAllBytes(file.FullName);
                if (!Utf8.IsValid(bytes))
                    continue;
                files.Add((file.Name, Encoding.UTF8.GetString(bytes)));
                newest = file.LastWriteTimeUtc > newest ? file.LastWriteTimeUtc : newest;
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null; // deleted or changing as it was read: the next pass reads it again
        }
        return (Write(files), newest);
    }

    /// <summary>The kept form of <paramref name="files"/>.</summary>
    private static byte[] Write(IEnumerable<(string Name, string Text)> files)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("files");
            foreach (var (name, text) in files.OrderBy(f => f.Name, StringComparer.Ordinal))
                json.WriteString(name, text);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The files of a kept task list, by name; a <see cref="FormatException"/> says what is wrong with one that is not (not JSON, no
    /// <c>files</c> object, a name that is not a task file's, a value that is not text, too many or too large).
    /// </summary>
    public static IReadOnlyList<(string Name, string Text)> Files(ReadOnlySpan<byte> bundle)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(bundle);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException error)
        {
            throw new FormatException($"a task list is a JSON object {{\"files\": {{name: text}}}}: {error.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("files", out var files)
                || files.ValueKind != JsonValueKind.Object)
                throw new FormatException("a task list is a JSON object {\"files\": {name: text}}");
            var found = new List<(string, string)>();
            foreach (var file in files.EnumerateObject())
            {
                if (!IsTaskFileName(file.Name))
                    throw new FormatException($"'{file.Name}' is not a file of Claude Code's task list (<id>.json or .highwatermark)");
                if (file.Value.ValueKind != JsonValueKind.String)
                    throw new FormatException($"{file.Name} of the task list is not text");
                var text = file.Value.GetString()!;
                if (Encoding.UTF8.GetByteCount(text) > MostBytesAFile)
                    throw new FormatException($"{file.Name} of the task list is over {MostBytesAFile} bytes");
                found.Add((file.Name, text));
            }
            if (found.Count > MostFiles)
                throw new FormatException($"the task list holds {found.Count} files, over {MostFiles}");
            return found;
        }
    }

    [GeneratedRegex(@"^[0-9]{1,9}\.json\z", RegexOptions.CultureInvariant)]
    private static partial Regex TaskFileName();
}
