using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Context;
using SessionManagement.Contracts.Saver;

namespace SessionManagement.Loader.Rendering;

/// <summary>What the owning modules answered in time; a part that did not answer is null and named in <see cref="Missing"/>.</summary>
/// <param name="Session">The session continued (resume, fork, compact, clear) or, on startup, the project's last session.</param>
/// <param name="Recent">The latest messages of <see cref="Session"/>.</param>
public sealed record LoadedParts(
    string Source,
    SessionSummary? Session,
    IReadOnlyList<ChatMessageView>? Recent,
    IReadOnlyList<ContextItemView>? Context,
    IReadOnlyList<string> Missing);
