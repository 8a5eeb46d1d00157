using Microsoft.Data.Sqlite;

namespace SessionManagement.Testing;

/// <summary>The test's own hand on a database file the product wrote: to read it as a witness, or to damage it as a fault would.</summary>
public static class SqliteFile
{
    public static void Execute(string path, string sql, params (string Name, object Value)[] values)
    {
        using var connection = Open(path, readOnly: false);
        using var command = Command(connection, "PRAGMA busy_timeout = 30000; " + sql, values);
        command.ExecuteNonQuery();
    }

    public static long Count(string path, string sql, params (string Name, object Value)[] values)
    {
        using var connection = Open(path, readOnly: true);
        using var command = Command(connection, sql, values);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>The first column of the first row (null when there is none).</summary>
    public static object? Scalar(string path, string sql, params (string Name, object Value)[] values)
    {
        using var connection = Open(path, readOnly: true);
        using var command = Command(connection, sql, values);
        return command.ExecuteScalar();
    }

    /// <summary>
    /// A blob the product stored with the encoding it names beside it (<c>br</c>, <c>gzip</c> or <c>utf8</c>), unpacked by the test
    /// itself with the framework's decoders, as text.
    /// </summary>
    public static string Unpacked(byte[] bytes, string encoding)
    {
        using var unpacked = new MemoryStream();
        using (Stream packed = encoding switch
        {
            "br" => new System.IO.Compression.BrotliStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress),
            "gzip" => new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress),
            "utf8" => new MemoryStream(bytes),
            _ => throw new InvalidDataException($"a blob stored as '{encoding}', which the test does not know"),
        })
            packed.CopyTo(unpacked);
        return System.Text.Encoding.UTF8.GetString(unpacked.ToArray());
    }

    private static SqliteConnection Open(string path, bool readOnly)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False" + (readOnly ? ";Mode=ReadOnly" : ""));
        connection.Open();
        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, (string Name, object Value)[] values)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in values)
            command.Parameters.AddWithValue(name, value);
        return command;
    }
}
