using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using SessionManagement.Hosting.Security;
using SessionManagement.Saver.Storage;

namespace SessionManagement.Saver.Backups;

/// <summary>
/// Backups at rest: the session as JSON, gzip-compressed, sealed when encryption at rest is on, with the SHA-256 of the JSON as its
/// checksum. A backup whose key is not held reads as damaged.
/// </summary>
public static class BackupCodec
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static (byte[] Body, string Checksum) Encode(SessionBackup backup, AtRest atRest)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(backup, Json);
        using var output = new MemoryStream(json.Length / 4 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
            gzip.Write(json);
        return (atRest.Seal(output.ToArray(), SaverRecords.Backup), Convert.ToHexString(SHA256.HashData(json)));
    }

    /// <summary>The backup, or null when its body no longer matches its checksum.</summary>
    public static SessionBackup? Decode(byte[] body, string checksum, AtRest atRest)
    {
        try
        {
            using var input = new GZipStream(new MemoryStream(atRest.Open(body, SaverRecords.Backup)), CompressionMode.Decompress);
            using var json = new MemoryStream();
            input.CopyTo(json);
            return Convert.ToHexString(SHA256.HashData(json.ToArray())) == checksum
                ? JsonSerializer.Deserialize<SessionBackup>(json.ToArray(), Json) : null;
        }
        catch (Exception error) when (error is InvalidDataException or JsonException or CryptographicException)
        {
            return null;
        }
    }
}
