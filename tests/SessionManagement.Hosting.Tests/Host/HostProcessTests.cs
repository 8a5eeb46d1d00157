using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SessionManagement.Testing;

namespace SessionManagement.Hosting.Tests.Host;

public sealed class HostProcessTests(InfrastructureFixture infrastructure)
{
    private static readonly TimeSpan StartWithin = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopWithin = TimeSpan.FromSeconds(5);

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

    [Fact]
    public async Task When_started_on_the_embedded_default_Should_serve_health_readiness_metrics_and_stop_on_ctrl_c()
    {
        await using var host = HostProcess.Start();

        var alive = await Json(await host.WaitForAsync("/healthz", HttpStatusCode.OK, StartWithin));
        var ready = await Json(await host.WaitForAsync("/readyz", HttpStatusCode.OK, StartWithin));
        var metrics = await host.Http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        var instances = await Json(await host.Http.GetAsync("/api/instances", TestContext.Current.CancellationToken));

        Assert.Equal("alive", alive.GetProperty("status").GetString());
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString());
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("masstransit-bus").GetProperty("status").GetString());
        Assert.Contains("# TYPE http_request_duration_seconds histogram", metrics, StringComparison.Ordinal);
        var storageBytes = metrics.Split('\n').Single(line => line.StartsWith("sm_storage_bytes ", StringComparison.Ordinal));
        Assert.True(double.Parse(storageBytes["sm_storage_bytes ".Length..], System.Globalization.CultureInfo.InvariantCulture) > 0, storageBytes);
        var instanceId = alive.GetProperty("instanceId").GetString();
        Assert.Contains(instances.EnumerateArray(), i => i.GetProperty("instanceId").GetString() == instanceId && i.GetProperty("storage").GetString() == "Sqlite");
        // The scheduler's first firings are consumed by the saver: per-endpoint consume timings appear.
        await Eventually.ReturnsAsync(() => host.Http.GetStringAsync("/metrics", TestContext.Current.CancellationToken),
            text => text.Contains("backups\",message=\"RunBackups\"}", StringComparison.Ordinal) && text.Contains("sm_consume_duration_seconds_count{endpoint=", StringComparison.Ordinal),
            StartWithin, "the saver's consume timing on /metrics");

        host.Signal(HostProcess.SigInt);

        var exit = await host.WaitForExitAsync(StopWithin);
        Assert.True(exit == 0, $"the host exited with {exit?.ToString() ?? "nothing within " + StopWithin}; its output:\n{host.Output}");
        await using var store = new SqliteConnection($"Data Source={Path.Combine(host.DataDirectory, "session-management.db")};Mode=ReadOnly");
        await store.OpenAsync(TestContext.Current.CancellationToken);
        await using var query = store.CreateCommand();
        query.CommandText = "SELECT stopped_at FROM host_instances WHERE instance_id = $id";
        query.Parameters.AddWithValue("$id", instanceId);
        Assert.IsType<string>(await query.ExecuteScalarAsync(TestContext.Current.CancellationToken)); // the stop was recorded
    }

    /// <summary>
    /// A new store's start says what a user needs in a few lines: one for the schema it was given, none for each endpoint the bus
    /// configured or for the scheduler's set-up. Logging:LogLevel brings the libraries' lines back.
    /// </summary>
    [Fact]
    public async Task When_started_on_a_new_store_Should_log_its_migrations_in_one_line_and_the_libraries_only_when_asked()
    {
        await using var quiet = HostProcess.Start();
        await using var asked = HostProcess.Start(new Dictionary<string, string> { ["SM_Logging__LogLevel__MassTransit"] = "Information" });
        foreach (var host in new[] { quiet, asked })
        {
            await host.WaitForAsync("/readyz", HttpStatusCode.OK, StartWithin);
            await Eventually.ReturnsAsync(() => Task.FromResult(host.Output), // the console logger writes asynchronously
                output => output.Contains("Application started", StringComparison.Ordinal), StartWithin, "the host's start logged");
        }

        var migrations = Assert.Single(quiet.Output.Split('\n'), line => line.Contains("SQLite migration", StringComparison.Ordinal));
        Assert.Matches(@"Applied \d+ SQLite migrations: chat v1-v\d+, context v1", migrations);
        Assert.DoesNotContain("Configured endpoint", quiet.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Quartz", quiet.Output, StringComparison.Ordinal);
        Assert.Contains("Configured endpoint", asked.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_started_on_RabbitMq_and_MongoDb_Should_become_ready_and_stop_on_sigterm()
    {
        var mongo = await infrastructure.MongoAsync();
        var database = InfrastructureFixture.NewDatabaseName();
        await using var host = HostProcess.Start(new Dictionary<string, string>
        {
            ["SM_Bus__Transport"] = "RabbitMq",
            ["SM_Bus__RabbitMqUri"] = await infrastructure.RabbitMqUriAsync(),
            ["SM_Storage__Provider"] = "MongoDb",
            ["SM_Storage__MongoDbUri"] = mongo.Uri,
            ["SM_Storage__MongoDbDatabase"] = database,
        });
        TestContext.Current.TestOutputHelper?.WriteLine($"MongoDB endpoint: {mongo.Description}");

        var ready = await Json(await host.WaitForAsync("/readyz", HttpStatusCode.OK, StartWithin));
        var alive = await Json(await host.WaitForAsync("/healthz", HttpStatusCode.OK, StartWithin));
        var instanceId = alive.GetProperty("instanceId").GetString();
        var instances = await Eventually.ReturnsAsync(
            async () => await Json(await host.Http.GetAsync("/api/instances", TestContext.Current.CancellationToken)),
            list => list.EnumerateArray().Any(i => i.GetProperty("instanceId").GetString() == instanceId),
            StartWithin, "the instance recorded in MongoDB");

        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        Assert.Equal("MongoDb", instances.EnumerateArray().First(i => i.GetProperty("instanceId").GetString() == instanceId).GetProperty("storage").GetString());
        await Eventually.ReturnsAsync(() => Task.FromResult(host.Output), // the console logger writes asynchronously
            output => output.Contains("Bus started: rabbitmq://", StringComparison.Ordinal), StartWithin, "the RabbitMQ bus start in the log");

        host.Signal(HostProcess.SigTerm);

        Assert.Equal(0, await host.WaitForExitAsync(StopWithin));
    }

    [Fact]
    public async Task When_the_broker_is_unreachable_Should_stay_alive_but_not_ready()
    {
        await using var host = HostProcess.Start(new Dictionary<string, string>
        {
            ["SM_Bus__Transport"] = "RabbitMq",
            ["SM_Bus__RabbitMqUri"] = "amqp://guest:guest@127.0.0.1:1/",
        });

        await host.WaitForAsync("/healthz", HttpStatusCode.OK, StartWithin);
        var notReady = await Json(await host.WaitForAsync("/readyz", HttpStatusCode.ServiceUnavailable, StartWithin));

        Assert.NotEqual("Healthy", notReady.GetProperty("checks").GetProperty("masstransit-bus").GetProperty("status").GetString());
        Assert.Equal("Healthy", notReady.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString());

        host.Signal(HostProcess.SigTerm);

        Assert.Equal(0, await host.WaitForExitAsync(StopWithin));
    }

    [Theory]
    [InlineData("SM_session_management__persistence__save_interval", "0", "session_management:persistence:save_interval")]
    [InlineData("SM_Storage__Provider", "Cassandra", "Storage:Provider")]
    [InlineData("SM_Bus__Transport", "RabbitMq", "Bus:RabbitMqUri")]
    public async Task When_a_configuration_value_is_bad_Should_refuse_to_start_naming_the_key(string variable, string value, string key)
    {
        await using var host = HostProcess.Start(new Dictionary<string, string> { [variable] = value });

        Assert.Equal(2, await host.WaitForExitAsync(StartWithin));
        Assert.Contains(key, host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_project_configuration_file_is_not_json_Should_refuse_to_start_naming_the_file()
    {
        using var project = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(project.Path, ".claude"));
        var file = Path.Combine(project.Path, ".claude", "session-management.json");
        await File.WriteAllTextAsync(file, "{ \"session_management\": ", TestContext.Current.CancellationToken);
        await using var broken = HostProcess.Start(new Dictionary<string, string> { ["SM_PROJECT_DIR"] = project.Path });

        Assert.Equal(2, await broken.WaitForExitAsync(StartWithin));
        Assert.Contains("session-management.json", broken.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_its_address_is_taken_Should_exit_saying_so_instead_of_aborting()
    {
        await using var first = HostProcess.Start();
        await first.WaitForAsync("/healthz", HttpStatusCode.OK, StartWithin);
        await using var second = HostProcess.Start(new Dictionary<string, string> { ["SM_Http__Urls"] = first.BaseAddress.ToString().TrimEnd('/') });

        Assert.Equal(3, await second.WaitForExitAsync(StartWithin));
        Assert.Contains("already in use", second.Output, StringComparison.Ordinal);
        Assert.False(first.HasExited);
    }

    [Fact]
    public async Task When_an_unknown_target_is_asked_for_Should_refuse_to_start_listing_the_known_ones()
    {
        await using var host = HostProcess.Start(null, "--target=warpdrive");

        Assert.Equal(2, await host.WaitForExitAsync(StartWithin));
        Assert.Contains("unknown module(s) warpdrive", host.Output, StringComparison.Ordinal);
    }
}
