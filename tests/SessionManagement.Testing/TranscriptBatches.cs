using System.Text;
using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Testing;

/// <summary>Transcript batches as the gateway ships them, made from lines of text.</summary>
public static class TranscriptBatches
{
    /// <summary>A batch of <paramref name="lines"/> starting at <paramref name="offset"/>, its content compressed when <paramref name="compress"/> and it pays.</summary>
    public static TranscriptLinesCaptured Of(string session, string path, long offset, IReadOnlyList<string> lines, DateTimeOffset capturedAt,
        bool compress = true)
    {
        var bytes = Encoding.UTF8.GetBytes(string.Concat(lines.Select(line => line + "\n")));
        var (content, encoding) = TranscriptContent.Pack(bytes, compress);
        return new TranscriptLinesCaptured(Guid.NewGuid(), session, path, offset, offset + bytes.Length, lines.Count, content, encoding, capturedAt,
            "laptop", "dev");
    }
}
