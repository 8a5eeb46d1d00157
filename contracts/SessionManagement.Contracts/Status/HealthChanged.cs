namespace SessionManagement.Contracts.Status;

/// <summary>A module's health moved between healthy, degraded and unhealthy.</summary>
/// <param name="Module">The module whose health changed.</param>
/// <param name="Instance">The host instance that observed it.</param>
/// <param name="Previous">The health before: <c>Healthy</c>, <c>Degraded</c> or <c>Unhealthy</c>.</param>
/// <param name="Current">The health now.</param>
/// <param name="Description">Why, for people.</param>
/// <param name="ChangedAt">When the change was observed.</param>
public record HealthChanged(
    string Module,
    string Instance,
    string Previous,
    string Current,
    string Description,
    DateTimeOffset ChangedAt);
