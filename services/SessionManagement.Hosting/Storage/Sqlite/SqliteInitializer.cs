using Microsoft.Extensions.Hosting;

namespace SessionManagement.Hosting.Storage.Sqlite;

/// <summary>Opens the SQLite file and applies migrations before the host takes traffic.</summary>
internal sealed class SqliteInitializer(SqliteDatabase database) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => database.InitializeAsync();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
