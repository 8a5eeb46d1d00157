using System.Text;

namespace SessionManagement.Testing;

/// <summary>The files a host wrote, read byte for byte as they lie, to search for words that must, or must not, be there.</summary>
public static class DataFiles
{
    /// <summary>Every file under the folder, its bytes read as Latin-1 so any byte sequence can be searched; a file gone meanwhile reads as empty.</summary>
    public static List<(string Path, string Text)> Read(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(path => (Path: path, Text: Encoding.Latin1.GetString(ReadShared(path)))).ToList();

    /// <summary>Every file under the folder holding <paramref name="word"/>'s UTF-8 bytes.</summary>
    public static List<string> Holding(string folder, string word)
    {
        var latin1 = Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(word));
        return [.. Read(folder).Where(f => f.Text.Contains(latin1, StringComparison.Ordinal)).Select(f => f.Path)];
    }

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
