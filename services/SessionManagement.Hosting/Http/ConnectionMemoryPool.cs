using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace SessionManagement.Hosting.Http;

/// <summary>
/// The memory Kestrel reads connections into and writes responses from, in blocks of <see cref="BlockSize"/> instead of its
/// own 4 KB. A socket read fills at most one block: an upload (<c>smctl import</c>, a transcript) is read in a sixteenth of the
/// system calls, which this host's virtual machines make dear (300 MB: 6,400 reads instead of 80,000; a warm host's CPU for it, 10
/// runs of each alternated, a median of 3.10 s against 3.24). A hook still takes one block for its request and one for its answer.
/// </summary>
public sealed class ConnectionMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new ConnectionMemoryPool();
}

/// <summary>
/// Pinned blocks of <see cref="BlockSize"/> handed out and taken back; at most <see cref="KeptFree"/> free ones are kept (4 MB), the
/// rest of a burst's are left to the garbage collector.
/// </summary>
public sealed class ConnectionMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 64 * 1024;

    public const int KeptFree = 64;

    private readonly ConcurrentBag<byte[]> _free = [];

    public override int MaxBufferSize => BlockSize;

    /// <summary>Free blocks kept for the next rent.</summary>
    public int Free => _free.Count;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        return new Block(this, _free.TryTake(out var array) ? array : GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true));
    }

    protected override void Dispose(bool disposing) => _free.Clear();

    private void Return(byte[] array)
    {
        if (_free.Count < KeptFree)
            _free.Add(array);
    }

    private sealed class Block(ConnectionMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        private byte[]? _array = array;

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } returned)
                pool.Return(returned);
        }
    }
}
