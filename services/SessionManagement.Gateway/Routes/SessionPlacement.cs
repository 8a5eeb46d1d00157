using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionManagement.Gateway.Capture;
using SessionManagement.Gateway.Transcripts;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Gateway.Routes;

/// <summary>
/// A transcript file <c>smctl restore</c> wrote for Claude Code (<c>POST /api/sessions/{id}/restored</c>, with the file's path, its
/// length and the length of what the store gave back for it): the gateway ships on after it instead of taking its lines again. A file
/// re-homed with <c>--to-project</c> holds the session's lines with their paths rewritten, at other offsets than the store's; without
/// this, resuming the session there would store each of them a second time.
/// </summary>
internal static class SessionPlacement
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/api/sessions/{sessionId}/restored", PlaceAsync).Allow(AccessRole.Capture).AddEndpointFilter<OwnedSessionFilter>();

    private sealed record Restored(string? Path, long? Bytes, long? HeldBytes);

    private static async Task<IResult> PlaceAsync(HttpContext http, TranscriptShipper shipper, string sessionId, CancellationToken cancellationToken)
    {
        if (!HookInput.IsValidSessionId(sessionId))
            return ReadApiRoutes.BadRequest($"invalid session id '{sessionId}'");
        Restored? restored;
        try
        {
            restored = await JsonSerializer.DeserializeAsync<Restored>(http.Request.Body, JsonSerializerOptions.Web, cancellationToken);
        }
        catch (JsonException error)
        {
            return ReadApiRoutes.BadRequest($"the body is not JSON of a restored file ({{\"path\", \"bytes\", \"heldBytes\"}}): {error.Message}");
        }
        if (restored is not { Path: { } path, Bytes: { } bytes, HeldBytes: { } heldBytes })
            return ReadApiRoutes.BadRequest("path (the file written), bytes (its length) and heldBytes (the length of what the store gave back) are required");
        if (bytes < 0 || heldBytes < 0)
            return ReadApiRoutes.BadRequest("bytes and heldBytes cannot be negative");
        var (cursor, problem) = await shipper.PlaceAsync(sessionId, path, bytes, heldBytes, cancellationToken);
        return cursor is not null
            ? Results.Ok(new { sessionId, path = cursor.TranscriptPath, offset = cursor.Offset, shift = cursor.Shift })
            : Results.Json(new { error = problem }, statusCode: StatusCodes.Status409Conflict);
    }
}
