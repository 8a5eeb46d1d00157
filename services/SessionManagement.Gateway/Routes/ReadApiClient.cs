using MassTransit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Gateway.Options;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Gateway.Routes;

/// <summary>Asks the module that owns the data, within <c>Gateway:QueryTimeoutMs</c>; no answer in time is a 504 naming the module.</summary>
internal sealed class ReadApiClient(IServiceProvider services, IOptions<GatewayOptions> options, IOptions<BusOptions> bus)
{
    /// <summary>
    /// A page of a session's transcript lines (<see cref="GetTranscriptLines"/>). In the embedded host the chat module hands it over in
    /// the process: a restore of 100 MB spent half its time writing pages out as base64 JSON and reading them back.
    /// The page is the caller's to dispose once its lines are read: handed over, they are in a pooled buffer.
    /// </summary>
    public async Task<TranscriptPage> TranscriptPageAsync(string sessionId, long afterOffset, int limit, string? file, CancellationToken cancellationToken)
    {
        var page = await AskAsync<GetTranscriptLines, TranscriptLinesPage>(
            new GetTranscriptLines(sessionId, afterOffset, limit, file, HandOver: bus.Value.Transport == BusTransport.InMemory), cancellationToken);
        if (page.Handle is { } handle)
            page = InProcessContent.Collect<TranscriptLinesPage>(handle);
        return new TranscriptPage(page.Offsets, page.Pooled ?? TranscriptContent.Open(page.Lines, TranscriptContent.Plain));
    }

    public async Task<Response<T1, T2>> AskAsync<TRequest, T1, T2>(TRequest request, CancellationToken cancellationToken)
        where TRequest : class where T1 : class where T2 : class
    {
        using var scope = services.CreateScope();
        var client = scope.ServiceProvider.GetRequiredService<IRequestClient<TRequest>>();
        return await client.GetResponse<T1, T2>(request, cancellationToken, RequestTimeout.After(ms: options.Value.QueryTimeoutMs));
    }

    /// <param name="timeoutMs">For work that takes longer than a query (a restore): how long to wait; <c>Gateway:QueryTimeoutMs</c> when null.</param>
    public async Task<T> AskAsync<TRequest, T>(TRequest request, CancellationToken cancellationToken, int? timeoutMs = null)
        where TRequest : class where T : class
    {
        using var scope = services.CreateScope();
        var client = scope.ServiceProvider.GetRequiredService<IRequestClient<TRequest>>();
        return (await client.GetResponse<T>(request, cancellationToken, RequestTimeout.After(ms: timeoutMs ?? options.Value.QueryTimeoutMs))).Message;
    }

    /// <summary>
    /// The module gave nothing to use: it did not answer in time, or it failed on the question. Where what it knows only adds to a page
    /// or a row, either leaves it out.
    /// </summary>
    public static bool Unanswered(Exception error) => error is RequestTimeoutException or RequestFaultException;

    public IResult NoAnswer(string module) => Results.Json(
        new { error = $"no {module} module answered within {options.Value.QueryTimeoutMs} ms; is one running (--target={module} or all)?" },
        statusCode: StatusCodes.Status504GatewayTimeout);
}

/// <summary>A page of a session's transcript lines: each line's byte offset in its file, and the lines' bytes each followed by <c>\n</c>.</summary>
internal sealed class TranscriptPage(IReadOnlyList<long> offsets, PooledLines lines) : IDisposable
{
    public IReadOnlyList<long> Offsets { get; } = offsets;

    /// <summary>The lines' bytes; valid until the page is disposed.</summary>
    public ReadOnlyMemory<byte> Lines => lines.Bytes;

    public void Dispose() => lines.Dispose();
}
