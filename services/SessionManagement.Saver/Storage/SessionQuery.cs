using SessionManagement.Saver.Sessions;

namespace SessionManagement.Saver.Storage;

/// <summary>Which sessions to list: all filters optional, in <see cref="Order"/>.</summary>
/// <param name="User">Only sessions this user owns: the user of their first hook.</param>
/// <param name="GitBranch">Only sessions whose latest event was on this branch.</param>
/// <param name="Parent">Only sessions that continue this one.</param>
/// <param name="IdPrefix">Only sessions whose id begins so: letters, digits, <c>-</c>, <c>_</c>, <c>.</c> and <c>:</c> (the gateway checks).</param>
public sealed record SessionQuery(string? ProjectDir, SessionStatus? Status, DateTimeOffset? Since, DateTimeOffset? Until, int Skip, int Limit, string? User = null,
    string? GitBranch = null, SessionOrder Order = SessionOrder.Recent, string? Parent = null, string? IdPrefix = null);

/// <summary>How a list of sessions is ordered (<c>ListSessions.Sort</c>); ties go by session id.</summary>
public enum SessionOrder
{
    /// <summary>Most recently active first.</summary>
    Recent,

    /// <summary>Latest start first.</summary>
    Started,

    /// <summary>Earliest start first.</summary>
    Oldest,

    /// <summary>Most prompts first.</summary>
    Prompts,

    /// <summary>Most tool calls first.</summary>
    Tools,
}
