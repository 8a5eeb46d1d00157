using System.IO.Compression;
using System.Text;

namespace SessionManagement.Saver.Storage;

/// <summary>Raw hook JSON at rest: gzip when <c>persistence.compression</c> is on, plain UTF-8 otherwise; reading takes either.</summary>
internal static class RawJsonCodec
{
    public const string Gzip = "gzip";
    public const string Plain = "utf8";

    public static (byte[] Bytes, string Encoding) Encode(string json, bool compress)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(json);
        if (!compress || bytes.Length < 256)
            return (bytes, Plain);
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            gzip.Write(bytes);
        return (output.ToArray(), Gzip);
    }

    public static string Decode(byte[] bytes, string encoding)
    {
        if (encoding != Gzip)
            return System.Text.Encoding.UTF8.GetString(bytes);
        using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new StreamReader(input, new UTF8Encoding(false));
        return reader.ReadToEnd();
    }
}
