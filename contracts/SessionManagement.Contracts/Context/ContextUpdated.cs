namespace SessionManagement.Contracts.Context;

/// <summary>A context item was created, updated or merged: rendered contexts that used its scope are stale.</summary>
/// <param name="ItemId">The item.</param>
/// <param name="Scope">Its scope.</param>
/// <param name="SessionId">Its session, if any.</param>
/// <param name="ProjectDir">Its project, if any.</param>
/// <param name="User">Its user, if any.</param>
/// <param name="Team">Its team, if any.</param>
/// <param name="UpdatedAt">When it changed.</param>
public record ContextUpdated(
    string ItemId,
    string Scope,
    string? SessionId,
    string? ProjectDir,
    string? User,
    string? Team,
    DateTimeOffset UpdatedAt);
