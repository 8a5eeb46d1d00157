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
    /// The folder of Claude Code's file checkpoints for the session whose own transcript is at <paramref name="resolvedTranscript"/> (a
    /// path <see cref="TryResolve"/> gave): <c>&lt;config&gt;/file-history/&lt;session&gt;</c> when the transcript lies in a root that is a
    /// Claude Code <c>projects</c> folder, else null.
    /// </summary>
    public string? FileHistoryFolderOf(string sessionId, string resolvedTranscript)
    {
        foreach (var root in _roots)
        {
            if (NativePaths.Resolve(root) is { } realRoot && TranscriptFiles.FileHistoryFolderOf(sessionId, resolvedTranscript, realRoot) is { } folder)
                return folder;
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
