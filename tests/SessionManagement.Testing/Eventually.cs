namespace SessionManagement.Testing;

/// <summary>Polls a condition until it holds or a deadline passes: the way tests wait for work, instead of sleeping.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> holds, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        var pause = TimeSpan.FromMilliseconds(20);
        T last;
        Exception? lastError = null;
        while (true)
        {
            try
            {
                last = await probe();
                if (holds(last))
                    return last;
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                lastError = error;
                last = default!;
            }
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"{what} did not happen within {within.TotalSeconds:0.#} s (last value: {last}).", lastError);
            using var timer = new PeriodicTimer(pause);
            await timer.WaitForNextTickAsync();
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 250));
        }
    }
}
