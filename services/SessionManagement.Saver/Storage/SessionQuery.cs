using SessionManagement.Saver.Sessions;

namespace SessionManagement.Saver.Storage;

/// <summary>Which sessions to list: all filters optional, most recently active first.</summary>
/// <param name="User">Only sessions this user owns: the user of their first hook.</param>
public sealed record SessionQuery(string? ProjectDir, SessionStatus? Status, DateTimeOffset? Since, DateTimeOffset? Until, int Skip, int Limit, string? User = null);
