using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace SessionManagement.Testing;

/// <summary>
/// A TCP proxy the test owns, between a process under test and a server (the shared broker): <see cref="Cut"/> refuses new
/// connections and drops the open ones, as a network outage would, without touching the server others use.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<TcpClient, byte> _open = new();
    private readonly CancellationTokenSource _stopping = new();
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;

    public TcpProxy(string targetHost, int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Parse(targetHost == "localhost" ? "127.0.0.1" : targetHost), targetPort);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Restore();
    }

    public int Port { get; }

    public bool IsCut => _listener is null;

    /// <summary>Stops listening and drops every open connection.</summary>
    public void Cut()
    {
        _listener?.Stop();
        _listener = null;
        foreach (var client in _open.Keys)
        {
            try
            {
                if (client.Client is { } socket)
                    socket.LingerState = new LingerOption(true, 0); // RST, as a dead link or a killed proxy would
            }
            catch (Exception error) when (error is ObjectDisposedException or SocketException)
            {
                // closed meanwhile by its own pipe
            }
            client.Dispose();
        }
        _open.Clear();
    }

    /// <summary>Listens again on the same port.</summary>
    public void Restore()
    {
        if (_listener is not null)
            return;
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        _accepting = AcceptAsync(listener);
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception error) when (error is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                return;
            }
            _ = PipeAsync(inbound);
        }
    }

    private async Task PipeAsync(TcpClient inbound)
    {
        var outbound = new TcpClient();
        _open[inbound] = 0;
        _open[outbound] = 0;
        try
        {
            await outbound.ConnectAsync(_target, _stopping.Token);
            var up = inbound.GetStream().CopyToAsync(outbound.GetStream(), _stopping.Token);
            var down = outbound.GetStream().CopyToAsync(inbound.GetStream(), _stopping.Token);
            await Task.WhenAny(up, down);
        }
        catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            _open.TryRemove(inbound, out _);
            _open.TryRemove(outbound, out _);
            inbound.Dispose();
            outbound.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Cut();
        await _accepting;
        _stopping.Dispose();
    }
}
