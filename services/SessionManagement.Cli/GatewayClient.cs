using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using SessionManagement.Contracts.Chat;

namespace SessionManagement.Cli;

/// <summary>
/// The gateway's API as smctl uses it: the address and token come from the same settings as sm-hook's (<c>SM_GATEWAY_URL</c>,
/// default <c>http://127.0.0.1:4780</c>; <c>SM_GATEWAY_TOKEN</c>), unless a command's <c>--gateway</c> names another.
/// </summary>
internal sealed class GatewayClient : IDisposable
{
    public const string DefaultUrl = "http://127.0.0.1:4780";

    private readonly HttpClient _http;

    public GatewayClient(string? url = null, string? token = null, HttpMessageHandler? handler = null)
    {
        var address = url ?? (Environment.GetEnvironmentVariable("SM_GATEWAY_URL") is { Length: > 0 } configured ? configured : DefaultUrl);
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.BaseAddress = BaseAddress;
        _http.Timeout = TimeSpan.FromMinutes(30); // an import of a large file is one request
        if ((token ?? Environment.GetEnvironmentVariable("SM_GATEWAY_TOKEN")) is { Length: > 0 } bearer)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        // Who asks, for the audit trail, as sm-hook names the user and machine a hook came from.
        _http.DefaultRequestHeaders.Add(SessionManagement.Bridge.BridgeHeaders.User, Environment.UserName);
        _http.DefaultRequestHeaders.Add(SessionManagement.Bridge.BridgeHeaders.Host, Environment.MachineName);
    }

    /// <summary>What the requests are part of (<c>restore</c>, <c>branch</c>), so the audit trail records that instead of the export they make.</summary>
    public string? Purpose
    {
        set
        {
            _http.DefaultRequestHeaders.Remove(PurposeHeader);
            if (value is not null)
                _http.DefaultRequestHeaders.Add(PurposeHeader, value);
        }
    }

    private const string PurposeHeader = "X-SM-Purpose";

    public Uri BaseAddress { get; }

