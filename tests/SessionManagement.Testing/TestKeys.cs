using SessionManagement.Hosting.Security;

namespace SessionManagement.Testing;

/// <summary>Keys at rest for tests: fixed, so a failing run can be opened again by hand.</summary>
public static class TestKeys
{
    public static readonly byte[] First = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    public static readonly byte[] Second = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();

    /// <summary>A holder that seals every write under <c>test-1</c>.</summary>
    public static AtRest Sealing() => AtRest.With([("test-1", First)]);

    /// <summary><c>SM_ENCRYPTION_KEY</c>'s value for <see cref="First"/>.</summary>
    public static string EnvironmentValue => "test-1:" + Convert.ToBase64String(First);
}
