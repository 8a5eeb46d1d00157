using System.Collections.Concurrent;
using System.Text.Json;

namespace SessionManagement.Cli;

/// <summary>
/// What the store holds of the sessions a command walks, asked once a session: a session's own transcript and each of its subagents'
/// are told by the one answer (<see cref="GatewayClient.HeldFilesAsync"/>), until the command uploads one of them (<see cref="Forget"/>). An
/// answer that failed is asked again by the next file.
/// </summary>
internal sealed class HeldFiles(GatewayClient client)
{
    private readonly ConcurrentDictionary<string, Task<JsonElement?>> _sessions = new(StringComparer.Ordinal);

    public async Task<HeldFile?> OfAsync(string sessionId, string? file, CancellationToken cancellationToken)
    {
        var asked = _sessions.GetOrAdd(sessionId, id => client.HeldFilesAsync(id, cancellationToken));
        try
        {
            return HeldFile.In(await asked, file);
        }
        catch
        {
            _sessions.TryRemove(new KeyValuePair<string, Task<JsonElement?>>(sessionId, asked));
            throw;
        }
    }

    /// <summary>What was told of <paramref name="sessionId"/> is out of date: one of its files was uploaded.</summary>
    public void Forget(string sessionId) => _sessions.TryRemove(sessionId, out _);
}
