using System.Text.Json;
using SessionManagement.Contracts.Chat;

namespace SessionManagement.Cli;

/// <summary>
/// What the store holds of one transcript file: its line count, the offset of its first held line, and its digest with the hash that
/// digest counts lines by, when the store knows it.
/// </summary>
internal sealed record HeldFile(long Lines, long FirstOffset, string? Digest, string? DigestAlgorithm)
{
    /// <summary>Of a session's held files as the gateway answers them (<see cref="GatewayClient.HeldFilesAsync"/>), <paramref name="file"/>'s.</summary>
    public static HeldFile? In(JsonElement? files, string? file)
    {
        if (files is null)
            return null;
        foreach (var held in files.Value.GetProperty("files").EnumerateArray())
            if ((held.GetProperty("file").ValueKind == JsonValueKind.Null ? null : held.GetProperty("file").GetString()) == file)
                return new HeldFile(held.GetProperty("lines").GetInt64(), held.TryGetProperty("firstOffset", out var first) ? first.GetInt64() : 0,
                    held.TryGetProperty("digest", out var digest) && digest.ValueKind == JsonValueKind.String ? digest.GetString() : null,
                    // A gateway of before named no hash: its digests were all SHA-256's.
                    held.TryGetProperty("digestAlgorithm", out var algorithm) && algorithm.ValueKind == JsonValueKind.String ? algorithm.GetString() : TranscriptDigest.Sha256);
        return null;
    }
}
