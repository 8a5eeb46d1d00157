using Microsoft.Extensions.Options;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Gateway.Options;
using SessionManagement.Hosting.Configuration;

namespace SessionManagement.Gateway.Transcripts;

/// <summary>
/// Only a <c>.jsonl</c> file that really lies (after resolving every link) under Claude Code's
/// projects folder or a configured root may be read: hook input names the path, so it is not trusted.
/// </summary>
internal sealed class TranscriptPathPolicy(IOptions<GatewayOptions> options)
{
    private readonly IReadOnlyList<string> _roots =
        [Path.Combine(ConfigurationLayers.HomeDirectory(), ".claude", "projects"), .. options.Value.TranscriptRoots];

    public IReadOnlyList<string> Roots => _roots;

    /// <summary>
    /// The session's folder in <paramref name="folder"/> of Claude Code's folder (its file checkpoints, <c>file-history</c>; its task list,
    /// <c>tasks</c>) for the session whose own transcript is at <paramref name="resolvedTranscript"/> (a path <see cref="TryResolve"/> gave):
    /// <c>&lt;config&gt;/&lt;folder&gt;/&lt;session&gt;</c> when the transcript lies in a root that is a Claude Code <c>projects</c> folder, else null.
    /// </summary>
    public string? ClaudeFolderOf(string sessionId, string resolvedTranscript, string folder)
    {
        foreach (var root in _roots)
        {
            if (NativePaths.Resolve(root) is { } realRoot && TranscriptFiles.ClaudeFolderOf(sessionId, resolvedTranscript, realRoot, folder) is { } found)
                return found;
        }
        return null;
    }

    /// <summary>The resolved path of an allowed transcript; false with the reason otherwise (including a missing file).</summary>
    public bool TryResolve(string? transcriptPath, out string resolved, out string problem)
    {
        resolved = "";
        problem = "";
        if (string.IsNullOrWhiteSpace(transcriptPath) || !Path.IsPathFullyQualified(transcriptPath))
        {
            problem = "transcript_path is not an absolute path";
            return false;
        }
        if (!transcriptPath.EndsWith(".jsonl", StringComparison.Ordinal))
        {
            problem = "transcript_path is not a .jsonl file";
            return false;
        }
        var lexical = Path.GetFullPath(transcriptPath);
        if (!_roots.Any(root => IsUnder(lexical, Path.GetFullPath(root))))
        {
            problem = $"transcript_path '{lexical}' is outside the allowed folders ({string.Join(", ", _roots)})";
            return false;
        }
        if (NativePaths.Resolve(transcriptPath) is not { } real)
        {
            problem = "transcript file does not exist (yet)";
            return false;
        }
        if (!real.EndsWith(".jsonl", StringComparison.Ordinal) || !File.Exists(real))
        {
            problem = $"transcript_path resolves to '{real}', which is not a .jsonl file";
            return false;
        }
        foreach (var root in _roots)
        {
            if (NativePaths.Resolve(root) is { } realRoot && IsUnder(real, realRoot))
            {
                resolved = real;
                return true;
            }
        }
        problem = $"transcript_path resolves to '{real}', outside the allowed folders ({string.Join(", ", _roots)})";
        return false;
    }

    private static bool IsUnder(string path, string root) => path.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal);
}
