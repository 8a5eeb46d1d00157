using SessionManagement.Hosting.Http;

namespace SessionManagement.Hosting.Tests.Http;

public sealed class ConnectionMemoryPoolTests
{
    [Fact]
    public void When_blocks_are_rented_Should_give_each_its_own_64_KB_and_take_back_the_returned()
    {
        using var pool = new ConnectionMemoryPool();
        using var first = pool.Rent();
        var second = pool.Rent(4096);

        Assert.Equal(64 * 1024, first.Memory.Length);
        Assert.Equal(64 * 1024, second.Memory.Length);
        first.Memory.Span.Fill(1);
        second.Memory.Span.Fill(2);
        Assert.All(first.Memory.ToArray(), b => Assert.Equal(1, b));
        second.Dispose();
        Assert.Equal(1, pool.Free);
        using var third = pool.Rent();
        Assert.Equal(0, pool.Free); // the returned block, handed out again
        Assert.Throws<ObjectDisposedException>(() => second.Memory);
    }

    [Fact]
    public void When_a_block_is_returned_twice_Should_hand_it_to_one_renter_only()
    {
        using var pool = new ConnectionMemoryPool();
        var block = pool.Rent();
        block.Dispose();
        block.Dispose();

        using var a = pool.Rent();
        using var b = pool.Rent();
        a.Memory.Span.Fill(1);
        b.Memory.Span.Fill(2);

        Assert.All(a.Memory.ToArray(), x => Assert.Equal(1, x));
    }

    [Fact]
    public void When_a_burst_returns_many_blocks_Should_keep_64_and_refuse_a_rent_larger_than_a_block()
    {
        using var pool = new ConnectionMemoryPool();
        var burst = Enumerable.Range(0, 200).Select(_ => pool.Rent()).ToList();
        burst.ForEach(b => b.Dispose());

        Assert.Equal(ConnectionMemoryPool.KeptFree, pool.Free);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(64 * 1024 + 1));
    }
}
