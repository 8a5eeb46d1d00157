namespace SessionManagement.Contracts.Context;

/// <summary>A <see cref="SaveContextItem"/> that was not stored, and why.</summary>
public record ContextItemRejected(string Reason);
