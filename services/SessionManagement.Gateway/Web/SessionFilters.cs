using System.Globalization;
using System.Text;

namespace SessionManagement.Gateway.Web;

/// <summary>The session list's filters, sort and page, as the query string carries them.</summary>
public sealed record SessionFilters(string? Project, string? Branch, string? Status, string? Period, string? Text, string? Sort, int Skip, int Limit)
{
    /// <summary>The periods the list offers, by their query value.</summary>
    public static readonly IReadOnlyList<(string Value, string Label, TimeSpan Span)> Periods =
    [
        ("24h", "last 24 hours", TimeSpan.FromHours(24)),
        ("7d", "last 7 days", TimeSpan.FromDays(7)),
        ("30d", "last 30 days", TimeSpan.FromDays(30)),
        ("90d", "last 90 days", TimeSpan.FromDays(90)),
    ];

    public static readonly IReadOnlyList<(string Value, string Label)> Sorts =
    [
        ("recent", "latest activity"),
        ("started", "latest start"),
        ("oldest", "earliest start"),
        ("prompts", "most prompts"),
        ("tools", "most tool calls"),
    ];

    public bool Any => Project is not null || Branch is not null || Status is not null || Period is not null || Text is not null;

    /// <summary>The list's address with these filters and another first row.</summary>
    public string Link(int skip)
    {
        var query = new StringBuilder("/?");
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
                query.Append(name).Append('=').Append(Uri.EscapeDataString(value)).Append('&');
        }
        Add("project", Project);
        Add("branch", Branch);
        Add("status", Status);
        Add("period", Period);
        Add("q", Text);
        Add("sort", Sort);
        if (skip > 0)
            Add("skip", skip.ToString(CultureInfo.InvariantCulture));
        return query.ToString().TrimEnd('&', '?') is { Length: > 0 } link ? link : "/";
    }
}
