using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Gateway.Options;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Gateway.Spool;

/// <summary>
/// Where input the gateway refuses is kept for people to look at (<c>&lt;data&gt;/rejected/</c>): at most
/// <see cref="GatewayOptions.RejectedKeepBytes"/> of each input (its head; the journal keeps its full length and SHA-256), and
/// at most <see cref="GatewayOptions.RejectedBudgetBytes"/> in all. Past the budget the journal record alone is kept.
/// </summary>
internal sealed class RejectedInputs(IOptions<GatewayOptions> options, IOptions<StorageOptions> storage, ILogger<RejectedInputs> logger)
{
    private readonly Lock _lock = new();

    public string Directory { get; } = Path.Combine(storage.Value.DataDirectory, "rejected");

    public int KeepBytes => options.Value.RejectedKeepBytes;

    /// <summary>What of <paramref name="body"/> is kept, and the SHA-256 of the whole when that is not all of it.</summary>
    public (byte[] Head, string? Sha256) Cut(byte[] body) => body.Length <= KeepBytes
        ? (body, null)
        : (body[..KeepBytes], Convert.ToHexStringLower(SHA256.HashData(body)));

    /// <summary>Writes the head of an oversized input beside the others; returns its path, or null when the folder is over its budget.</summary>
    public string? Keep(Guid eventId, byte[] head)
    {
        lock (_lock)
        {
            try
            {
                System.IO.Directory.CreateDirectory(Directory);
                var used = new DirectoryInfo(Directory).EnumerateFiles().Sum(f => f.Length);
                if (used + head.Length > options.Value.RejectedBudgetBytes)
                {
                    logger.LogWarning("Rejected input {EventId}: its head is not kept, {Directory} holds {Used} bytes of its {Budget}-byte budget",
                        eventId, Directory, used, options.Value.RejectedBudgetBytes);
                    return null;
                }
                var path = Path.Combine(Directory, eventId.ToString("N") + ".head");
                File.WriteAllBytes(path, head);
                return path;
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("Rejected input {EventId}: its head could not be kept in {Directory}: {Problem}", eventId, Directory, error.Message);
                return null;
            }
        }
    }
}
