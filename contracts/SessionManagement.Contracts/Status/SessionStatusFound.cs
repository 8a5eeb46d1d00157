namespace SessionManagement.Contracts.Status;

/// <summary>A session's live status.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="ProjectDir">Its project.</param>
/// <param name="Model">Its model, when known.</param>
/// <param name="State"><c>active</c>, <c>idle</c> (no event for 10 minutes) or <c>ended</c>.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="LastActivityAt">Its latest event.</param>
/// <param name="EndedAt">When it ended, if it has.</param>
/// <param name="Prompts">Prompts submitted.</param>
/// <param name="ToolCalls">Tool calls started.</param>
/// <param name="Errors">Tool failures and failed stops.</param>
/// <param name="InputTokens">Input tokens (with cache reads and writes) from the transcript's usage.</param>
/// <param name="OutputTokens">Output tokens from the transcript's usage.</param>
/// <param name="CostUsd">Estimated cost from the tokens and the model's list price.</param>
/// <param name="UnpricedTokens">Tokens (input with cache reads and writes, and output) of responses from models the price table does not know: counted, in no cost.</param>
/// <param name="LastSavedAt">The saver's latest save of it.</param>
/// <param name="LastBackupAt">Its latest backup.</param>
/// <param name="BackupFailed">Whether its latest backup attempt failed.</param>
/// <param name="Corrupted">Whether it was found corrupted and not recovered since.</param>
/// <param name="DurationSeconds">From its start to its end, or to now while it has not ended.</param>
/// <param name="EventsSaved">The hook events the saver holds for it, as its latest save said.</param>
public record SessionStatusFound(
    string SessionId,
    string? ProjectDir,
    string? Model,
    string State,
    DateTimeOffset StartedAt,
    DateTimeOffset LastActivityAt,
    DateTimeOffset? EndedAt,
    long Prompts,
    long ToolCalls,
    long Errors,
    long InputTokens,
    long OutputTokens,
    decimal CostUsd,
    DateTimeOffset? LastSavedAt,
    DateTimeOffset? LastBackupAt,
    bool BackupFailed,
    bool Corrupted,
    double DurationSeconds = 0,
    long EventsSaved = 0,
    long UnpricedTokens = 0);
