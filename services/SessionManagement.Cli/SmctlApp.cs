using SessionManagement.Cli.Commands;
using Spectre.Console.Cli;

namespace SessionManagement.Cli;

/// <summary>smctl's commands, as <c>Program</c> runs them and the tests parse them.</summary>
internal static class SmctlApp
{
    public static void Configure(IConfigurator config)
    {
        config.SetApplicationName("smctl");
        config.AddBranch("sessions", sessions =>
        {
            sessions.SetDescription("Find, read and export kept sessions.");
            sessions.AddCommand<SessionsListCommand>("list").WithDescription("Sessions, most recently active first.");
            sessions.AddCommand<SessionsShowCommand>("show").WithDescription("A session's state, tokens and cost, its transcript files and the command that resumes it.");
            sessions.AddCommand<SessionsSearchCommand>("search").WithDescription("Messages and tool calls holding every word, best first.");
            sessions.AddCommand<SessionsExportCommand>("export").WithDescription("A session as its transcript file (byte for byte), lossless JSON or Markdown.");
            sessions.AddCommand<SessionsDeleteCommand>("delete").WithDescription("Delete a session for good, with its backups (a secret kept that should not have been).");
            sessions.AddCommand<ImportCommand>("import").WithDescription("Import transcripts: a file, a project's folder or a whole projects tree.");
        });
        config.AddCommand<ImportCommand>("import").WithDescription("Import a whole history (default: Claude Code's projects folder); what is held already is skipped.");
        config.AddBranch("backups", backups =>
        {
            backups.SetDescription("The saver's backups of sessions.");
            backups.AddCommand<BackupsListCommand>("list").WithDescription("A session's backups, or every session's, newest first.");
            backups.AddCommand<BackupsRunCommand>("run").WithDescription("Back up now every session changed since its last backup.");
            backups.AddCommand<BackupsRestoreCommand>("restore").WithDescription("Put a session back as one of its backups holds it.");
        });
        config.AddBranch("errors", errors =>
        {
            errors.SetDescription("What could not be taken in: messages a module failed, and input the gateway refused.");
            errors.AddCommand<ErrorsListCommand>("list").WithDescription("Failed messages waiting in error queues, with why, and refused inputs.");
            errors.AddCommand<ErrorsReplayCommand>("replay").WithDescription("Move a queue's failed messages back to it, or submit refused inputs again.");
        });
        config.AddCommand<UsageCommand>("usage").WithDescription("Tokens and cost by day, month, project or model, counted as ccusage counts them.");
        config.AddCommand<HooksCommand>("hooks").WithDescription("Which machines and projects send which hooks, and when last.");
        config.AddCommand<RestoreCommand>("restore").WithDescription("Write a session back where Claude Code finds it, so claude --resume continues it.");
        config.AddCommand<BranchCommand>("branch").WithDescription("A new session holding the conversation up to a message, resumable with claude --resume.");
        config.AddCommand<MergeCommand>("merge").WithDescription("Make one session's own context items another's too, for its next SessionStart.");
        config.AddCommand<UseCommand>("use").WithDescription("Make a session the one its project's next SessionStart continues from.");
        config.AddBranch("keys", keys =>
        {
            keys.SetDescription("The keys content is sealed under at rest.");
            keys.AddCommand<KeysListCommand>("list").WithDescription("Whether content is sealed, under which key, and how far sealing again under a new key has come.");
            keys.AddCommand<KeysRotateCommand>("rotate").WithDescription("Seal new writes under a new key; what was sealed before is sealed again in the background.");
        });
        config.AddCommand<AuditCommand>("audit").WithDescription("What was done to kept sessions: exports, restores, deletes, recoveries, by whom, from where.");
        config.AddCommand<DoctorCommand>("doctor").WithDescription("Check that sessions are being kept, and what Claude Code's cleanup deletes next.");
    }
}