    /// <summary>The JSON the gateway answers, or a <see cref="GatewayException"/> saying what went wrong (404 as null when <paramref name="missingIsNull"/>).</summary>
    public async Task<JsonElement?> GetJsonAsync(string path, CancellationToken cancellationToken, bool missingIsNull = false)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        if (missingIsNull && response.StatusCode == HttpStatusCode.NotFound)
            return null;
        return await ReadJsonAsync(response, path, cancellationToken);
    }

    /// <summary>POSTs nothing and returns the JSON answer (commands: run backups, restore one).</summary>
    public async Task<JsonElement> PostAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, path), cancellationToken);
        return (await ReadJsonAsync(response, path, cancellationToken))!.Value;
    }

    public async Task<JsonElement> DeleteAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, path), cancellationToken);
        return (await ReadJsonAsync(response, path, cancellationToken))!.Value;
    }

    /// <summary>Sends <paramref name="body"/> as JSON (PUT or POST) and returns the JSON answer.</summary>
    public async Task<JsonElement> SendJsonAsync(HttpMethod method, string path, object body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(method, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(body, Web), System.Text.Encoding.UTF8, "application/json"),
        }, cancellationToken);
        return (await ReadJsonAsync(response, path, cancellationToken))!.Value;
    }

    /// <summary>Sends <paramref name="body"/>'s bytes as they are (PUT or POST) and returns the JSON answer.</summary>
    public async Task<JsonElement> SendBytesAsync(HttpMethod method, string path, byte[] body, string contentType, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() =>
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            return new HttpRequestMessage(method, path) { Content = content };
        }, cancellationToken);
        return (await ReadJsonAsync(response, path, cancellationToken))!.Value;
    }

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>What the store holds of one of a session's transcript files (<paramref name="file"/> null for its own); null when none of it.</summary>
    public async Task<HeldFile?> HeldFileAsync(string sessionId, string? file, CancellationToken cancellationToken) =>
        HeldFile.In(await HeldFilesAsync(sessionId, cancellationToken), file);

    /// <summary>What the store holds of a session's transcript files, as the gateway answers it; null when it holds none.</summary>
    public Task<JsonElement?> HeldFilesAsync(string sessionId, CancellationToken cancellationToken) =>
        GetJsonAsync($"api/sessions/{Uri.EscapeDataString(sessionId)}/files", cancellationToken, missingIsNull: true);

    /// <summary>The status and JSON the gateway answers, whatever the status (a health report answers 503 with its checks); null JSON when the body is none.</summary>
    public async Task<(HttpStatusCode Status, JsonElement? Json)> GetReportAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
        }
        catch (JsonException)
        {
            return (response.StatusCode, null);
        }
    }

    /// <summary>The body of a GET, streamed to <paramref name="destination"/>; false when the gateway says 404.</summary>
    public async Task<bool> DownloadAsync(string path, Stream destination, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return false;
        await EnsureSuccessAsync(response, path, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await body.CopyToAsync(destination, cancellationToken);
        return true;
    }

    /// <summary>
    /// The body of a GET written to a new file at <paramref name="file"/> (its folder made if need be; never over a file already there),
    /// streamed, never whole in memory.
    /// </summary>
    public async Task DownloadFileAsync(string path, string file, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await using var output = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous);
        await DownloadAsync(path, output, cancellationToken);
    }

    /// <summary>
    /// POSTs a hook's raw bytes to <c>/hooks</c> under the event id and time it was first received (a re-submission, as the spool's
    /// replay does); returns the status and, when refused, the gateway's reason.
    /// </summary>
    public async Task<(int Status, string? Error)> PostHookAsync(byte[] body, Guid eventId, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() =>
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var request = new HttpRequestMessage(HttpMethod.Post, "hooks") { Content = content };
            request.Headers.Add(Bridge.BridgeHeaders.EventId, eventId.ToString());
            request.Headers.Add(Bridge.BridgeHeaders.ReceivedAt, receivedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            return request;
        }, cancellationToken);
        if (response.IsSuccessStatusCode)
            return ((int)response.StatusCode, null);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(text);
            return ((int)response.StatusCode, json.RootElement.TryGetProperty("error", out var error) ? error.ToString() : text);
        }
        catch (JsonException)
        {
            return ((int)response.StatusCode, text);
        }
    }

    /// <summary>POSTs a file's bytes (its length given, so the gateway streams it) and returns the JSON answer.</summary>
    public Task<JsonElement> PostFileAsync(string path, string file, CancellationToken cancellationToken) =>
        SendFileAsync(HttpMethod.Post, path, file, "application/x-ndjson", cancellationToken);

    /// <summary>Sends a file's bytes as the request's body, streamed from disk.</summary>
    public async Task<JsonElement> SendFileAsync(HttpMethod method, string path, string file, string contentType, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() =>
        {
            var content = new StreamContent(File.OpenRead(file), 1 << 20);
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            content.Headers.ContentLength = new FileInfo(file).Length;
            return new HttpRequestMessage(method, path) { Content = content };
        }, cancellationToken);
        return (await ReadJsonAsync(response, path, cancellationToken))!.Value;
    }

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var message = request();
        try
        {
            return await _http.SendAsync(message, completion, cancellationToken);
        }
        catch (HttpRequestException error)
        {
            throw new GatewayException($"the gateway at {BaseAddress} does not answer ({error.Message}): is the host running (./run.sh), and is SM_GATEWAY_URL right?",
                ExitCodes.Unreachable);
        }
    }

    private static async Task<JsonElement?> ReadJsonAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, path, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        string? said = null;
        try
        {
            using var json = JsonDocument.Parse(body);
            said = json.RootElement.TryGetProperty("error", out var error) ? error.ToString() : null;
        }
        catch (JsonException)
        {
        }
        var code = (int)response.StatusCode;
        throw new GatewayException($"{path.Split('?')[0]}: the gateway answered {code}{(said is null ? "" : ": " + said)}",
            code == 404 ? ExitCodes.NotFound : code is 401 or 403 ? ExitCodes.Unauthorized : code == 409 ? ExitCodes.Conflict
            : code < 500 ? ExitCodes.BadInput : ExitCodes.GatewayFailed, said);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>
/// What the gateway said no to, or that it did not answer; <see cref="ExitCode"/> is what smctl exits with, <see cref="Said"/> the
/// gateway's own words (its answer's <c>error</c>), when it gave some.
/// </summary>
internal sealed class GatewayException(string message, int exitCode, string? said = null) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public string? Said { get; } = said;
}

/// <summary>smctl's exit codes, the same for every command (docs/smctl.md).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;
    public const int Unreachable = 3;
    public const int NotFound = 4;
    public const int Unauthorized = 5;
    public const int GatewayFailed = 6;
    public const int Conflict = 7;
    public const int Unhealthy = 8;
    public const int Incomplete = 9;
}
