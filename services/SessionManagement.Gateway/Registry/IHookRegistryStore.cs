namespace SessionManagement.Gateway.Registry;

public interface IHookRegistryStore
{
    /// <summary>Adds each delta's count to its (host, project, event) entry, widening first/last seen.</summary>
    Task RecordAsync(IReadOnlyList<HookRegistryEntry> deltas, CancellationToken cancellationToken);

    Task<IReadOnlyList<HookRegistryEntry>> ListAsync(string? host, string? projectDir, CancellationToken cancellationToken);
}
