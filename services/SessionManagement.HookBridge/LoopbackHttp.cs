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

    /// <summary>
    /// Synchronous on purpose: async socket calls would start the thread pool and an epoll thread,
    /// which is most of the cost of a process that lives for one request.
    /// </summary>
    public static Response Post(Uri baseUrl, string pathAndQuery, IReadOnlyList<KeyValuePair<string, string>> headers,
        ReadOnlySpan<byte> body, TimeSpan timeout)
    {
        if (baseUrl.Scheme != Uri.UriSchemeHttp)
            throw new NotSupportedException($"sm-hook speaks plain http to the gateway; got {baseUrl.Scheme}://");
        var deadline = DateTime.UtcNow + timeout;
        var endPoint = EndPoint(baseUrl);
        using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Connect(socket, endPoint, timeout);

        var head = new StringBuilder(256)
            .Append("POST ").Append(baseUrl.AbsolutePath.TrimEnd('/')).Append(pathAndQuery).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(baseUrl.Authority).Append("\r\n")
            .Append("Content-Type: application/json\r\n")
            .Append("Content-Length: ").Append(body.Length).Append("\r\n")
            .Append("Connection: close\r\n");
        foreach (var (name, value) in headers)
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        head.Append("\r\n");
        var request = new byte[Encoding.ASCII.GetByteCount(head.ToString()) + body.Length];
        var headLength = Encoding.ASCII.GetBytes(head.ToString(), request);
        body.CopyTo(request.AsSpan(headLength));
        socket.SendTimeout = Remaining(deadline);
        socket.Send(request);

        // Read until the answer is complete by its own length, not until the gateway closes the connection.
        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (!IsComplete(received.GetBuffer().AsSpan(0, (int)received.Length)))
        {
            socket.ReceiveTimeout = Remaining(deadline);
            var read = socket.Receive(buffer);
            if (read == 0)
                break;
            received.Write(buffer, 0, read);
        }
        return Parse(received.ToArray());
    }

    private static bool IsComplete(ReadOnlySpan<byte> received)
    {
        var end = received.IndexOf("\r\n\r\n"u8);
        if (end < 0)
            return false;
        var head = Encoding.ASCII.GetString(received[..end]);
        var body = received[(end + 4)..];
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                return int.TryParse(line.AsSpan(15).Trim(), out var length) && body.Length >= length;
            if (line.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase) && line.Contains("chunked", StringComparison.OrdinalIgnoreCase))
                return body.EndsWith("0\r\n\r\n"u8);
        }
        return false; // neither: the body ends when the connection closes
    }

    private static void Connect(Socket socket, EndPoint endPoint, TimeSpan timeout)
    {
        socket.Blocking = false;
        try
        {
            socket.Connect(endPoint);
        }
        catch (SocketException error) when (error.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            if (!socket.Poll((int)Math.Min(timeout.TotalMicroseconds, int.MaxValue), SelectMode.SelectWrite))
                throw new TimeoutException($"connecting to {endPoint} took longer than {timeout.TotalMilliseconds:0} ms");
            var failure = (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
            if (failure != SocketError.Success)
                throw new SocketException((int)failure);
        }
        finally
        {
            socket.Blocking = true;
        }
    }

    private static int Remaining(DateTime deadline)
    {
        var left = (int)(deadline - DateTime.UtcNow).TotalMilliseconds;
        if (left <= 0)
            throw new TimeoutException("the gateway did not answer in time");
        return left;
    }

    private static IPEndPoint EndPoint(Uri url)
    {
        var port = url.Port > 0 ? url.Port : 80;
        if (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address))
            return new IPEndPoint(address, port);
        if (url.Host == "localhost")
            return new IPEndPoint(IPAddress.Loopback, port);
        return new IPEndPoint(Dns.GetHostAddresses(url.Host)[0], port);
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
