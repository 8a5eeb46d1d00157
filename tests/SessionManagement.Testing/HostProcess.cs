using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace SessionManagement.Testing;

/// <summary>
/// The real <c>SessionManagement.Host</c> executable started as a child process on a free loopback
/// port, with its own HOME, data and project directories so nothing of the developer's is read or written.
/// </summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    public const int SigInt = 2;
    public const int SigTerm = 15;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TempDirectory _home;
    private readonly IReadOnlyDictionary<string, string>? _environment;
    private readonly string[] _args;
    private bool _ownsHome = true;
    private bool _disposed;

    private HostProcess(Process process, TempDirectory home, int port, IReadOnlyDictionary<string, string>? environment, string[] args)
    {
        _process = process;
        _home = home;
        _environment = environment;
        _args = args;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    /// <summary>Posts a hook's JSON to <c>/hooks</c> as Claude Code's HTTP hook would; fails unless answered 2xx; returns the answer's body.</summary>
    public async Task<string> PostHookAsync(string json, CancellationToken cancellationToken)
    {
        using var answer = await Http.PostAsync("/hooks", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), cancellationToken);
        var body = await answer.Content.ReadAsStringAsync(cancellationToken);
        if (!answer.IsSuccessStatusCode)
            throw new HttpRequestException($"/hooks answered {(int)answer.StatusCode}: {body}");
        return body;
    }

    /// <summary>
    /// Sends a request as a token holder's client would: with <c>Authorization: Bearer <paramref name="token"/></c>, the user it
    /// names (<c>X-SM-User</c>) if given, and <paramref name="json"/> as its body if given.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, CancellationToken cancellationToken,
        string? json = null, string? user = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        if (user is not null)
            request.Headers.Add("X-SM-User", user);
        if (json is not null)
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        return await Http.SendAsync(request, cancellationToken);
    }

    /// <summary>The HOME the host sees; its data directory is <c>data/</c> and its project <c>project/</c> below it.</summary>
    public string Home => _home.Path;

    public string DataDirectory => Path.Combine(_home.Path, "data");

    public string ProjectDirectory => Path.Combine(_home.Path, "project");

    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>What sm-hook needs to talk to this host and share its spool, as a hook Claude Code runs beside it would.</summary>
    public Dictionary<string, string> SmHookEnvironment() => new()
    {
        ["SM_GATEWAY_URL"] = BaseAddress.ToString(),
        ["SM_SPOOL_DIR"] = Path.Combine(DataDirectory, "spool"),
        ["HOME"] = Home,
    };

    public bool HasExited => _process.HasExited;

    /// <summary>The host's process id, to read what the kernel says of it (<c>/proc/&lt;id&gt;/status</c>).</summary>
    public int ProcessId => _process.Id;

    /// <summary>
    /// Starts the host. <paramref name="environment"/> is added to a copy of this process's environment with every <c>SM_</c> variable
    /// removed; <c>{port}</c> in a value stands for the host's port (to listen on it elsewhere than 127.0.0.1, say).
    /// </summary>
    public static HostProcess Start(IReadOnlyDictionary<string, string>? environment = null, params string[] args) =>
        Start(new TempDirectory(), FreePort(), environment, args);

    /// <summary>
    /// Starts the host again on this one's home, data and port, with the same settings (and <paramref name="moreArgs"/>): after
    /// <see cref="KillAsync"/> or a stop. The new process owns the home from then on.
    /// </summary>
    public HostProcess StartAgain(params string[] moreArgs)
    {
        if (!_process.HasExited)
            throw new InvalidOperationException("The host is still running.");
        _ownsHome = false;
        return Start(_home, Port, _environment, [.. _args, .. moreArgs]);
    }

    /// <summary>
    /// This host killed, its store changed by the test's own <paramref name="sql"/> (a module's table taken from under it, say), and
    /// started again on the same home: how a test makes a module fail in its store. Wait for it to be ready before asking it.
    /// </summary>
    public async Task<HostProcess> AgainWithStoreChangedAsync(string sql)
    {
        await KillAsync();
        SqliteFile.Execute(Path.Combine(DataDirectory, "session-management.db"), sql);
        return StartAgain();
    }

    /// <summary>kill -9: the host gets no chance to finish anything.</summary>
    public async Task KillAsync()
    {
        Signal(9);
        await _process.WaitForExitAsync();
    }

    private static HostProcess Start(TempDirectory home, int port, IReadOnlyDictionary<string, string>? environment, string[] args)
    {
        var hostDll = Path.Combine(AppContext.BaseDirectory, "SessionManagement.Host.dll");
        if (!File.Exists(hostDll))
            throw new FileNotFoundException("The host executable is not beside the tests; reference SessionManagement.Host from the test project.", hostDll);

        // Through env, so the host starts with SIGINT's default disposition whatever this test run inherited: a run started in
        // the background by a non-interactive shell ignores SIGINT, and an ignored signal stays ignored across exec.
        var start = new ProcessStartInfo("/usr/bin/env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = home.Path,
        };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(hostDll);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("SM_", StringComparison.Ordinal) || k == "CLAUDE_PROJECT_DIR").ToList())
            start.Environment.Remove(key);
        start.Environment["HOME"] = home.Path;
        start.Environment["SM_DATA_DIR"] = Path.Combine(home.Path, "data");
        start.Environment["SM_PROJECT_DIR"] = Path.Combine(home.Path, "project");
        start.Environment["SM_Http__Urls"] = $"http://127.0.0.1:{port}";
        // Hosts of parallel tests share the broker but not a database: each gets queues of its own.
        start.Environment["SM_Bus__EndpointPrefix"] = "test-" + Guid.NewGuid().ToString("N")[..10] + "-";
        start.Environment["SM_Bus__TemporaryEndpoints"] = "true";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Directory.CreateDirectory(Path.Combine(home.Path, "project"));

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new HostProcess(process, home, port, environment, args);
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) host._output.Enqueue(line.Data); };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) host._output.Enqueue(line.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits until <paramref name="path"/> answers <paramref name="status"/>; fails with the host's output if it exits first.</summary>
    public async Task<HttpResponseMessage> WaitForAsync(string path, HttpStatusCode status, TimeSpan within)
    {
        return await Eventually.ReturnsAsync(async () =>
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The host exited with code {_process.ExitCode}:{Environment.NewLine}{Output}");
            return await Http.GetAsync(path);
        }, response => response.StatusCode == status, within, $"GET {path} answering {(int)status}");
    }

    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>The exit code, or null if the host had not exited within <paramref name="within"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        if (_ownsHome)
            _home.Dispose();
    }
}
