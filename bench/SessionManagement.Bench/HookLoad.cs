using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace SessionManagement.Bench;

/// <summary>
/// A lean load generator for POST /hooks (as wrk would be): one thread and one keep-alive HTTP/1.1 connection per worker,
/// requests written as bytes, answers read by their Content-Length. It spends a fraction of what HttpClient spends per
/// request, so on a two-core machine the gateway, not the generator, is what gets measured.
/// </summary>
internal static class HookLoad
{
    /// <summary>Posts <paramref name="total"/> hooks over <paramref name="connections"/> connections; hook <c>n</c> has <paramref name="body"/>(n).</summary>
    public static Task PostAsync(Uri gateway, int connections, int total, Func<int, string> body)
    {
        var perWorker = total / connections;
        var workers = Enumerable.Range(0, connections).Select(worker => Task.Factory.StartNew(() =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.Connect(gateway.Host, gateway.Port);
            var response = new byte[16 * 1024];
            for (var i = 0; i < perWorker; i++)
            {
                var content = body(worker * perWorker + i);
                socket.Send(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                    $"POST /hooks HTTP/1.1\r\nHost: {gateway.Authority}\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(content)}\r\n\r\n{content}")));
                ReadResponse(socket, response);
            }
        }, TaskCreationOptions.LongRunning));
        return Task.WhenAll(workers);
    }

    private static void ReadResponse(Socket socket, byte[] buffer)
    {
        var filled = 0;
        int headerEnd;
        while ((headerEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
            filled += Receive(socket, buffer, filled);
        var head = Encoding.ASCII.GetString(buffer, 0, headerEnd);
        var status = int.Parse(head.AsSpan(9, 3), CultureInfo.InvariantCulture);
        if (status is < 200 or > 299)
            throw new InvalidOperationException($"the gateway answered {status}: {head}");
        var length = 0;
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                length = int.Parse(line.AsSpan(15).Trim(), CultureInfo.InvariantCulture);
        }
        var remaining = headerEnd + 4 + length - filled;
        while (remaining > 0)
            remaining -= Receive(socket, buffer, 0, Math.Min(remaining, buffer.Length));
    }

    private static int Receive(Socket socket, byte[] buffer, int offset, int? count = null)
    {
        var read = socket.Receive(buffer, offset, count ?? buffer.Length - offset, SocketFlags.None);
        return read > 0 ? read : throw new IOException("the gateway closed the connection");
    }
}
