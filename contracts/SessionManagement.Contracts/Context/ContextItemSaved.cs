namespace SessionManagement.Contracts.Context;

/// <summary>The item as stored after a <see cref="SaveContextItem"/>.</summary>
/// <param name="Item">The stored item.</param>
/// <param name="Pruned">Items of the same scope removed to keep it under <c>max_context_size</c>.</param>
public record ContextItemSaved(
    ContextItemView Item,
    int Pruned);
