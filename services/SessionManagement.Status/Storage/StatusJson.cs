using System.Text.Json;
using SessionManagement.Status.Tracking;

namespace SessionManagement.Status.Storage;

/// <summary>A live status as one JSON document (it is read and written whole, never queried inside).</summary>
internal static class StatusJson
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Write(LiveStatus status) => JsonSerializer.Serialize(status, Json);

    public static LiveStatus Read(string json) => JsonSerializer.Deserialize<LiveStatus>(json, Json)!;
}
