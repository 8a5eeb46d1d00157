using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Hosting.Security;

/// <summary>What a caller may do, least first.</summary>
public enum AccessRole
{
    Capture = 1,
    Read = 2,
    Admin = 3,
}

/// <summary>
/// Who sent a request. <see cref="Named"/>: identified by a token of their own (<c>Gateway:Users</c>), so their name is theirs, not
/// what the request says; otherwise the deployment's one token, or no token at all on loopback, which may do anything.
/// </summary>
public sealed record Caller(string Name, AccessRole Role, IReadOnlyList<string> Teams, bool Named)
{
    /// <summary>Whether this caller sees only their own sessions and their teams' context.</summary>
    public bool SeesOnlyTheirOwn => Named && Role != AccessRole.Admin;

    public const string ItemKey = "sm.caller";

    /// <summary>The caller an endpoint filter identified for this request, if any.</summary>
    public static Caller? Of(HttpContext http) => http.Items.TryGetValue(ItemKey, out var caller) ? caller as Caller : null;
}

/// <summary>
/// The tokens a deployment accepts: its one token (<c>Gateway:BearerToken</c>, which may do anything) and each user's own
/// (<c>Gateway:Users</c>, with a role). Compared in constant time.
/// </summary>
public sealed class AccessTokens
{
    private readonly byte[]? _shared;
    private readonly (byte[] Header, Caller Caller)[] _users;

    private AccessTokens(string? shared, IEnumerable<AccessUser> users)
    {
        _shared = string.IsNullOrEmpty(shared) ? null : Header(shared);
        _users = users.Select(u => (Header(u.Token), new Caller(u.Name, ParseRole(u.Role)!.Value, u.Teams, Named: true))).ToArray();
    }

    /// <summary>Whether any token is configured: without one, the host stays on loopback and every request may do anything.</summary>
    public bool Any => _shared is not null || _users.Length > 0;

    /// <summary>The tokens <paramref name="configuration"/> names; an <see cref="InvalidConfigurationException"/> for a user entry that is wrong.</summary>
    public static AccessTokens Load(IConfiguration configuration)
    {
        var users = configuration.GetSection("Gateway:Users").Get<List<AccessUser>>() ?? [];
        var problems = new List<string>();
        for (var i = 0; i < users.Count; i++)
        {
            var (user, key) = (users[i], $"Gateway:Users:{i}");
            if (string.IsNullOrWhiteSpace(user.Name))
                problems.Add($"{key}:Name: required");
            if (user.Token.Length < 16)
                problems.Add($"{key}:Token: at least 16 characters");
            if (ParseRole(user.Role) is null)
                problems.Add($"{key}:Role: capture, read or admin (got '{user.Role}')");
        }
        foreach (var name in users.GroupBy(u => u.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
            problems.Add($"Gateway:Users: the name '{name.Key}' is given twice");
        if (users.GroupBy(u => u.Token, StringComparer.Ordinal).Any(g => g.Count() > 1) || users.Any(u => u.Token == configuration[ListenerGuard.TokenKey]))
            problems.Add("Gateway:Users: two entries share a token (or one is Gateway:BearerToken): each token names one user");
        if (problems.Count > 0)
            throw new InvalidConfigurationException(problems);
        return new AccessTokens(configuration[ListenerGuard.TokenKey], users);
    }

    /// <summary>The cookie the web view keeps a signed-in user's token in (HttpOnly, SameSite=Strict), read when no header is sent.</summary>
    public const string CookieName = "sm_token";

    /// <summary>
    /// Who presents the request's token (its <c>Authorization</c> header, else the web view's cookie); null when it presents none
    /// that is accepted while some token is configured.
    /// </summary>
    public Caller? Identify(HttpRequest request)
    {
        var named = request.Headers[AuditTrail.UserHeader].ToString() is { Length: > 0 and <= 128 } user ? user : null;
        if (!Any)
            return new Caller(named ?? "anonymous", AccessRole.Admin, [], Named: false);
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0 && request.Cookies.TryGetValue(CookieName, out var cookie) && !string.IsNullOrEmpty(cookie))
            header = "Bearer " + cookie;
        return Match(Encoding.UTF8.GetBytes(header), named);
    }

    /// <summary>Who <paramref name="token"/> names (the web view's sign-in); null when no configured token is it.</summary>
    public Caller? IdentifyToken(string token) => Any ? Match(Header(token), null) : null;

    private Caller? Match(byte[] presented, string? named)
    {
        Caller? found = null;
        foreach (var (header, caller) in _users)
            if (CryptographicOperations.FixedTimeEquals(presented, header))
                found = caller;
        if (found is null && _shared is not null && CryptographicOperations.FixedTimeEquals(presented, _shared))
            found = new Caller(named ?? "token", AccessRole.Admin, [], Named: false);
        return found;
    }

    public static AccessRole? ParseRole(string? role) => role?.ToLowerInvariant() switch
    {
        "capture" => AccessRole.Capture,
        "read" => AccessRole.Read,
        "admin" => AccessRole.Admin,
        _ => null,
    };

    private static byte[] Header(string token) => Encoding.UTF8.GetBytes("Bearer " + token);
}
