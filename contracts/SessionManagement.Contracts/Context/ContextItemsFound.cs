namespace SessionManagement.Contracts.Context;

/// <summary>The items a session may see, highest priority then newest first.</summary>
/// <param name="Items">The items, within the asked size.</param>
/// <param name="Corrupted">Items left out because they failed their checksum.</param>
public record ContextItemsFound(
    IReadOnlyList<ContextItemView> Items,
    int Corrupted);
