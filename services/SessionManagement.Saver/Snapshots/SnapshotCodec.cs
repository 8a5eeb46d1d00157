using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SessionManagement.Hosting.Security;
using SessionManagement.Hosting.Storage;
using SessionManagement.Saver.Storage;
using SessionManagement.Saver.Sessions;

namespace SessionManagement.Saver.Snapshots;

/// <summary>Snapshots at rest: the state as JSON, checksummed, compressed when <c>persistence.compression</c> is on, sealed when
/// encryption at rest is on (a snapshot that does not open reads as damaged).</summary>
public static class SnapshotCodec
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static (byte[] Body, string Encoding, string Checksum) Encode(SessionState state, bool compress, AtRest atRest)
    {
        var json = JsonSerializer.Serialize(state, Json);
        var (body, encoding) = CompressedText.Encode(json, compress, atRest, SaverRecords.Snapshot);
        return (body, encoding, Checksum(json));
    }

    /// <summary>The snapshot's state, or null when its body no longer matches its checksum.</summary>
    public static SessionState? Decode(byte[] body, string encoding, string checksum, AtRest atRest)
    {
        try
        {
            var json = CompressedText.Decode(body, encoding, atRest, SaverRecords.Snapshot);
            return Checksum(json) == checksum ? JsonSerializer.Deserialize<SessionState>(json, Json) : null;
        }
        catch (Exception error) when (error is InvalidDataException or JsonException or CryptographicException)
        {
            return null;
        }
    }

    private static string Checksum(string json) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
}
