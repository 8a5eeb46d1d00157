using System.Text;
using SessionManagement.Gateway.Capture;

namespace SessionManagement.Gateway.Tests.Capture;

public sealed class HookInputTests
{
    private static (bool Ok, HookInput? Input, string Problem) Parse(string json)
    {
        var ok = HookInput.TryParse(Encoding.UTF8.GetBytes(json), out var input, out var problem);
        return (ok, input, problem);
    }

    [Fact]
    public void When_a_hook_has_the_common_fields_Should_read_them_and_ignore_the_rest()
    {
        var (ok, input, _) = Parse("""
            {"session_id":"8a078d3d-022a-4681-bb2a-097e2b0969e9","transcript_path":"/home/u/.claude/projects/-p/8a.jsonl",
             "cwd":"/p","hook_event_name":"SessionStart","source":"resume","tool_input":{"nested":[1,{"session_id":"not this"}]}}
            """);

        Assert.True(ok);
        Assert.Equal(new HookInput("8a078d3d-022a-4681-bb2a-097e2b0969e9", "SessionStart", "/p", "/home/u/.claude/projects/-p/8a.jsonl", "resume", null), input);
    }

    [Fact]
    public void When_the_event_name_is_unknown_Should_accept_it_as_it_is()
    {
        var (ok, input, _) = Parse("""{"session_id":"s-1","hook_event_name":"TeleportRequested"}""");

        Assert.True(ok);
        Assert.Equal("TeleportRequested", input!.HookEventName);
    }

    [Theory]
    [InlineData("", "empty input")]
    [InlineData("not json", "malformed JSON")]
    [InlineData("""{"session_id":"s-1","hook_event_name":""", "malformed JSON")]
    [InlineData("""[{"session_id":"s-1"}]""", "not a JSON object")]
    [InlineData("""{"session_id":"s-1","hook_event_name":"Stop"} {"again":1}""", "malformed JSON")]
    [InlineData("""{"session_id":"s-1"}""", "no hook_event_name")]
    [InlineData("""{"hook_event_name":"Stop"}""", "no session_id")]
    [InlineData("""{"session_id":"../../etc/passwd","hook_event_name":"Stop"}""", "invalid session_id")]
    [InlineData("""{"session_id":"a b","hook_event_name":"Stop"}""", "invalid session_id")]
    [InlineData("""{"session_id":"..","hook_event_name":"Stop"}""", "invalid session_id")]
    public void When_the_input_is_bad_Should_say_what_is_wrong(string json, string expected)
    {
        var (ok, _, problem) = Parse(json);

        Assert.False(ok);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void When_the_session_id_is_too_long_Should_refuse_it()
    {
        Assert.False(HookInput.IsValidSessionId(new string('a', HookInput.MaxSessionIdLength + 1)));
        Assert.True(HookInput.IsValidSessionId(new string('a', HookInput.MaxSessionIdLength)));
    }
}
