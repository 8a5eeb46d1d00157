using System.Collections.Concurrent;

namespace SessionManagement.Gateway.Capture;

/// <summary>
/// The branch checked out in a working directory, read from <c>.git/HEAD</c> of the nearest repository above it
/// (worktrees' <c>.git</c> files followed); a detached HEAD gives the short commit id. Remembered per directory for a
/// few seconds: every hook of a session asks, and a branch rarely changes between two of them.
/// </summary>
internal sealed class GitBranchReader(TimeProvider time)
{
    private static readonly TimeSpan Remember = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, (string? Branch, DateTimeOffset ReadAt)> _known = new(StringComparer.Ordinal);

    public string? Read(string? cwd)
    {
        if (string.IsNullOrEmpty(cwd) || !Path.IsPathFullyQualified(cwd))
            return null;
        var now = time.GetUtcNow();
        if (_known.TryGetValue(cwd, out var known) && now - known.ReadAt < Remember)
            return known.Branch;
        var branch = ReadHead(cwd);
        if (_known.Count > 10_000)
            _known.Clear();
        _known[cwd] = (branch, now);
        return branch;
    }

    private static string? ReadHead(string cwd)
    {
        try
        {
            for (var directory = new DirectoryInfo(cwd); directory is not null; directory = directory.Parent)
            {
                var git = Path.Combine(directory.FullName, ".git");
                string? gitDirectory = Directory.Exists(git) ? git : null;
                if (gitDirectory is null && File.Exists(git) && File.ReadAllText(git).Trim() is var pointer && pointer.StartsWith("gitdir:", StringComparison.Ordinal))
                    gitDirectory = Path.GetFullPath(pointer["gitdir:".Length..].Trim(), directory.FullName);
                if (gitDirectory is null)
                    continue;
                var head = File.ReadAllText(Path.Combine(gitDirectory, "HEAD")).Trim();
                return head.StartsWith("ref: refs/heads/", StringComparison.Ordinal) ? head["ref: refs/heads/".Length..]
                    : head.Length >= 12 ? head[..12] : null;
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // No branch rather than no hook: the capture path never fails over this.
        }
        return null;
    }
}
