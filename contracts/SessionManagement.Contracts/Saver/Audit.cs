namespace SessionManagement.Contracts.Saver;

/// <summary>
/// Something done to kept sessions that is recorded in the audit trail: an export, a restore, a branch, an import, a delete, a
/// recovery, a context read across users, a refused token. Published by the module that did it; the saver keeps it (once per id).
/// </summary>
/// <param name="AuditId">The entry's id: the same id recorded twice is kept once.</param>
/// <param name="At">When it was done.</param>
/// <param name="Action">What was done: <c>export</c>, <c>restore</c>, <c>branch</c>, <c>import</c>, <c>delete</c>, <c>recovery</c>,
/// <c>backup-restore</c>, <c>context-read</c>, <c>token-refused</c>.</param>
/// <param name="Actor">Who did it: the user a token or the request names, or <c>system</c> for what a schedule did.</param>
/// <param name="Origin">From where: the client's address for a request, the host's name for what a module did on its own.</param>
/// <param name="SessionId">The session it was done to, if one.</param>
/// <param name="Detail">What else there is to say (the format, the backup, the route).</param>
public record AuditRecorded(Guid AuditId, DateTimeOffset At, string Action, string Actor, string Origin, string? SessionId, string? Detail);

/// <summary>Asks for audit entries, newest first, answered with <see cref="AuditListed"/>.</summary>
/// <param name="Action">Only this action.</param>
/// <param name="SessionId">Only what was done to this session.</param>
/// <param name="Actor">Only what this user did.</param>
/// <param name="Since">Only entries from this time on.</param>
/// <param name="Limit">At most this many.</param>
public record ListAudit(string? Action, string? SessionId, string? Actor, DateTimeOffset? Since, int Limit);

/// <summary>Audit entries, newest first (<see cref="ListAudit"/>).</summary>
public record AuditListed(IReadOnlyList<AuditRecorded> Entries);
