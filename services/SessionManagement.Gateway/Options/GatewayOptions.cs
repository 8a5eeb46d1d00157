using System.ComponentModel.DataAnnotations;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Gateway.Options;

public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>Hook inputs above this are refused with 413 (their head kept under <c>rejected/</c>, their length and SHA-256 in the journal).</summary>
    [Range(1_024, 1_073_741_824)]
    public int MaxPayloadBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>How much of each refused input is kept (its head); the journal keeps the full length and SHA-256 of the rest.</summary>
    [Range(0, 16 * 1024 * 1024)]
    public int RejectedKeepBytes { get; set; } = 64 * 1024;

    /// <summary>The most the <c>rejected/</c> folder holds; past it only the journal record of a refused input is kept.</summary>
    [Range(0, long.MaxValue)]
    public long RejectedBudgetBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Where undeliverable hooks wait; empty means <c>SM_SPOOL_DIR</c>, else <c>&lt;data dir&gt;/spool</c>.</summary>
    public string SpoolDirectory { get; set; } = "";

    [Range(1, 86_400)]
    public int SpoolDrainSeconds { get; set; } = 15;

    /// <summary>How long a publish may wait for the broker before the hook is spooled instead.</summary>
    [Range(10, 60_000)]
    public int PublishTimeoutMs { get; set; } = 2_000;

    /// <summary>Folders transcripts may live in besides <c>~/.claude/projects</c>.</summary>
    public List<string> TranscriptRoots { get; set; } = [];

    [Range(1, 3_600)]
    public int TranscriptPollSeconds { get; set; } = 5;

    /// <summary>
    /// How often the gateway walks the transcript roots for files the hooks never shipped (and at start); 0 never. A session that
    /// ran while nothing listened is taken in at the next pass.
    /// </summary>
    [Range(0, 10_080)]
    public int ReconcileMinutes { get; set; } = 60;

    /// <summary>Sessions with no hook for this long are no longer polled (they are still shipped on their next hook).</summary>
    [Range(1, 10_080)]
    public int ActiveSessionMinutes { get; set; } = 30;

    [Range(1_024, 64 * 1024 * 1024)]
    public int TranscriptBatchBytes { get; set; } = 1024 * 1024;

    [Range(1, 100_000)]
    public int TranscriptBatchLines { get; set; } = 1_000;

    /// <summary>How long a read-API request waits for the owning module's answer before 504.</summary>
    [Range(100, 600_000)]
    public int QueryTimeoutMs { get; set; } = 15_000;

    /// <summary>
    /// Transcript batches of one import waiting for the chat module at once: the import goes as fast as chat stores, holding only
    /// these in memory. 8 rather than 4: one 300 MB transcript went in faster in 6 of 8 pairs alternated on fresh hosts, for
    /// 5-10 MB more peak memory.
    /// </summary>
    [Range(1, 64)]
    public int ImportBatchesInFlight { get; set; } = 8;

    /// <summary>The largest transcript <c>POST /api/sessions/import</c> takes (real transcripts reach hundreds of megabytes).</summary>
    [Range(1_024, long.MaxValue)]
    public long MaxImportBytes { get; set; } = 16L * 1024 * 1024 * 1024;

    [Range(10, 60_000)]
    public int HookRegistryFlushMs { get; set; } = 1_000;

    /// <summary>
    /// The deployment's one token, which may do anything: required on every gateway request when set. Beyond loopback the host
    /// starts only with it or with <see cref="Users"/>, and then every route but <c>/healthz</c> wants a token.
    /// </summary>
    public string? BearerToken { get; set; }

    /// <summary>Tokens of one's own, each with a role (<see cref="AccessUser"/>), checked by <c>AccessTokens</c>.</summary>
    public List<AccessUser> Users { get; set; } = [];
}
