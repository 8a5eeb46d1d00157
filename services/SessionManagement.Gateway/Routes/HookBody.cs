using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace SessionManagement.Gateway.Routes;

/// <summary>A hook's request body: in memory up to the cap; past it, streamed whole to a file so nothing is dropped.</summary>
internal sealed record HookBody(byte[] Bytes, string? OversizedPath, long Length)
{
    public static async Task<HookBody> ReadAsync(HttpRequest request, int cap, string rejectedDirectory, Guid eventId, CancellationToken cancellationToken)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = null; // the cap below decides, and keeps what is over it
        var capacity = request.ContentLength is > 0 and var declared && declared <= cap ? (int)declared : 4096;
        using var memory = new MemoryStream(capacity);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(cap + 1, 64 * 1024));
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (memory.Length + read > cap)
                    return await SpillAsync(memory, buffer.AsMemory(0, read), request.Body, rejectedDirectory, eventId, cancellationToken);
                memory.Write(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return new HookBody(memory.ToArray(), null, memory.Length);
    }

    private static async Task<HookBody> SpillAsync(MemoryStream head, ReadOnlyMemory<byte> pending, Stream rest, string directory, Guid eventId, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, eventId.ToString("N") + ".hook");
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
        head.Position = 0;
        await head.CopyToAsync(file, cancellationToken);
        await file.WriteAsync(pending, cancellationToken);
        await rest.CopyToAsync(file, cancellationToken);
        await file.FlushAsync(cancellationToken);
        file.Flush(flushToDisk: true);
        return new HookBody([], path, file.Length);
    }
}
