namespace SessionManagement.Hosting.Bus;

/// <summary>
/// A receive endpoint of this process that stores captured hooks: every hook, or only those that carry conversation text.
/// The embedded gateway keeps an accepted hook until each such endpoint has consumed it.
/// </summary>
/// <param name="Name">The endpoint's queue name, as the bus names it.</param>
/// <param name="ConversationOnly">True when the endpoint consumes <c>ConversationHookCaptured</c> only.</param>
/// <param name="Module">The module whose endpoint it is (<c>saver</c>, <c>chat</c>), as users know it.</param>
public sealed record HookEventEndpoint(string Name, bool ConversationOnly, string Module = "")
{
    /// <summary>The last segment of a receive endpoint's address: its queue name.</summary>
    public static string NameOf(Uri? inputAddress) => inputAddress?.AbsolutePath.Trim('/').Split('/')[^1] ?? "";
}
