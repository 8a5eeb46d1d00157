using System.Text;
using SessionManagement.Bridge;

namespace SessionManagement.HookBridge.Tests;

/// <summary>The status row's project, from the input Claude Code gives the status line.</summary>
public sealed class StatusRowTests
{
    private static readonly StatusExtras Captured = new(true, 3, 0, []);

    [Fact]
    public void When_the_session_runs_in_a_worktree_Claude_Code_made_Should_name_its_checkout_and_the_worktree()
    {
        // Claude Code 2.1.332's status-line input in `claude --worktree fix-login`: its workspace is the worktree.
        const string input = """
            {"session_id":"s","model":{"display_name":"Opus 5.5"},"cwd":"/home/me/app/.claude/worktrees/fix-login",
             "workspace":{"current_dir":"/home/me/app/.claude/worktrees/fix-login","project_dir":"/home/me/app/.claude/worktrees/fix-login"},
             "worktree":{"name":"fix-login","path":"/home/me/app/.claude/worktrees/fix-login","branch":"worktree-fix-login","original_cwd":"/home/me/app","original_branch":"main"}}
            """;

        var row = StatusRow.Render(Encoding.UTF8.GetBytes(input), Captured, colour: false);
        var plain = StatusRow.Render(Encoding.UTF8.GetBytes("""{"model":{"display_name":"Opus 5.5"},"workspace":{"project_dir":"/home/me/app/"}}"""), Captured, colour: false);

        Assert.Equal("Opus 5.5 │ app (worktree fix-login) │ ● 3 captured", row);
        Assert.Equal("Opus 5.5 │ app │ ● 3 captured", plain);
    }
}
