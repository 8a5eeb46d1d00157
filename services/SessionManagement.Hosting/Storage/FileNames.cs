using System.Globalization;
using System.Text;

namespace SessionManagement.Hosting.Storage;

/// <summary>Names given by users or Claude Code (session ids, transcript file names) as one folder or file name on disk.</summary>
public static class FileNames
{
    /// <summary>Letters, digits, '-', '_' and '.' (but a leading one) as they are, anything else as %XX: never a path, never hidden.</summary>
    public static string Encode(string name)
    {
        var encoded = new StringBuilder(name.Length);
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' || (b == '.' && encoded.Length > 0))
                encoded.Append((char)b);
            else
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return encoded.ToString();
    }

    /// <summary>The name <see cref="Encode"/> was given.</summary>
    public static string Decode(string encoded) => Uri.UnescapeDataString(encoded);
}
