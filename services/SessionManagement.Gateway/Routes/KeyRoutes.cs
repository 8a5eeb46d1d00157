using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Gateway.Routes;

/// <summary>
/// The keys content is sealed under at rest: <c>GET /api/keys</c> says whether content is sealed, under which key, which keys are
/// held and how far sealing again has come in the stores of this process; <c>POST /api/keys/rotate</c> makes a new key the current
/// one. Key material never leaves the key file. Both for admins.
/// </summary>
internal static class KeyRoutes
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/api/keys", (AtRest atRest, AtRestResealer resealer) => Results.Ok(View(atRest, resealer)));
        api.MapPost("/api/keys/rotate", RotateAsync);
    }

    private static async Task<IResult> RotateAsync(HttpContext http, AtRest atRest, AtRestResealer resealer)
    {
        if (!atRest.Seals)
            return Results.Json(new { error = "encryption at rest is off (session_storage.encrypt_at_rest): there is no key to rotate" },
                statusCode: StatusCodes.Status409Conflict);
        if (!atRest.CanRotate)
            return Results.Json(new { error = "the key comes from SM_ENCRYPTION_KEY, which the host does not write: set a new key there, the old one after it, " +
                "or name a key file in session_storage.key_file" }, statusCode: StatusCodes.Status409Conflict);
        var previous = atRest.CurrentKeyId;
        string current;
        try
        {
            current = atRest.Rotate();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or InvalidConfigurationException)
        {
            return Results.Json(new { error = "the key file could not be written: " + error.Message }, statusCode: StatusCodes.Status500InternalServerError);
        }
        resealer.Wake();
        await AuditTrail.RecordAsync(http, "key-rotate", null, $"{previous} -> {current}");
        return Results.Ok(View(atRest, resealer));
    }

    private static object View(AtRest atRest, AtRestResealer resealer) => new
    {
        encryptAtRest = atRest.Seals,
        currentKey = atRest.CurrentKeyId,
        keys = atRest.KeyIds,
        canRotate = atRest.Seals && atRest.CanRotate,
        stores = resealer.Progress.Select(p => new
        {
            store = p.Store,
            sealedUnder = p.KeyId,
            done = p.Done && p.KeyId == atRest.CurrentKeyId,
            sealedAgain = p.Resealed,
            finishedAt = p.FinishedAt,
        }),
    };
}
