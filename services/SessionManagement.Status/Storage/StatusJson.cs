using System.Text.Json;
using SessionManagement.Contracts.Status;
using SessionManagement.Status.Tracking;

namespace SessionManagement.Status.Storage;

/// <summary>A live status, or a backup run, as one JSON document (it is read and written whole, never queried inside).</summary>
internal static class StatusJson
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Write(LiveStatus status) => JsonSerializer.Serialize(status, Json);

    public static LiveStatus Read(string json) => JsonSerializer.Deserialize<LiveStatus>(json, Json)!;

    public static string WriteRun(BackupRunView run) => JsonSerializer.Serialize(run, Json);

    public static BackupRunView ReadRun(string json) => JsonSerializer.Deserialize<BackupRunView>(json, Json)!;
}
