using SessionManagement.Saver.Sessions;

namespace SessionManagement.Saver.Tests;

/// <summary>A session's timeline line for each kind of hook, from payloads shaped as Claude Code sends them.</summary>
public sealed class EventDetailTests
{
    [Theory]
    [InlineData("Notification", """{"message":"Claude needs your permission to use Bash"}""", null, "Claude needs your permission to use Bash")]
    [InlineData("PreCompact", """{"trigger":"auto","custom_instructions":""}""", null, "auto compaction")]
    [InlineData("PostToolUseFailure", """{"tool_name":"Bash","error":"exit code 2"}""", "Bash", "exit code 2")]
    [InlineData("StopFailure", """{"error_type":"authentication_failed"}""", null, "authentication_failed")]
    [InlineData("SessionEnd", """{"reason":"logout"}""", null, "logout")]
    [InlineData("PreToolUse", """{"tool_name":"Read","tool_input":{"file_path":"/a"}}""", "Read", null)]
    [InlineData("DirectoryAdded", """{"directory":"/work/app/packages/api","source":"slash_command"}""", null, "/work/app/packages/api")]
    [InlineData("PreSkillShellCommand", """{"tool_name":"Bash","tool_input":{"command":"git log -1"},"command_name":"release-date","invoked_by":"user"}""",
        "Bash", "/release-date: git log -1")]
    [InlineData("CwdChanged", """{"old_cwd":"/work/app","new_cwd":"/work/app/web"}""", null, "/work/app → /work/app/web")]
    [InlineData("PostModelSwitch", """{"from_model":"claude-opus-4-6","to_model":"claude-sonnet-4-6","requested_model":"sonnet","source":"command"}""", null,
        "claude-opus-4-6 → claude-sonnet-4-6")]
    [InlineData("ConfigChange", """{"source":"user_settings","file_path":"/home/dev/.claude/settings.json"}""", null, "/home/dev/.claude/settings.json")]
    [InlineData("InstructionsLoaded", """{"file_path":"/work/app/CLAUDE.md","memory_type":"Project","load_reason":"session_start"}""", null, "/work/app/CLAUDE.md")]
    [InlineData("TaskCompleted", """{"task_id":"3","task_subject":"Fix the flaky test","task_description":"…"}""", null, "Fix the flaky test")]
    [InlineData("PermissionDenied", """{"tool_name":"Bash","tool_input":{"command":"rm -rf /"},"reason":"denied by the auto mode classifier"}""", "Bash",
        "denied by the auto mode classifier")]
    [InlineData("WorktreeRemove", """{"worktree_path":"/work/app/.claude/worktrees/fix"}""", null, "/work/app/.claude/worktrees/fix")]
    [InlineData("SessionStart", "not json at all", null, null)]
    public void When_a_hook_is_shown_on_the_timeline_Should_say_what_happened_in_a_line(string name, string raw, string? tool, string? detail)
    {
        var stored = new StoredEvent(Guid.CreateVersion7(), "s", name, DateTimeOffset.UnixEpoch, 1, "laptop", "dev", "/work", null, null, null, raw);

        var view = EventDetail.View(stored);

        Assert.Equal((name, tool, detail), (view.HookEventName, view.ToolName, view.Detail));
    }

    [Fact]
    public void When_a_detail_is_long_Should_cut_it_to_a_line()
    {
        var raw = "{\"message\":\"" + new string('x', 5_000) + "\"}";

        var view = EventDetail.View(new StoredEvent(Guid.CreateVersion7(), "s", "Notification", DateTimeOffset.UnixEpoch, 1, "h", "u", null, null, null, null, raw));

        Assert.Equal(301, view.Detail!.Length);
    }
}
