namespace SessionManagement.Contracts;

/// <summary>
/// Which project a session's folder belongs to, by Claude Code's own rule: a worktree it makes (<c>claude --worktree</c>, its
/// EnterWorktree tool) lies at <c>&lt;checkout&gt;/.claude/worktrees/&lt;name&gt;</c>, and Claude Code keeps a session there with its
/// checkout's (the checkout's memory, the checkout's <c>/resume</c> list). A project's sessions and its context items are those of
/// its own folder and of these worktrees.
/// </summary>
public static class ProjectFolders
{
    /// <summary>Where in a checkout Claude Code makes its worktrees.</summary>
    public const string WorktreesFolder = ".claude/worktrees";

    /// <summary>
    /// A folder as Claude Code names a session's <c>cwd</c>: without the trailing <c>/</c> a shell's completion adds (<c>~/app/</c> is
    /// <c>~/app</c>), the root aside.
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(folder))]
    public static string? Normalize(string? folder) =>
        folder is { Length: > 1 } && folder[^1] == '/' ? folder.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/" : folder;

    /// <summary>
    /// The checkout <paramref name="folder"/> is a worktree of (<c>/code/app</c> for <c>/code/app/.claude/worktrees/fix</c>), or null when
    /// it is not one of Claude Code's worktrees. A folder inside a worktree is not the worktree: as a project, it is its own.
    /// </summary>
    public static string? CheckoutOf(string? folder)
    {
        if (folder is null)
            return null;
        var name = folder.LastIndexOf('/');
        const string marker = "/" + WorktreesFolder;
        if (name <= 0 || name == folder.Length - 1 || !folder.AsSpan(0, name).EndsWith(marker, StringComparison.Ordinal))
            return null;
        var checkout = folder[..(name - marker.Length)];
        return checkout.Length == 0 ? "/" : checkout;
    }

    /// <summary>Whether a session in <paramref name="folder"/> belongs to <paramref name="project"/>: its folder, or a worktree of it.</summary>
    public static bool BelongsTo(string? folder, string? project) =>
        folder is not null && project is not null && (folder == project || CheckoutOf(folder) == project);

    /// <summary>
    /// The bounds, in ordinal order, between which the folders of <paramref name="project"/>'s worktrees lie (the lower one
    /// excluded, the upper one too): <c>&lt;project&gt;/.claude/worktrees/</c> and the same with its last <c>/</c> made <c>0</c>, the
    /// next character. A folder between them is a worktree when nothing after the lower bound is another <c>/</c>.
    /// </summary>
    public static (string From, string To) WorktreeRange(string project)
    {
        var from = project.TrimEnd('/') + "/" + WorktreesFolder + "/";
        return (from, from[..^1] + "0");
    }
}
