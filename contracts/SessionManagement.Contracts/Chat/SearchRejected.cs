namespace SessionManagement.Contracts.Chat;

/// <summary>A search that could not be run, and why (an empty query, or a store without a text index).</summary>
public record SearchRejected(
    string Query,
    string Reason);
