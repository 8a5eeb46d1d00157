using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace SessionManagement.Gateway.Routes;

/// <summary>When a token is configured, every gateway route wants <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
internal sealed class BearerTokenFilter(string? token) : IEndpointFilter
{
    private readonly byte[]? _expected = string.IsNullOrEmpty(token) ? null : Encoding.UTF8.GetBytes("Bearer " + token);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (_expected is null)
            return next(context);
        var presented = Encoding.UTF8.GetBytes(context.HttpContext.Request.Headers.Authorization.ToString());
        return CryptographicOperations.FixedTimeEquals(presented, _expected)
            ? next(context)
            : ValueTask.FromResult<object?>(Results.Json(new { error = "a bearer token is required" }, statusCode: StatusCodes.Status401Unauthorized));
    }
}
