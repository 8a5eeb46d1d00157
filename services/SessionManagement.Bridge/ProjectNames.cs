namespace SessionManagement.Bridge;

/// <summary>What people call a project, in the status row and the web view alike.</summary>
public static class ProjectNames
{
    /// <summary>The last folder of its path (the path itself for the root).</summary>
    public static string Of(string directory) => Path.GetFileName(directory.TrimEnd('/', '\\')) is { Length: > 0 } name ? name : directory;

    /// <summary>A worktree Claude Code made, named with its checkout's project: "app (worktree fix-login)", not "fix-login".</summary>
    public static string OfWorktree(string checkout, string worktree) => $"{Of(checkout)} (worktree {worktree})";
}
