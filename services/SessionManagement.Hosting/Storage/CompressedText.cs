using System.Text;
using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Hosting.Storage;

/// <summary>
/// Large text at rest (raw hook JSON, raw transcript lines): its UTF-8 packed the way transcript batches travel
/// (<see cref="TranscriptContent"/>: gzip when compression is on and it pays, plain otherwise); reading takes either.
/// </summary>
public static class CompressedText
{
    public static (byte[] Bytes, string Encoding) Encode(string text, bool compress) => TranscriptContent.Pack(Encoding.UTF8.GetBytes(text), compress);

    public static string Decode(byte[] bytes, string encoding)
    {
        using var lines = TranscriptContent.Open(bytes, encoding);
        return Encoding.UTF8.GetString(lines.Bytes.Span);
    }
}
