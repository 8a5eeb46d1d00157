using Microsoft.Extensions.Logging;
using SessionManagement.Contracts.Scheduler;

namespace SessionManagement.Hosting.Storage;

/// <summary>
/// What one run of a module's backups did: the files it wrote, what it could not back up and why the first of those failed. A module
/// counts here as it goes, and says at the end of its run what happened (<see cref="BackupsRan"/>) rather than only in its log.
/// </summary>
public sealed class BackupTally
{
    public int Written { get; private set; }

    public int Failed { get; private set; }

    /// <summary>The first failure's reason, naming what could not be backed up.</summary>
    public string? Problem { get; private set; }

    public void Wrote(int files = 1) => Written += files;

    public void Fail(string what, string reason)
    {
        Failed++;
        Problem ??= $"{what}: {reason}";
    }

    /// <summary>
    /// Runs a module's part of a backup run, counting into a new tally. What stops the whole run (the store not answering) is counted as
    /// a failure of <paramref name="what"/>, and logged: the next run tries again.
    /// </summary>
    public static async Task<BackupTally> RunAsync(string what, Func<BackupTally, Task> run, ILogger logger)
    {
        var tally = new BackupTally();
        try
        {
            await run(tally);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            logger.LogError(error, "Backing up {What} failed", what);
            tally.Fail(what, error.Message);
        }
        return tally;
    }

    public BackupsRan Ran(Guid commandId, string kind, string folder, DateTimeOffset at) => new(commandId, kind, folder, at, Written, Failed, Problem);
}
