using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Storage.Sqlite;
using SessionManagement.Testing;

namespace SessionManagement.Hosting.Tests.Storage;

internal static class SqliteTestDatabase
{
    public static SqliteDatabase Open(TempDirectory directory, params SqliteMigration[] migrations) =>
        new(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = directory.Path }),
            migrations, NullLogger<SqliteDatabase>.Instance);
}
