using SessionManagement.Gateway.Web;

namespace SessionManagement.Gateway.Tests.Web;

/// <summary>What the list, the search and the reports call a project: its folder's name, and a worktree's with its checkout's.</summary>
public sealed class ProjectNameTests
{
    [Theory]
    [InlineData("/home/me/app", "app")]
    [InlineData("/home/me/app/", "app")]
    [InlineData("/home/me/app/.claude/worktrees/fix-login", "app (worktree fix-login)")]
    [InlineData("/home/me/app/.claude/worktrees/fix-login/src", "src")] // a folder inside a worktree is a project of its own
    [InlineData("/home/me/app/.claude/worktrees", "worktrees")]
    [InlineData("/", "/")]
    [InlineData(null, "—")]
    public void When_a_project_is_named_Should_call_it_by_its_folder_and_a_worktree_by_its_checkout_s_too(string? folder, string name) =>
        Assert.Equal(name, WebFormat.ProjectName(folder));
}
