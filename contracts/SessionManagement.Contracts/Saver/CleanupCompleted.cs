namespace SessionManagement.Contracts.Saver;

/// <summary>A module finished one cleanup run.</summary>
/// <param name="CommandId">The <c>RunCleanup</c> command it answered.</param>
/// <param name="Module">The module that cleaned up (<c>saver</c>, <c>chat</c>, …).</param>
/// <param name="SessionsArchived">Sessions archived in this run.</param>
/// <param name="SessionsPurged">Sessions removed in this run.</param>
/// <param name="RecordsTrimmed">Records (events, messages) trimmed in this run.</param>
/// <param name="BytesFreed">Stored bytes freed, as far as the store can tell.</param>
/// <param name="CompletedAt">When the run finished.</param>
public record CleanupCompleted(
    Guid CommandId,
    string Module,
    int SessionsArchived,
    int SessionsPurged,
    long RecordsTrimmed,
    long BytesFreed,
    DateTimeOffset CompletedAt);
