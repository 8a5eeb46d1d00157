using System.Text;

namespace SessionManagement.HookBridge.Tests;

/// <summary>How long a hook waits for the gateway, by its event: read from its JSON as Claude Code writes it.</summary>
public sealed class HookEventsTests
{
    private static readonly TimeSpan Configured = TimeSpan.FromSeconds(3);

    [Theory]
    [InlineData("""{"session_id":"s","hook_event_name":"UserPromptSubmit","prompt":"x"}""", "UserPromptSubmit")]
    [InlineData("""{ "session_id": "s", "hook_event_name" : "PostToolUse" }""", "PostToolUse")]
    [InlineData("""{"prompt":"say \"hook_event_name\": \"Stop\"","hook_event_name":"UserPromptSubmit"}""", "UserPromptSubmit")]
    [InlineData("""{"session_id":"s"}""", null)]
    [InlineData("""{"hook_event_name":42}""", null)]
    [InlineData("not json", null)]
    public void When_a_hook_is_read_Should_find_its_event_name(string payload, string? name) =>
        Assert.Equal(name, HookEvents.NameIn(Encoding.UTF8.GetBytes(payload)));

    [Theory]
    [InlineData("UserPromptSubmit", 0.8)]
    [InlineData("PostToolUse", 0.8)]
    [InlineData("Stop", 0.8)]
    [InlineData("SessionEnd", 0.8)]
    [InlineData("SessionStart", 3)]
    [InlineData("Setup", 3)]
    public void When_nobody_reads_a_hooks_answer_Should_wait_for_the_gateway_less_than_Claude_Codes_teardown_grace(string name, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), HookEvents.WaitFor(Encoding.UTF8.GetBytes($$"""{"hook_event_name":"{{name}}"}"""), Configured));

    [Fact]
    public void When_the_configured_wait_is_shorter_Should_keep_it() =>
        Assert.Equal(TimeSpan.FromMilliseconds(200), HookEvents.WaitFor("""{"hook_event_name":"PostToolUse"}"""u8, TimeSpan.FromMilliseconds(200)));
}
