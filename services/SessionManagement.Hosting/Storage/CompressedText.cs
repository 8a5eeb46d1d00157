using System.IO.Compression;
using System.Text;

namespace SessionManagement.Hosting.Storage;

/// <summary>Large text at rest (raw hook JSON, raw transcript lines): gzip when compression is on and it pays, plain UTF-8 otherwise; reading takes either.</summary>
public static class CompressedText
{
    public const string Gzip = "gzip";
    public const string Plain = "utf8";

    /// <summary>Below this, gzip's header costs more than it saves.</summary>
    private const int MinimumBytes = 256;

    public static (byte[] Bytes, string Encoding) Encode(string text, bool compress)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (!compress || bytes.Length < MinimumBytes)
            return (bytes, Plain);
        using var output = new MemoryStream(bytes.Length / 3 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            gzip.Write(bytes);
        return (output.ToArray(), Gzip);
    }

    public static string Decode(byte[] bytes, string encoding)
    {
        if (encoding != Gzip)
            return Encoding.UTF8.GetString(bytes);
        using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new StreamReader(input, new UTF8Encoding(false));
        return reader.ReadToEnd();
    }
}
