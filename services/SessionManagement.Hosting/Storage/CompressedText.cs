using System.Text;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Hosting.Storage;

/// <summary>
/// Large text at rest (raw hook JSON, raw transcript lines): its UTF-8 packed the way transcript batches travel
/// (<see cref="TranscriptContent"/>: gzip when compression is on and it pays, plain otherwise), then sealed under the current key
/// when encryption at rest is on (<see cref="AtRest"/>, <c>record</c> naming what it is); reading takes any of these.
/// </summary>
public static class CompressedText
{
    public static (byte[] Bytes, string Encoding) Encode(string text, bool compress, AtRest atRest, string record)
    {
        var (bytes, encoding) = TranscriptContent.Pack(Encoding.UTF8.GetBytes(text), compress);
        return (atRest.Seal(bytes, record), encoding);
    }

    public static string Decode(byte[] bytes, string encoding, AtRest atRest, string record)
    {
        using var lines = TranscriptContent.Open(atRest.Open(bytes, record), encoding);
        return Encoding.UTF8.GetString(lines.Bytes.Span);
    }
}
