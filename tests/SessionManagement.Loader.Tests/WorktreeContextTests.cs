namespace SessionManagement.Loader.Tests;

/// <summary>
/// A session in a worktree Claude Code made (<c>claude --worktree</c>: <c>&lt;checkout&gt;/.claude/worktrees/&lt;name&gt;</c>) starts with its
/// checkout's project items, as Claude Code gives it the checkout's memory; a change to them reaches the next start in the worktree.
/// </summary>
public sealed class WorktreeContextTests
{
    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task When_a_session_starts_in_a_worktree_of_the_project_Should_get_the_project_s_items_and_their_latest_content()
    {
        await using var host = await StartingHost.StartAsync();
        var checkout = "/work/" + NewId("checkout");
        var worktree = checkout + "/.claude/worktrees/fix-login";
        var item = await host.SaveContextAsync(new { type = "project", scope = "project", projectDir = checkout, priority = 90,
            content = "CHECKOUT-NOTE-1: run the tests with make check" });
        await host.SaveContextAsync(new { type = "project", scope = "project", projectDir = checkout + "-other", content = "OTHER-PROJECT-NOTE" });

        var first = await host.StartAsync(NewId("wt"), "startup", worktree);
        var cached = await host.StartAsync(NewId("wt"), "startup", worktree); // rendered once, then served from the cache
        await host.SaveContextAsync(new { itemId = item.GetProperty("item").GetProperty("itemId").GetString(), type = "project", scope = "project", projectDir = checkout,
            priority = 90, content = "CHECKOUT-NOTE-2: run the tests with make test" });
        // The change reaches the loader as a message after the save is answered: the next starts see it once that message is in.
        var after = await SessionManagement.Testing.Eventually.ReturnsAsync(() => host.StartAsync(NewId("wt"), "startup", worktree),
            context => context.Contains("CHECKOUT-NOTE-2", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the changed item in a start");
        var inside = await host.StartAsync(NewId("sub"), "startup", worktree + "/src");

        Assert.Contains("CHECKOUT-NOTE-1", first, StringComparison.Ordinal);
        Assert.Contains("CHECKOUT-NOTE-1", cached, StringComparison.Ordinal);
        Assert.DoesNotContain("OTHER-PROJECT-NOTE", first, StringComparison.Ordinal);
        Assert.Contains("CHECKOUT-NOTE-2", after, StringComparison.Ordinal); // the checkout's change dropped the worktree's cached rendering
        Assert.DoesNotContain("CHECKOUT-NOTE-1", after, StringComparison.Ordinal);
        Assert.DoesNotContain("CHECKOUT-NOTE", inside, StringComparison.Ordinal); // a folder inside a worktree is a project of its own
    }
}
