using Microsoft.Extensions.Configuration;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Hosting.Options;
using SessionManagement.Testing;

namespace SessionManagement.Hosting.Tests.Configuration;

public sealed class SettingsTests
{
    private static SessionManagementSettings Load(params (string Key, string Value)[] values) =>
        SessionManagementSettings.Load(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build());

    private static InvalidConfigurationException LoadFails(params (string Key, string Value)[] values) =>
        Assert.Throws<InvalidConfigurationException>(() => Load(values));

    [Fact]
    public void When_nothing_is_configured_Should_run_embedded_with_the_seed_defaults()
    {
        var settings = Load(("DATA_DIR", "/tmp/sm-defaults"));

        Assert.Equal(BusTransport.InMemory, settings.Bus.Transport);
        Assert.Equal(StorageProvider.Sqlite, settings.Storage.Provider);
        Assert.Equal("http://127.0.0.1:4780", settings.Http.Urls);
        Assert.Equal("/tmp/sm-defaults/session-management.db", settings.Storage.SqlitePath);
        Assert.True(settings.SessionManagement.Persistence.AutoSave);
        Assert.Equal(30, settings.SessionManagement.Persistence.SaveInterval);
        Assert.Equal(10_000, settings.SessionManagement.ContextManagement.MaxInjectedChars);
        Assert.Equal(1_000, settings.SessionManagement.Performance.LoadDeadlineMs);
    }

    [Fact]
    public void When_seed_keys_are_given_in_snake_case_Should_bind_them()
    {
        var settings = Load(
            ("session_management:persistence:save_interval", "45"),
            ("session_management:persistence:max_backups", "3"),
            ("session_management:chat_management:secret_patterns:0", "sk-[A-Za-z0-9]+"),
            ("session_management:session_storage:cleanup_days", "7"));

        Assert.Equal(45, settings.SessionManagement.Persistence.SaveInterval);
        Assert.Equal(3, settings.SessionManagement.Persistence.MaxBackups);
        Assert.Equal(["sk-[A-Za-z0-9]+"], settings.SessionManagement.ChatManagement.SecretPatterns);
        Assert.Equal(7, settings.SessionManagement.SessionStorage.CleanupDays);
    }

    [Theory]
    [InlineData("session_management:persistence:save_interval", "0")]
    [InlineData("session_management:persistence:save_interval", "often")]
    [InlineData("session_management:performance:load_deadline_ms", "-5")]
    [InlineData("session_management:context_management:max_injected_chars", "20000")]
    [InlineData("Bus:Transport", "Kafka")]
    [InlineData("Storage:Provider", "Postgres")]
    [InlineData("Bus:PrefetchCount", "0")]
    public void When_a_value_is_bad_Should_name_its_key(string key, string value)
    {
        var error = LoadFails((key, value));

        Assert.Contains(error.Problems, problem => problem.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public void When_a_secret_pattern_does_not_compile_Should_name_it()
    {
        var error = LoadFails(("session_management:chat_management:secret_patterns:0", "ACME-[0-9]{6}"), ("session_management:chat_management:secret_patterns:1", "sk-[unclosed"));

        var problem = Assert.Single(error.Problems);
        Assert.StartsWith("session_management:chat_management:secret_patterns: entry 1 is not a regular expression", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void When_a_seed_key_is_misspelt_Should_name_it()
    {
        var error = LoadFails(("session_management:persistence:save_intervall", "30"));

        Assert.Contains(error.Problems, problem => problem.Contains("save_intervall", StringComparison.Ordinal));
    }

    [Fact]
    public void When_RabbitMq_is_chosen_without_an_address_Should_name_the_missing_key()
    {
        var error = LoadFails(("Bus:Transport", "RabbitMq"));

        Assert.Contains(error.Problems, problem => problem.StartsWith("Bus:RabbitMqUri", StringComparison.Ordinal));
    }

    [Fact]
    public void When_MongoDb_is_chosen_with_a_wrong_scheme_Should_name_the_key()
    {
        var error = LoadFails(("Storage:Provider", "MongoDb"), ("Storage:MongoDbUri", "http://localhost:27017"));

        Assert.Contains(error.Problems, problem => problem.StartsWith("Storage:MongoDbUri", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("mongodb://db1:27017,db2:27017,db3:27017/?replicaSet=rs0")]
    [InlineData("mongodb+srv://cluster.example.net/")]
    public void When_MongoDb_is_chosen_with_a_replica_set_or_srv_string_Should_accept_it(string uri)
    {
        var settings = Load(("Storage:Provider", "MongoDb"), ("Storage:MongoDbUri", uri));

        Assert.Equal(uri, settings.Storage.MongoDbUri);
    }

    [Fact]
    public void When_several_values_are_bad_Should_report_every_one()
    {
        var error = LoadFails(
            ("session_management:persistence:max_backups", "0"),
            ("Http:Urls", "127.0.0.1:4780"));

        Assert.Equal(2, error.Problems.Count);
        Assert.Contains("session_management:persistence:max_backups", error.Message, StringComparison.Ordinal);
        Assert.Contains("Http:Urls", error.Message, StringComparison.Ordinal);
    }
}
