using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Context;
using SessionManagement.Contracts.Saver;
using SessionManagement.Loader.Rendering;

namespace SessionManagement.Loader.Tests;

public sealed class ContextRendererTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private static ChatMessageView Message(string role, string text) =>
        new("k", "message", role, role, null, null, null, At, text, [], null, null, ["transcript"], null, null);

    private static ContextItemView Item(string scope, string content, int priority = 50) =>
        new(Guid.NewGuid().ToString(), scope == "session" ? "conversation" : "project", scope, "s", "/p", null, null, false, priority, content.Length, "s",
            content, At, At, null, 1);

    private static readonly SessionSummary Session = new("s-1", "/p", "/p", "claude-opus-4", "startup", null, "Ended", At, At.AddHours(1), At.AddHours(1),
        "other", 20, 4, 9, 1, 0, 3, 2, "c");

    [Fact]
    public void When_the_session_had_one_prompt_and_one_tool_call_Should_count_them_in_the_singular()
    {
        var text = ContextRenderer.Render(new LoadedParts("startup", Session with { Prompts = 1, ToolCalls = 1, ToolFailures = 0 }, [], [], []), 10_000);

        Assert.Contains("(other); 1 prompt, 1 tool call; model claude-opus-4.", text);
    }

    [Fact]
    public void When_everything_fits_Should_render_each_part_once_under_its_heading()
    {
        var parts = new LoadedParts("startup", Session, [Message("user", "first"), Message("assistant", "ok"), Message("user", "second")],
            [Item("project", "Use make.")], []);

        var text = ContextRenderer.Render(parts, 10_000);

        Assert.Equal("""
            # Session management: context from earlier work

            ## The last session in this project
            Session s-1 in /p: started 2026-11-24 09:00:00Z, ended 2026-11-24 10:00:00Z (other); 4 prompts, 9 tool calls, 1 failed; model claude-opus-4.

            ## Left unfinished
            Last prompt: second
            It has no reply yet.

            ## Recent prompts
            - first

            ## Project and personal context
            Use make.

            """.ReplaceLineEndings("\n"), text);
    }

    /// <summary>A session ended after a /compact (which Claude Code ran itself, nothing answering it): the thread is the prompt before.</summary>
    [Fact]
    public void When_the_last_prompt_is_a_command_nothing_answered_Should_give_the_prompt_before_it_as_the_thread()
    {
        var parts = new LoadedParts("startup", Session, [Message("user", "fix the build"), Message("assistant", "Fixed: the linker flag."),
            Message("user", "/compact"), Message("summary", "This session is being continued…"), Message("system", "Compacted")], [], []);

        var text = ContextRenderer.Render(parts, 10_000);

        Assert.Contains("Last prompt: fix the build\nLast reply: Fixed: the linker flag.", text);
    }

    /// <summary>Commands Claude Code ran itself (/cost in the middle, /compact at the end) are no prompt to recall; the thread is listed once.</summary>
    [Fact]
    public void When_commands_ran_among_the_prompts_Should_recall_only_the_prompts_before_the_thread()
    {
        var parts = new LoadedParts("startup", Session, [Message("user", "read the failing test"), Message("assistant", "It asserts the wrong date."),
            Message("user", "/cost"), Message("system", "Total cost: $0.01"), Message("user", "fix the build"), Message("assistant", "Fixed: the linker flag."),
            Message("user", "/compact"), Message("summary", "This session is being continued…")], [], []);

        var text = ContextRenderer.Render(parts, 10_000);

        Assert.Contains("Last prompt: fix the build\nLast reply: Fixed: the linker flag.", text);
        Assert.EndsWith("## Recent prompts\n- read the failing test\n", text);
    }

    /// <summary>
    /// As Claude Code 2.1.330 leaves it: a /compact whose two compaction agents fire SubagentStop, their replies kept as their own
    /// subagents' messages between the command and its summary. Neither answers the user: the thread is the prompt before.
    /// </summary>
    [Fact]
    public void When_subagents_replied_after_the_last_prompt_Should_not_take_their_replies_for_its_answer()
    {
        static ChatMessageView Agent(string file) => Message("assistant", "Done: the file is written.") with { File = "subagents/agent-" + file + ".jsonl" };
        var parts = new LoadedParts("startup", Session, [Message("user", "seventh: rename the parser module"), Message("assistant", "Renamed."),
            Message("user", "/compact"), Agent("a9387acbea8dbd7cd"), Message("summary", "This session is being continued…"), Agent("a97e489fd672f26f6"),
            Message("system", "Conversation compacted")], [], []);

        var text = ContextRenderer.Render(parts, 10_000);

        Assert.Contains("Last prompt: seventh: rename the parser module\nLast reply: Renamed.", text);
        Assert.DoesNotContain("/compact", text);
    }

    [Fact]
    public void When_the_last_session_has_a_title_and_a_branch_Should_name_both()
    {
        var parts = new LoadedParts("startup", Session with { Title = "release prep", GitBranch = "main" }, [], [], []);

        var text = ContextRenderer.Render(parts, 10_000);

        Assert.Contains("Session s-1 (\"release prep\") in /p on branch main: started", text);
    }

    [Fact]
    public void When_there_is_more_than_fits_Should_keep_to_the_limit_and_cut_the_least_valuable_part()
    {
        var parts = new LoadedParts("compact", Session, [Message("user", "what now")], [Item("session", new string('s', 3_000)), Item("project", new string('p', 20_000))], []);

        var text = ContextRenderer.Render(parts, 10_000);

        Assert.Equal(10_000, text.Length);
        Assert.Contains(new string('s', 3_000), text);
        Assert.EndsWith("…", text);
    }

    [Fact]
    public void When_nothing_came_back_Should_render_nothing()
    {
        Assert.Equal("", ContextRenderer.Render(new LoadedParts("startup", null, null, null, ["state", "chat", "context"]), 10_000));
    }
}
