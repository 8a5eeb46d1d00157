using System.Text.Json;
using SessionManagement.Contracts.Saver;

namespace SessionManagement.Saver.Sessions;

/// <summary>A hook event as a session's timeline shows it: its tool, and the one line that says what happened.</summary>
public static class EventDetail
{
    private const int Longest = 300;

    public static SessionEventView View(StoredEvent stored)
    {
        string? tool = null, detail = null;
        try
        {
            using var document = JsonDocument.Parse(stored.RawJson);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                tool = Text(root, "tool_name");
                detail = stored.HookEventName switch
                {
                    "Notification" => Text(root, "message"),
                    "PreCompact" or "PostCompact" => Text(root, "trigger") is { } trigger ? $"{trigger} compaction" : null,
                    "PostToolUseFailure" or "StopFailure" => Text(root, "error") ?? Text(root, "error_type"),
                    "SessionStart" => Text(root, "source"),
                    "SessionEnd" => Text(root, "reason"),
                    "PermissionRequest" => Text(root, "tool_name"),
                    "SubagentStop" or "SubagentStart" => Text(root, "agent_type") ?? Text(root, "agent_id"),
                    "DirectoryAdded" => Text(root, "directory"),
                    "CwdChanged" => Change(Text(root, "old_cwd"), Text(root, "new_cwd")),
                    "PostModelSwitch" => Change(Text(root, "from_model"), Text(root, "to_model")),
                    "ConfigChange" => Text(root, "file_path") ?? Text(root, "source"),
                    "InstructionsLoaded" => Text(root, "file_path"),
                    "TaskCreated" or "TaskCompleted" => Text(root, "task_subject"),
                    "TeammateIdle" => Text(root, "teammate_name"),
                    "PermissionDenied" => Text(root, "reason"),
                    "WorktreeRemove" => Text(root, "worktree_path"),
                    "Setup" => Text(root, "trigger"),
                    // The command a skill runs as it loads, named by the skill: "/release-date: git log -1".
                    "PreSkillShellCommand" => root.TryGetProperty("tool_input", out var input) && input.ValueKind == JsonValueKind.Object
                        && Text(input, "command") is { } command
                            ? Text(root, "command_name") is { } skill ? $"/{skill.TrimStart('/')}: {command}" : command
                            : null,
                    _ => null,
                };
            }
        }
        catch (JsonException)
        {
            // A payload that is not JSON says nothing more than its name.
        }
        if (detail is { Length: > Longest })
            detail = detail[..Longest] + "…";
        return new SessionEventView(stored.EventId, stored.HookEventName, stored.ReceivedAt, tool, detail ?? stored.Reason ?? stored.Source);
    }

    /// <summary>"before → after", or whichever of the two is known.</summary>
    private static string? Change(string? before, string? after) => before is not null && after is not null ? $"{before} → {after}" : after ?? before;

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
