namespace SessionManagement.Contracts.Chat;

/// <summary>The token usage of one transcript record, reported once: when the record is first stored.</summary>
/// <param name="Model">The model the record names, if any.</param>
/// <param name="At">The record's time.</param>
/// <param name="Tokens">Its token counts.</param>
public record RecordedUsage(string? Model, DateTimeOffset At, TokenUsageView Tokens);
