using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Gateway.Options;
using SessionManagement.Gateway.Registry;

namespace SessionManagement.Gateway.Tests.Registry;

/// <summary>The host stops on time even when the registry's store is still busy with a flush: the stop's deadline ends the wait, not the process.</summary>
public sealed class HookRegistryRecorderTests
{
    [Fact]
    public async Task When_the_stop_deadline_passes_while_a_flush_waits_on_the_store_Should_stop_without_throwing()
    {
        var store = new StalledStore();
        var recorder = new HookRegistryRecorder(store, Microsoft.Extensions.Options.Options.Create(new GatewayOptions()), TimeProvider.System,
            NullLogger<HookRegistryRecorder>.Instance);
        recorder.Record("host", "/work/p", "Stop", "sm-hook/1", DateTimeOffset.UtcNow);
        var busy = recorder.FlushAsync(CancellationToken.None); // the timer's flush, stuck in the store
        await store.Entered.Task;
        recorder.Record("host", "/work/p", "Stop", "sm-hook/1", DateTimeOffset.UtcNow);
        using var deadline = new CancellationTokenSource();
        await deadline.CancelAsync();

        var stop = await Record.ExceptionAsync(() => recorder.StopAsync(deadline.Token));

        Assert.Null(stop);
        Assert.False(busy.IsCompleted);
        store.Release.SetResult();
        await busy;
        Assert.Equal(1, store.Calls);
    }

    private sealed class StalledStore : IHookRegistryStore
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Calls { get; private set; }

        public async Task RecordAsync(IReadOnlyList<HookRegistryEntry> deltas, CancellationToken cancellationToken)
        {
            Calls++;
            Entered.TrySetResult();
            await Release.Task;
        }

        public Task<IReadOnlyList<HookRegistryEntry>> ListAsync(string? host, string? projectDir, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<HookRegistryEntry>>([]);
    }
}
