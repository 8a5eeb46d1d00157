using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace SessionManagement.Gateway.Web.Rendering;

/// <summary>
/// A message's Markdown as HTML for the web view. Raw HTML in a message is shown as text, never run, and a link or image may point
/// only at http(s), mailto or within the page: a transcript is written by a model and by the tools it ran, not by us.
/// </summary>
internal static class MarkdownText
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables().UseTaskLists().UseAutoLinks().UseEmphasisExtras().DisableHtml().Build();

    public static string ToHtml(string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>())
        {
            if (!IsSafe(link.Url))
                link.Url = "#";
        }
        foreach (var link in document.Descendants<AutolinkInline>())
        {
            if (!IsSafe(link.Url))
                link.Url = "#";
        }
        return document.ToHtml(Pipeline);
    }

    private static bool IsSafe(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.StartsWith('#') || url.StartsWith('/'))
            return true;
        return url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || url.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase);
    }
}
