using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SessionManagement.Saver.Backups;

/// <summary>Backups at rest: the session as JSON, gzip-compressed, with the SHA-256 of the JSON as its checksum.</summary>
public static class BackupCodec
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static (byte[] Body, string Checksum) Encode(SessionBackup backup)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(backup, Json);
        using var output = new MemoryStream(json.Length / 4 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
            gzip.Write(json);
        return (output.ToArray(), Convert.ToHexString(SHA256.HashData(json)));
    }

    /// <summary>The backup, or null when its body no longer matches its checksum.</summary>
    public static SessionBackup? Decode(byte[] body, string checksum)
    {
        try
        {
            using var input = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
            using var json = new MemoryStream();
            input.CopyTo(json);
            return Convert.ToHexString(SHA256.HashData(json.ToArray())) == checksum
                ? JsonSerializer.Deserialize<SessionBackup>(json.ToArray(), Json) : null;
        }
        catch (Exception error) when (error is InvalidDataException or JsonException)
        {
            return null;
        }
    }
}
