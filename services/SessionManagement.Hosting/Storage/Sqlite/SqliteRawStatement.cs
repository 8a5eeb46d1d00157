using System.Text;
using Microsoft.Data.Sqlite;

namespace SessionManagement.Hosting.Storage.Sqlite;

/// <summary>
/// A statement run many times in one write, bound by position on SQLite's own statement: an ADO.NET command looks each of its
/// parameters up by name and allocates a binder for each, every row (chat's insert of every stored line, status's minute counters).
/// A query's rows are read where SQLite holds them (<see cref="Step"/>, <see cref="Bytes"/>): an ADO.NET reader makes a string of
/// each text it gives.
/// </summary>
public sealed class SqliteRawStatement : IDisposable
{
    private readonly SQLitePCL.sqlite3 _db;
    private readonly SQLitePCL.sqlite3_stmt _statement;

    // Text is bound as UTF-8 from this buffer, which SQLite copies at once: binding a string allocated its UTF-8 copy, every value.
    private byte[] _utf8 = new byte[256];

    private const int MostKept = 1 << 20;

    /// <summary>Prepares <paramref name="sql"/> (one statement, its parameters <c>?1</c>, <c>?2</c>, …) on the open connection.</summary>
    public SqliteRawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle!;
        SqliteException.ThrowExceptionForRC(SQLitePCL.raw.sqlite3_prepare_v2(_db, sql, out _statement), _db);
    }

    /// <summary>Runs the statement with <paramref name="values"/> as ?1, ?2, …; returns the rows it changed.</summary>
    public int Execute(params object?[] values)
    {
        try
        {
            for (var i = 0; i < values.Length; i++)
                Bind(i + 1, values[i]);
            var rc = SQLitePCL.raw.sqlite3_step(_statement);
            if (rc != SQLitePCL.raw.SQLITE_DONE)
                SqliteException.ThrowExceptionForRC(rc, _db);
            return SQLitePCL.raw.sqlite3_changes(_db);
        }
        finally
        {
            SQLitePCL.raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Binds <paramref name="values"/> as ?1, ?2, … for the query's <see cref="Step"/>s.</summary>
    public void Bind(params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
            Bind(i + 1, values[i]);
    }

    /// <summary>The query's next row: true when there is one, to read with <see cref="Int64"/> and <see cref="Bytes"/>; false at the end.</summary>
    public bool Step()
    {
        var rc = SQLitePCL.raw.sqlite3_step(_statement);
        if (rc == SQLitePCL.raw.SQLITE_ROW)
            return true;
        if (rc != SQLitePCL.raw.SQLITE_DONE)
            SqliteException.ThrowExceptionForRC(rc, _db);
        return false;
    }

    /// <summary>The integer in <paramref name="column"/> of the current row.</summary>
    public long Int64(int column) => SQLitePCL.raw.sqlite3_column_int64(_statement, column);

    /// <summary>
    /// The bytes in <paramref name="column"/> of the current row (a text's UTF-8; empty for null), where SQLite holds them: valid until the
    /// next <see cref="Step"/>.
    /// </summary>
    public ReadOnlySpan<byte> Bytes(int column) => SQLitePCL.raw.sqlite3_column_blob(_statement, column);

    /// <summary>
    /// Lets go of what the last run held: SQLite's copy of its values (a block, a long tool output) and a text buffer over 1 MB. For a
    /// statement kept for the host's life (<see cref="SqliteDatabase.KeptRaw"/>), once a write is done, not after every row.
    /// </summary>
    internal void ReleaseValues()
    {
        SQLitePCL.raw.sqlite3_clear_bindings(_statement);
        if (_utf8.Length > MostKept)
            _utf8 = new byte[256];
    }

    private void Bind(int index, object? value)
    {
        var rc = value switch
        {
            null => SQLitePCL.raw.sqlite3_bind_null(_statement, index),
            string text => SQLitePCL.raw.sqlite3_bind_text(_statement, index, Utf8Of(text)),
            long number => SQLitePCL.raw.sqlite3_bind_int64(_statement, index, number),
            int number => SQLitePCL.raw.sqlite3_bind_int64(_statement, index, number),
            double number => SQLitePCL.raw.sqlite3_bind_double(_statement, index, number),
            byte[] bytes => SQLitePCL.raw.sqlite3_bind_blob(_statement, index, bytes),
            ReadOnlyMemory<byte> bytes => SQLitePCL.raw.sqlite3_bind_blob(_statement, index, bytes.Span),
            RentedBytes { IsText: true } text => SQLitePCL.raw.sqlite3_bind_text(_statement, index, text.Span),
            RentedBytes bytes => SQLitePCL.raw.sqlite3_bind_blob(_statement, index, bytes.Span),
            _ => throw new ArgumentException($"cannot bind a {value.GetType().Name}", nameof(value)),
        };
        SqliteException.ThrowExceptionForRC(rc, _db);
    }

    private ReadOnlySpan<byte> Utf8Of(string text)
    {
        var most = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_utf8.Length < most)
            _utf8 = new byte[Math.Max(most, _utf8.Length * 2)];
        return _utf8.AsSpan(0, Encoding.UTF8.GetBytes(text, _utf8));
    }

    /// <summary>The rowid of the row the connection inserted last (this statement's, right after it ran).</summary>
    public long LastRowId => SQLitePCL.raw.sqlite3_last_insert_rowid(_db);

    /// <summary>Finalizes the statement.</summary>
    public void Dispose() => _statement.Dispose();
}
