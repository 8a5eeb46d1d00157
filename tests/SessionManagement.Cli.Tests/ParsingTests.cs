using SessionManagement.Cli.Commands;
using Spectre.Console.Cli.Testing;

namespace SessionManagement.Cli.Tests;

/// <summary>smctl's command line as Spectre.Console.Cli parses it (no gateway: each run stops at "does not answer").</summary>
public sealed class ParsingTests
{
    private static CommandAppTester App()
    {
        var app = new CommandAppTester();
        app.Configure(SmctlApp.Configure);
        return app;
    }

    [Fact]
    public void When_asked_for_help_Should_name_every_command()
    {
        var help = App().Run("--help");

        Assert.Equal(0, help.ExitCode);
        foreach (var command in new[] { "sessions", "import", "restore", "doctor" })
            Assert.Contains(command, help.Output, StringComparison.Ordinal);
        var sessions = App().Run("sessions", "--help");
        foreach (var command in new[] { "list", "show", "search", "export" })
            Assert.Contains(command, sessions.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hookEventName", "Hook event name")]
    [InlineData("projectDir", "Project dir")]
    [InlineData("host", "Host")]
    [InlineData("queueURL", "Queue URL")]
    public void When_a_listing_is_shown_as_a_table_Should_head_each_column_in_words(string property, string header) =>
        Assert.Equal(header, SessionManagement.Cli.Commands.JsonTable.Header(property));

    [Fact]
    public void When_restore_is_given_its_options_Should_read_them_and_fail_only_at_the_missing_gateway()
    {
        var result = App().Run("restore", "s-123", "--to-project", "/work/moved", "--config-dir", "/home/teammate/.claude", "--gateway", "http://127.0.0.1:1");

        var settings = Assert.IsType<RestoreSettings>(result.Settings);
        Assert.Equal(("s-123", "/work/moved", "/home/teammate/.claude", "http://127.0.0.1:1"),
            (settings.SessionId, settings.ToProject, settings.ConfigDirectory, settings.Gateway));
        Assert.Equal(ExitCodes.Unreachable, result.ExitCode);
    }

    [Fact]
    public void When_a_listing_takes_its_filters_Should_read_them()
    {
        var result = App().Run("sessions", "list", "-p", "/work/app", "--status", "ended", "-n", "5", "--json", "--gateway", "http://127.0.0.1:1");

        var settings = Assert.IsType<SessionsListSettings>(result.Settings);
        Assert.Equal(("/work/app", "ended", 5, true), (settings.Project, settings.Status, settings.Limit, settings.Json));
    }

    [Fact]
    public void When_an_argument_is_missing_or_unknown_Should_refuse_before_doing_anything()
    {
        var missing = App().Run("restore");
        var unknown = App().Run("sessions", "list", "--colour", "blue");

        Assert.NotEqual(0, missing.ExitCode);
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Null(missing.Settings);
    }

    [Fact]
    public void When_errors_replay_is_given_a_queue_and_rejected_together_or_neither_Should_refuse_before_asking_the_gateway()
    {
        var neither = App().Run("errors", "replay", "--gateway", "http://127.0.0.1:1");
        var both = App().Run("errors", "replay", "saver-queue", "--rejected", "--gateway", "http://127.0.0.1:1");
        var eventWithoutRejected = App().Run("errors", "replay", "saver-queue", "--event", Guid.NewGuid().ToString(), "--gateway", "http://127.0.0.1:1");
        var queue = App().Run("errors", "replay", "saver-queue", "--count", "5", "--gateway", "http://127.0.0.1:1");

        Assert.All([neither, both, eventWithoutRejected], refused => Assert.Contains(refused.ExitCode, new[] { -1, 1 }));
        var settings = Assert.IsType<ErrorsReplaySettings>(queue.Settings);
        Assert.Equal(("saver-queue", 5, false), (settings.Queue, settings.Count, settings.Rejected));
        Assert.Equal(ExitCodes.Unreachable, queue.ExitCode);
    }
}
