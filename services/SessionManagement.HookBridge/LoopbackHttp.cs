using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SessionManagement.HookBridge;

/// <summary>
/// One HTTP/1.1 POST over a plain socket: on the hook path HttpClient's start-up would cost more than
/// the whole request to a gateway on this machine. Handles Content-Length and chunked answers.
/// </summary>
internal static class LoopbackHttp
{
    public sealed record Response(int Status, byte[] Body);

    public static async Task<Response> PostAsync(Uri baseUrl, string pathAndQuery, IReadOnlyList<KeyValuePair<string, string>> headers,
        ReadOnlyMemory<byte> body, TimeSpan timeout)
    {
        if (baseUrl.Scheme != Uri.UriSchemeHttp)
            throw new NotSupportedException($"sm-hook speaks plain http to the gateway; got {baseUrl.Scheme}://");
        using var deadline = new CancellationTokenSource(timeout);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(await EndPointAsync(baseUrl, deadline.Token), deadline.Token);

        var head = new StringBuilder(256)
            .Append("POST ").Append(baseUrl.AbsolutePath.TrimEnd('/')).Append(pathAndQuery).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(baseUrl.Authority).Append("\r\n")
            .Append("Content-Type: application/json\r\n")
            .Append("Content-Length: ").Append(body.Length).Append("\r\n")
            .Append("Connection: close\r\n");
        foreach (var (name, value) in headers)
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        head.Append("\r\n");
        await socket.SendAsync(Encoding.ASCII.GetBytes(head.ToString()), SocketFlags.None, deadline.Token);
        if (!body.IsEmpty)
            await socket.SendAsync(body, SocketFlags.None, deadline.Token);

        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token)) > 0)
            received.Write(buffer, 0, read);
        return Parse(received.ToArray());
    }

    private static async Task<EndPoint> EndPointAsync(Uri url, CancellationToken cancellationToken)
    {
        var port = url.Port > 0 ? url.Port : 80;
        if (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address))
            return new IPEndPoint(address, port);
        if (url.Host == "localhost")
            return new IPEndPoint(IPAddress.Loopback, port);
        var addresses = await Dns.GetHostAddressesAsync(url.Host, cancellationToken);
        return new IPEndPoint(addresses[0], port);
    }

    private static Response Parse(byte[] raw)
    {
        var end = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
            throw new InvalidDataException("the gateway's answer had no end of headers");
        var head = Encoding.ASCII.GetString(raw, 0, end);
        var lines = head.Split("\r\n");
        var statusParts = lines[0].Split(' ', 3);
        if (statusParts.Length < 2 || !int.TryParse(statusParts[1], out var status))
            throw new InvalidDataException($"the gateway's answer began '{lines[0]}'");
        var chunked = lines.Skip(1).Any(l => l.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase)
                                            && l.Contains("chunked", StringComparison.OrdinalIgnoreCase));
        var body = raw.AsSpan(end + 4);
        return new Response(status, chunked ? Dechunk(body) : body.ToArray());
    }

    private static byte[] Dechunk(ReadOnlySpan<byte> body)
    {
        using var output = new MemoryStream();
        while (true)
        {
            var lineEnd = body.IndexOf("\r\n"u8);
            if (lineEnd < 0)
                break;
            var sizeText = Encoding.ASCII.GetString(body[..lineEnd]).Split(';')[0].Trim();
            var size = Convert.ToInt32(sizeText, 16);
            if (size == 0)
                break;
            body = body[(lineEnd + 2)..];
            output.Write(body[..size]);
            body = body[(size + 2)..];
        }
        return output.ToArray();
    }
}
