using System.Buffers.Binary;
using System.IO.Compression;

namespace SessionManagement.Web.Tests;

/// <summary>A real PNG of one colour, written here byte by byte, for Claude Code's Read tool to return as an image.</summary>
internal static class Png
{
    public static byte[] Square(int size, byte red, byte green, byte blue)
    {
        var rows = new MemoryStream();
        for (var y = 0; y < size; y++)
        {
            rows.WriteByte(0); // no filter
            for (var x = 0; x < size; x++)
                rows.Write([red, green, blue]);
        }
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, size);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), size);
        header[8] = 8; // bits per channel
        header[9] = 2; // RGB
        var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(output, "IHDR", header);
        Chunk(output, "IDAT", ZlibOf(rows.ToArray()));
        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    private static byte[] ZlibOf(byte[] data)
    {
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            zlib.Write(data);
        return compressed.ToArray();
    }

    /// <summary>PNG's CRC-32 (ISO 3309), bit by bit: a few hundred bytes, no table needed.</summary>
    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return crc ^ 0xFFFFFFFFu;
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        output.Write(number);
        var typed = new byte[4 + data.Length];
        System.Text.Encoding.ASCII.GetBytes(type, typed);
        data.CopyTo(typed, 4);
        output.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typed));
        output.Write(number);
    }
}
