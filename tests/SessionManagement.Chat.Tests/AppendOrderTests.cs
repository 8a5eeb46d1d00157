using SessionManagement.Chat.Consumers;

namespace SessionManagement.Chat.Tests;

public sealed class AppendOrderTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_turns_are_taken_Should_let_each_write_only_after_every_turn_taken_before_it_has_ended()
    {
        var order = new AppendOrder();
        var first = order.Take();
        var second = order.Take();
        var third = order.Take();

        await first.WaitAsync(Cancel); // nothing before it
        var secondMayWrite = second.WaitAsync(Cancel);
        var thirdMayWrite = third.WaitAsync(Cancel);
        Assert.False(secondMayWrite.IsCompleted);

        // The second gives up its turn (its message failed before writing) while the first still writes: the third still waits for the first.
        second.Dispose();
        Assert.False(thirdMayWrite.IsCompleted);

        first.Dispose();
        await secondMayWrite;
        await thirdMayWrite;
        third.Dispose();
        await order.Take().WaitAsync(Cancel);
    }
}
