namespace SessionManagement.Hosting.Storage;

/// <summary>
/// The store cannot be opened at start-up, with what to do about it: the host says so and exits with <see cref="ExitCode"/>
/// instead of aborting. Nothing was written to the store.
/// </summary>
public sealed class StoreStartupException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The store is damaged or is not this product's database.</summary>
    public const int Damaged = 4;

    /// <summary>The store's folder or file cannot be written (a full disk, a read-only folder, no permission).</summary>
    public const int NotWritable = 5;

    public int ExitCode { get; } = exitCode;
}
