using SessionManagement.Hosting.Security;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace SessionManagement.Gateway.Routes;

/// <summary>When a token is configured, every gateway route wants <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
internal sealed class BearerTokenFilter(string? token) : IEndpointFilter
{
    private readonly byte[]? _expected = string.IsNullOrEmpty(token) ? null : Encoding.UTF8.GetBytes("Bearer " + token);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (_expected is null)
            return await next(context);
        var presented = Encoding.UTF8.GetBytes(context.HttpContext.Request.Headers.Authorization.ToString());
        if (CryptographicOperations.FixedTimeEquals(presented, _expected))
            return await next(context);
        await AuditTrail.RecordRefusalAsync(context.HttpContext);
        return Results.Json(new { error = "a bearer token is required" }, statusCode: StatusCodes.Status401Unauthorized);
    }
}
