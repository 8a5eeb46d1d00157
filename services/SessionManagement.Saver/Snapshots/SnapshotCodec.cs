using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SessionManagement.Hosting.Storage;
using SessionManagement.Saver.Sessions;

namespace SessionManagement.Saver.Snapshots;

/// <summary>Snapshots at rest: the state as JSON, checksummed, compressed when <c>persistence.compression</c> is on.</summary>
public static class SnapshotCodec
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static (byte[] Body, string Encoding, string Checksum) Encode(SessionState state, bool compress)
    {
        var json = JsonSerializer.Serialize(state, Json);
        var (body, encoding) = CompressedText.Encode(json, compress);
        return (body, encoding, Checksum(json));
    }

    /// <summary>The snapshot's state, or null when its body no longer matches its checksum.</summary>
    public static SessionState? Decode(byte[] body, string encoding, string checksum)
    {
        try
        {
            var json = CompressedText.Decode(body, encoding);
            return Checksum(json) == checksum ? JsonSerializer.Deserialize<SessionState>(json, Json) : null;
        }
        catch (Exception error) when (error is InvalidDataException or JsonException)
        {
            return null;
        }
    }

    private static string Checksum(string json) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
}
