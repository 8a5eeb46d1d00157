using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Notifier.Delivery;
using SessionManagement.Notifier.Options;
using SessionManagement.Testing;

namespace SessionManagement.Notifier.Tests;

public sealed class DesktopNotifierTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Notification Of(string type) => new(Guid.NewGuid(), type, $"{type} happened", new { }, DateTimeOffset.UtcNow);

    [Fact]
    public async Task When_desktop_notifications_are_on_Should_show_failures_with_title_and_summary_and_skip_routine_events()
    {
        using var directory = new TempDirectory();
        var shown = Path.Combine(directory.Path, "shown.txt");
        var command = Path.Combine(directory.Path, "notify");
        await File.WriteAllTextAsync(command, $"#!/bin/sh\nprintf '%s|%s\\n' \"$1\" \"$2\" >> '{shown}'\n", Cancel);
        if (OperatingSystem.IsWindows())
            Assert.Skip("the stand-in notifier is a shell script");
        else
            File.SetUnixFileMode(command, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var notifier = new DesktopNotifier(Microsoft.Extensions.Options.Options.Create(new NotifierOptions { Desktop = true, DesktopCommand = command }),
            NullLogger<DesktopNotifier>.Instance);

        await notifier.ShowAsync(Of("SessionEnded"), Cancel);
        await notifier.ShowAsync(Of("BackupFailed"), Cancel);

        Assert.Equal(["Session management: BackupFailed|BackupFailed happened"], await File.ReadAllLinesAsync(shown, Cancel));
    }

    [Fact]
    public async Task When_the_desktop_command_is_missing_Should_carry_on()
    {
        var notifier = new DesktopNotifier(Microsoft.Extensions.Options.Options.Create(new NotifierOptions { Desktop = true, DesktopCommand = "/nonexistent/notify" }),
            NullLogger<DesktopNotifier>.Instance);

        await notifier.ShowAsync(Of("BackupFailed"), Cancel);
        await notifier.ShowAsync(Of("SessionCorrupted"), Cancel);
    }
}
