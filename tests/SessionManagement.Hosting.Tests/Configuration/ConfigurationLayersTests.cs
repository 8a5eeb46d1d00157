using Microsoft.Extensions.Configuration;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Testing;

namespace SessionManagement.Hosting.Tests.Configuration;

public sealed class ConfigurationLayersTests
{
    private static void Write(string path, string json)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
    }

    [Fact]
    public void When_layers_disagree_Should_take_user_over_defaults_project_over_user_and_command_line_over_all()
    {
        using var home = new TempDirectory();
        using var project = new TempDirectory();
        Write(ConfigurationLayers.UserFile(home.Path), """
            { "session_management": { "persistence": { "save_interval": 10, "max_backups": 3, "backup_frequency": 600 } } }
            """);
        Write(ConfigurationLayers.ProjectFile(project.Path), """
            { "session_management": { "persistence": { "save_interval": 20, "max_backups": 4 } } }
            """);

        var configuration = new ConfigurationBuilder()
            .AddSessionManagementLayers(["--session_management:persistence:max_backups=5"], home.Path, project.Path)
            .Build();
        var persistence = SessionManagementSettings.Load(configuration).SessionManagement.Persistence;

        Assert.Equal(600, persistence.BackupFrequency); // user file over the default
        Assert.Equal(20, persistence.SaveInterval);     // project file over the user file
        Assert.Equal(5, persistence.MaxBackups);        // command line over both
        Assert.True(persistence.AutoSave);              // untouched default
    }

    [Fact]
    public void When_an_SM_environment_variable_is_set_Should_override_the_files()
    {
        using var home = new TempDirectory();
        using var project = new TempDirectory();
        Write(ConfigurationLayers.ProjectFile(project.Path), """
            { "session_management": { "recovery": { "partial_recovery": true } } }
            """);
        const string variable = "SM_session_management__recovery__partial_recovery";
        Environment.SetEnvironmentVariable(variable, "false");
        try
        {
            var configuration = new ConfigurationBuilder().AddSessionManagementLayers([], home.Path, project.Path).Build();

            Assert.False(SessionManagementSettings.Load(configuration).SessionManagement.Recovery.PartialRecovery);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }
}
