using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace SessionManagement.Gateway.Routes;

/// <summary>
/// A hook's request body: in memory up to the cap. Past it the body is still read to its end (so the caller gets a clear 413,
/// not a broken connection it would retry), but only its head is kept, with its length and SHA-256.
/// </summary>
internal sealed record HookBody(byte[] Bytes, bool Oversized, long Length, string? Sha256)
{
    public static async Task<HookBody> ReadAsync(HttpRequest request, int cap, int keepBytes, CancellationToken cancellationToken)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = null; // the cap below decides, and answers what is over it
        var capacity = request.ContentLength is > 0 and var declared && declared <= cap ? (int)declared : 4096;
        using var memory = new MemoryStream(capacity);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(cap + 1, 64 * 1024));
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (memory.Length + read > cap)
                    return await ReadPastCapAsync(memory, buffer, read, request.Body, keepBytes, cancellationToken);
                memory.Write(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return new HookBody(memory.ToArray(), false, memory.Length, null);
    }

    private static async Task<HookBody> ReadPastCapAsync(MemoryStream received, byte[] buffer, int read, Stream rest, int keepBytes, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(received.GetBuffer(), 0, (int)received.Length);
        var length = received.Length;
        using var head = new MemoryStream();
        head.Write(received.GetBuffer(), 0, (int)Math.Min(keepBytes, received.Length));
        do
        {
            if (head.Length < keepBytes)
                head.Write(buffer, 0, (int)Math.Min(read, keepBytes - head.Length));
            hash.AppendData(buffer, 0, read);
            length += read;
        }
        while ((read = await rest.ReadAsync(buffer, cancellationToken)) > 0);
        return new HookBody(head.ToArray(), true, length, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}
