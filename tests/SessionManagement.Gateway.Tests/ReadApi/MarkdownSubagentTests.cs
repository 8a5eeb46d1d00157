using System.Text;
using SessionManagement.Contracts.Chat;
using SessionManagement.Gateway.Routes;

namespace SessionManagement.Gateway.Tests.ReadApi;

/// <summary>The Markdown export names a subagent's messages as its own: after a real <c>/compact</c>, its agents' replies read as Claude's.</summary>
public sealed class MarkdownSubagentTests
{
    private static ChatMessageView Message(string role, string text, string? file) =>
        new("k", "message", role, role, null, null, null, new DateTimeOffset(2026, 12, 3, 14, 36, 48, TimeSpan.Zero), text, [], null, null, ["hook"], null, null,
            file);

    [Fact]
    public void When_a_subagent_replied_Should_head_its_message_with_its_agent()
    {
        var text = new StringBuilder();
        SessionExport.Render(text, Message("user", "/compact", null));
        SessionExport.Render(text, Message("assistant", "Done: the summary.", "subagents/agent-a9387acbea8dbd7cd.jsonl"));

        Assert.Equal("""
            ### User · 2026-12-03 14:36:48Z

            /compact

            ### Assistant · subagent agent-a9387acbea8dbd7cd · 2026-12-03 14:36:48Z

            Done: the summary.


            """.ReplaceLineEndings("\n"), text.ToString().ReplaceLineEndings("\n"));
    }
}
