using System.Text;
using System.Text.Json;

namespace SessionManagement.Gateway.Tests.Privacy;

/// <summary>What the privacy tests send a running host, and how they read its data folder back.</summary>
internal static class HostInput
{
    /// <summary>A hook's JSON: <paramref name="rest"/>'s fields with the session, event name and working directory.</summary>
    public static string Hook(string session, string name, string project, object rest)
    {
        var fields = JsonSerializer.SerializeToNode(rest)!.AsObject();
        fields["session_id"] = session;
        fields["hook_event_name"] = name;
        fields["cwd"] = project;
        return fields.ToJsonString();
    }

    /// <summary>A transcript line as Claude Code writes it (characters such as <c>&lt;</c> not escaped).</summary>
    public static string Line(object record) => JsonSerializer.Serialize(record, new JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>Every file under the folder, its bytes read as Latin-1 so any byte sequence can be searched; a file gone meanwhile reads as empty.</summary>
    public static List<(string Path, string Text)> Files(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(path => (Path: path, Text: Encoding.Latin1.GetString(ReadShared(path)))).ToList();

    private static byte[] ReadShared(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            file.CopyTo(copy);
            return copy.ToArray();
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            return []; // a temporary file the host removed between the listing and the read
        }
    }
}
