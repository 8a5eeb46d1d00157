using Microsoft.Extensions.Time.Testing;
using SessionManagement.Hosting.Options;
using SessionManagement.Loader.Cache;

namespace SessionManagement.Loader.Tests;

/// <summary>A private item stays with the session it belongs to, in every SessionStart context, rendered afresh or from the cache; an expired one is served to no one.</summary>
public sealed class PrivateContextTests
{
    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task When_the_last_session_has_a_private_item_Should_keep_it_out_of_the_next_sessions_context_and_give_it_back_to_its_own()
    {
        await using var host = await StartingHost.StartAsync();
        var project = "/work/" + NewId("private");
        var last = NewId("last");
        await host.WorkedSessionAsync(last, project);
        await host.SaveContextAsync(new { type = "conversation", scope = "session", sessionId = last, @private = true, priority = 99,
            content = "PRIVATE-OF-LAST: the staging password is rotated on Fridays" });
        await host.SaveContextAsync(new { type = "conversation", scope = "session", sessionId = last, priority = 90, content = "SHARED-OF-LAST: the parser is in src/parse.c" });

        var next = await host.StartAsync(NewId("next"), "startup", project);
        var another = await host.StartAsync(NewId("another"), "startup", project); // the same render, now from the cache
        var resumed = await host.StartAsync(last, "resume", project);

        Assert.Contains("SHARED-OF-LAST", next, StringComparison.Ordinal); // the last session's own items do come along
        Assert.DoesNotContain("PRIVATE-OF-LAST", next, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE-OF-LAST", another, StringComparison.Ordinal);
        Assert.Contains("PRIVATE-OF-LAST", resumed, StringComparison.Ordinal);
    }

    [Fact]
    public void When_an_item_a_cached_context_shows_expires_Should_no_longer_serve_that_context()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        var cache = new RenderedContextCache(Microsoft.Extensions.Options.Options.Create(new PerformanceOptions()), time);
        cache.TryAdd("startup|/work/p|dev|10000", "a note until 9:05", ["s-1"], "/work/p", "dev", cache.Generation, time.GetUtcNow().AddMinutes(5));
        cache.TryAdd("startup|/work/q|dev|10000", "no expiry", ["s-2"], "/work/q", "dev", cache.Generation);

        var before = cache.TryGet("startup|/work/p|dev|10000", out var served);
        time.Advance(TimeSpan.FromMinutes(5));
        var after = cache.TryGet("startup|/work/p|dev|10000", out _);
        var other = cache.TryGet("startup|/work/q|dev|10000", out _);

        Assert.True(before);
        Assert.Equal("a note until 9:05", served);
        Assert.False(after);
        Assert.True(other);
    }
}
