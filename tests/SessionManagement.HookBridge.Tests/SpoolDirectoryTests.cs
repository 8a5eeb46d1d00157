using SessionManagement.Bridge;
using SessionManagement.Testing;

namespace SessionManagement.HookBridge.Tests;

public sealed class SpoolDirectoryTests
{
    [Fact]
    public void When_a_hook_is_spooled_Should_read_back_its_envelope_and_exact_bytes()
    {
        using var directory = new TempDirectory();
        var spool = new SpoolDirectory(directory.Path);
        var record = new SpoolRecord(Guid.CreateVersion7(), new DateTimeOffset(2026, 11, 24, 1, 2, 3, TimeSpan.Zero).AddTicks(4567),
            "laptop", "dev", "/work/p", "sm-hook/1.0", "gateway down", [0x7B, 0x0A, 0xFF, 0x00, 0x7D]);

        var file = spool.Append(record);

        var read = SpoolDirectory.Read(file);
        Assert.Equal(record with { Payload = [] }, read with { Payload = [] });
        Assert.Equal(record.Payload, read.Payload);
        Assert.Empty(Directory.GetFiles(directory.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void When_listing_Should_return_files_in_capture_order()
    {
        using var directory = new TempDirectory();
        var spool = new SpoolDirectory(directory.Path);
        var start = DateTimeOffset.UtcNow;
        var ids = new[] { 3, 1, 2 }.Select(order =>
        {
            var id = Guid.CreateVersion7();
            spool.Append(new SpoolRecord(id, start.AddTicks(order), "h", "u", null, "v", "", []));
            return (order, id);
        }).ToList();

        var listed = spool.List().Select(f => SpoolDirectory.Read(f).EventId);

        Assert.Equal(ids.OrderBy(x => x.order).Select(x => x.id), listed);
    }
}
