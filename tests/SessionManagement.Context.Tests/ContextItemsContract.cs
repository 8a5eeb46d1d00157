using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SessionManagement.Context.Backups;
using SessionManagement.Context.Consumers;
using SessionManagement.Context.Items;
using SessionManagement.Context.Storage;
using SessionManagement.Contracts.Context;
using SessionManagement.Contracts.Saver;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Security;
using SessionManagement.Testing;

namespace SessionManagement.Context.Tests;

/// <summary>Create, update, merge, load, share, keep private, expire and prune — the same on both stores.</summary>
public abstract class ContextItemsContract : IAsyncLifetime
{
    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));

    protected IContextStore Store { get; private set; } = null!;

    protected abstract Task<IContextStore> OpenAsync();

    /// <summary>How the store, and its backups, keep content at rest.</summary>
    protected abstract AtRest AtRest { get; }

    /// <summary>Changes an item's content behind its checksum's back.</summary>
    protected abstract Task TamperAsync(string itemId);

    public virtual async ValueTask InitializeAsync() => Store = await OpenAsync();

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private ContextItems Items(int maxSize = 1_048_576) => new(Store,
        Microsoft.Extensions.Options.Options.Create(new ContextManagementOptions { MaxContextSize = maxSize }), Clock, NullLogger<ContextItems>.Instance);

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    private static SaveContextItem Item(string scope, string content, string? session = null, string? project = null, string? user = null,
        string? team = null, bool isPrivate = false, int priority = 50, string type = "project", string? id = null, DateTimeOffset? expires = null) =>
        new(id, type, scope, session, project, user, team, isPrivate, priority, content, expires, false);

    [Fact]
    public async Task When_items_are_created_updated_and_merged_Should_keep_one_item_with_a_rising_version()
    {
        var items = Items();
        var project = Unique("/work/p");
        var (created, _, _) = await items.SaveAsync(Item("project", "Build with make.", project: project, priority: 40), null, Cancel);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var (updated, _, _) = await items.SaveAsync(Item("project", "Build with make; test with make test.", project: project, id: created!.ItemId), null, Cancel);
        var (merged, _, _) = await items.SaveAsync(Item("project", "Lint with make lint.", project: project, priority: 80, id: created.ItemId) with { Merge = true }, null, Cancel);
        var (again, _, _) = await items.SaveAsync(Item("project", "Lint with make lint.", project: project, priority: 80, id: created.ItemId) with { Merge = true }, null, Cancel);

        Assert.Equal((1L, 2L, 3L, 3L), (created.Version, updated!.Version, merged!.Version, again!.Version));
        Assert.Equal("Build with make; test with make test.\n\nLint with make lint.", merged.Content);
        Assert.Equal(80, merged.Priority);
        Assert.Equal(created.CreatedAt, merged.CreatedAt);
        var loaded = await items.QueryAsync(new QueryContext(null, project, null, null, 1_000_000), Cancel);
        Assert.Equal(merged, Assert.Single(loaded.Items));
    }

    [Fact]
    public async Task When_a_session_loads_context_Should_see_its_own_its_projects_its_users_and_its_teams_items_best_first()
    {
        var items = Items();
        var (session, project, user, team) = (Unique("s"), Unique("/work/p"), Unique("u"), Unique("t"));
        await items.SaveAsync(Item("session", "mine", session: session, priority: 10, type: "conversation"), session, Cancel);
        await items.SaveAsync(Item("project", "the project's", project: project, priority: 60), null, Cancel);
        await items.SaveAsync(Item("user", "the user's", user: user, priority: 30, type: "user"), null, Cancel);
        await items.SaveAsync(Item("team", "the team's", team: team, priority: 90, type: "code"), null, Cancel);
        await items.SaveAsync(Item("project", "another project's", project: project + "-other"), null, Cancel);
        await items.SaveAsync(Item("session", "another session's", session: session + "-other", type: "conversation"), null, Cancel);

        var loaded = await items.QueryAsync(new QueryContext(session, project, user, team, 1_000_000), Cancel);

        Assert.Equal(["the team's", "the project's", "the user's", "mine"], loaded.Items.Select(i => i.Content));
    }

    [Fact]
    public async Task When_a_session_runs_in_a_worktree_Claude_Code_made_Should_see_its_checkout_s_project_items_but_not_the_other_way()
    {
        var items = Items();
        var checkout = Unique("/work/p") + ".v2";
        var worktree = checkout + "/.claude/worktrees/fix-login";
        await items.SaveAsync(Item("project", "the checkout's", project: checkout + "/", priority: 60), null, Cancel); // as a shell completes it
        await items.SaveAsync(Item("project", "the worktree's", project: worktree, priority: 40), null, Cancel);
        await items.SaveAsync(Item("project", "a sibling worktree's", project: checkout + "/.claude/worktrees/other"), null, Cancel);
        await items.SaveAsync(Item("project", "a look-alike's", project: checkout[..^3] + "xv2"), null, Cancel);
        await items.SaveAsync(Item("project", "private to another session", session: Unique("s"), project: checkout, isPrivate: true), null, Cancel);

        var inWorktree = await items.QueryAsync(new QueryContext(Unique("s"), worktree, null, null, 1_000_000), Cancel);
        var inCheckout = await items.QueryAsync(new QueryContext(Unique("s"), checkout, null, null, 1_000_000), Cancel);
        var belowWorktree = await items.QueryAsync(new QueryContext(Unique("s"), worktree + "/src", null, null, 1_000_000), Cancel);
        var completed = await items.QueryAsync(new QueryContext(Unique("s"), worktree + "/", null, null, 1_000_000), Cancel);

        Assert.Equal(["the checkout's", "the worktree's"], inWorktree.Items.Select(i => i.Content));
        Assert.Equal(["the checkout's"], inCheckout.Items.Select(i => i.Content));
        Assert.Empty(belowWorktree.Items); // a folder inside a worktree is a project of its own, as in Claude Code
        Assert.Equal(["the checkout's", "the worktree's"], completed.Items.Select(i => i.Content));
    }

    [Fact]
    public async Task When_an_item_is_private_Should_never_reach_another_session_or_user()
    {
        var items = Items();
        var (session, project, user) = (Unique("s"), Unique("/work/p"), Unique("u"));
        await items.SaveAsync(Item("project", "session secret", session: session, project: project, isPrivate: true), session, Cancel);
        await items.SaveAsync(Item("user", "user secret", user: user, isPrivate: true, type: "user"), null, Cancel);

        var owner = await items.QueryAsync(new QueryContext(session, project, user, null, 1_000_000), Cancel);
        var otherSession = await items.QueryAsync(new QueryContext(Unique("s"), project, user, null, 1_000_000), Cancel);
        var otherUser = await items.QueryAsync(new QueryContext(Unique("s"), project, Unique("u"), null, 1_000_000), Cancel);

        Assert.Equal(["session secret", "user secret"], owner.Items.Select(i => i.Content).Order());
        Assert.Equal(["user secret"], otherSession.Items.Select(i => i.Content));
        Assert.Empty(otherUser.Items);
    }

    [Fact]
    public async Task When_an_item_expires_Should_no_longer_load()
    {
        var items = Items();
        var project = Unique("/work/p");
        await items.SaveAsync(Item("project", "for an hour", project: project, expires: Clock.GetUtcNow().AddHours(1)), null, Cancel);

        var before = await items.QueryAsync(new QueryContext(null, project, null, null, 1_000_000), Cancel);
        Clock.Advance(TimeSpan.FromHours(2));
        var after = await items.QueryAsync(new QueryContext(null, project, null, null, 1_000_000), Cancel);

        Assert.Single(before.Items);
        Assert.Empty(after.Items);
    }

    [Fact]
    public async Task When_a_scope_grows_over_max_context_size_Should_prune_the_lowest_priority_then_the_oldest()
    {
        var items = Items(maxSize: 3_000);
        var project = Unique("/work/p");
        var content = new string('x', 900);
        foreach (var (name, priority) in new[] { ("old-low", 10), ("high", 90), ("new-low", 10) })
        {
            await items.SaveAsync(Item("project", name + content, project: project, priority: priority, id: name + project), null, Cancel);
            Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var (_, pruned, _) = await items.SaveAsync(Item("project", "mid" + content, project: project, priority: 50, id: "mid" + project), null, Cancel);

        Assert.Equal(1, pruned);
        var left = await items.QueryAsync(new QueryContext(null, project, null, null, 1_000_000), Cancel);
        Assert.Equal(["high", "mid", "new-low"], left.Items.Select(i => i.Content[..^900]));
    }

    [Fact]
    public async Task When_an_item_is_damaged_Should_leave_it_out_and_count_it()
    {
        var items = Items();
        var project = Unique("/work/p");
        var (item, _, _) = await items.SaveAsync(Item("project", "will be damaged", project: project), null, Cancel);
        await items.SaveAsync(Item("project", "fine", project: project), null, Cancel);

        await TamperAsync(item!.ItemId);
        var loaded = await items.QueryAsync(new QueryContext(null, project, null, null, 1_000_000), Cancel);

        Assert.Equal((1, "fine"), (loaded.Corrupted, Assert.Single(loaded.Items).Content));
    }

    [Theory]
    [InlineData("memo", "project", "type must be one of")]
    [InlineData("project", "galaxy", "scope must be one of")]
    [InlineData("project", "project", "project scope needs projectDir")]
    public async Task When_an_item_is_malformed_Should_refuse_it_saying_why(string type, string scope, string problem)
    {
        var (item, _, refused) = await Items().SaveAsync(new SaveContextItem(null, type, scope, null, null, null, null, false, 50, "x", null, false), null, Cancel);

        Assert.Null(item);
        Assert.Contains(problem, refused);
    }

    private ContextBackups Backups(string folder) => new(Microsoft.Extensions.Options.Options.Create(new StorageOptions { BackupDirectory = folder }), Store, AtRest,
        NullLogger<ContextBackups>.Instance);

    [Fact]
    public async Task When_backups_run_Should_write_each_changed_scope_once_and_put_it_back_into_a_store_that_lost_it()
    {
        using var folder = new TempDirectory();
        var items = Items();
        var (session, project, user, word) = (Unique("s"), Unique("/work/p"), Unique("u"), Unique("numbat"));
        var (mine, _, _) = await items.SaveAsync(Item("session", $"{word} in the session", session: session, isPrivate: true, type: "conversation"), session, Cancel);
        var (projects, _, _) = await items.SaveAsync(Item("project", $"{word} in the project", project: project), null, Cancel);
        var (users, _, _) = await items.SaveAsync(Item("user", $"{word} for the user", user: user, type: "user"), null, Cancel);
        var backups = Backups(folder.Path);
        async Task<(int Written, int Failed)> RunAsync()
        {
            var tally = new SessionManagement.Hosting.Storage.BackupTally();
            await backups.BackUpChangedAsync(tally, Cancel);
            return (tally.Written, tally.Failed);
        }

        var first = await RunAsync();
        var second = await RunAsync();
        Clock.Advance(TimeSpan.FromMinutes(1));
        await items.SaveAsync(Item("project", $"{word} in the project, moved", project: project, id: projects!.ItemId), null, Cancel);
        var third = await RunAsync();

        Assert.Equal(((3, 0), (0, 0), (1, 0)), (first, second, third));
        // Each file read here as its format says: a header line, then the items' JSON (sealed when encryption at rest is on).
        var files = Directory.GetFiles(folder.Path, "*.items", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, files.Count);
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(file, Cancel);
            var end = Array.IndexOf(bytes, (byte)'\n');
            var header = JsonDocument.Parse(bytes.AsMemory(0, end)).RootElement;
            var body = bytes[(end + 1)..];
            if (AtRest.Seals)
            {
                Assert.DoesNotContain(word, Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
                continue;
            }
            Assert.Equal(header.GetProperty("Sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(body)));
            var kept = JsonDocument.Parse(body).RootElement.EnumerateArray().Select(i => i.GetProperty("Content").GetString()).ToList();
            Assert.Equal(header.GetProperty("Items").GetInt32(), kept.Count);
            Assert.All(kept, content => Assert.StartsWith(word, content, StringComparison.Ordinal));
        }

        var before = await items.QueryAsync(new QueryContext(session, project, user, null, 1_000_000), Cancel);
        await Store.DeleteAsync([mine!.ItemId, projects.ItemId, users!.ItemId], Cancel);
        var restored = new List<int>();
        foreach (var file in files)
            restored.Add((await backups.RestoreAsync(file, Cancel))?.Count ?? -1);
        var again = await backups.RestoreAsync(files[0], Cancel);
        var after = await items.QueryAsync(new QueryContext(session, project, user, null, 1_000_000), Cancel);

        Assert.Equal([1, 1, 1], restored);
        Assert.Null(again);
        Assert.Equal(before.Items, after.Items);
        Assert.Equal(3, after.Items.Count);
        Assert.Contains(after.Items, i => i.Content == $"{word} in the project, moved" && i.Version == 2);
    }

    [Fact]
    public async Task When_a_session_is_purged_Should_back_up_its_own_items_before_they_go()
    {
        using var folder = new TempDirectory();
        var session = Unique("s");
        await Items().SaveAsync(Item("session", "the note of a purged session", session: session, type: "conversation"), session, Cancel);
        var backups = Backups(folder.Path);
        await using var provider = new ServiceCollection().AddSingleton(Store).AddSingleton(backups).AddSingleton<TimeProvider>(Clock)
            .AddMassTransitTestHarness(bus => bus.AddConsumer<SessionPurgedConsumer>()).BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        await harness.Bus.Publish(new SessionPurged(session, Guid.NewGuid(), Clock.GetUtcNow()), Cancel);

        Assert.True(await harness.Consumed.Any<SessionPurged>(Cancel));
        await Eventually.ReturnsAsync(() => Store.InScopeAsync("session", session, Cancel), held => held.Count == 0, TimeSpan.FromSeconds(30), "the items purged");
        var restored = await backups.RestoreSessionAsync(session, Cancel);
        Assert.Equal(["the note of a purged session"], restored.Select(i => i.Content));
        Assert.Equal(["the note of a purged session"], (await Store.InScopeAsync("session", session, Cancel)).Select(i => i.Content));
    }
}
