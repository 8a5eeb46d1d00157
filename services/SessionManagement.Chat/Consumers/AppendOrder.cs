namespace SessionManagement.Chat.Consumers;

/// <summary>
/// The turns of the ingest consumer's writes: each message takes its turn when it arrives, reads what it carries (a batch's
/// JSON, its texts) beside the write of the message before it, then waits for its turn to write. Writes run one at a time, in
/// the order the messages arrived, so a prompt's hook and its transcript line never race to join each other.
/// </summary>
public sealed class AppendOrder
{
    private readonly Lock _gate = new();

    private Task _last = Task.CompletedTask;

    /// <summary>The next turn: its writes may start once every turn taken before it has ended.</summary>
    public Turn Take()
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task previous;
        lock (_gate)
            (previous, _last) = (_last, ended.Task);
        return new Turn(previous, ended);
    }

    public sealed class Turn(Task previous, TaskCompletionSource ended) : IDisposable
    {
        /// <summary>Waits until the turns before this one have ended.</summary>
        public Task WaitAsync(CancellationToken cancellationToken) => previous.WaitAsync(cancellationToken);

        /// <summary>
        /// Ends the turn: the next one may write. A turn given up before its writes (cancelled, failed) ends only once the turns
        /// before it have, so two writes never overlap.
        /// </summary>
        public void Dispose()
        {
            if (previous.IsCompleted)
                ended.TrySetResult();
            else
                previous.ContinueWith(_ => ended.TrySetResult(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }
}
