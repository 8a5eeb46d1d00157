namespace SessionManagement.Contracts.Chat;

/// <summary>Token usage from an assistant record.</summary>
public record TokenUsageView(
    long InputTokens,
    long OutputTokens,
    long CacheCreationInputTokens,
    long CacheReadInputTokens);
