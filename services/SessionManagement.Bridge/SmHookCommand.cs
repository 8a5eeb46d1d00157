using System.Text.Json.Nodes;

namespace SessionManagement.Bridge;

/// <summary>
/// A hook in Claude Code's settings, read back as <c>sm-hook install</c> writes it, for install and <c>smctl doctor</c> alike: a command
/// running the native binary (<c>/opt/sm/sm-hook</c>) or its dll under dotnet (<c>dotnet /opt/sm/sm-hook.dll</c>), a path with a space
/// in quotes; or an HTTP hook whose URL carries <see cref="HttpMarker"/>.
/// </summary>
public static class SmHookCommand
{
    /// <summary>What the URL of an HTTP hook sm-hook install wrote carries.</summary>
    public const string HttpMarker = "installed-by=sm-hook";

    /// <summary>Our handlers among an event's matcher groups (<c>[{ "matcher": …, "hooks": [handler, …] }, …]</c>).</summary>
    public static List<JsonObject> OursIn(JsonNode? groups) =>
        (groups as JsonArray ?? []).OfType<JsonObject>().Select(g => g["hooks"]).OfType<JsonArray>().SelectMany(h => h.OfType<JsonObject>())
            .Where(IsOurs).ToList();

    /// <summary>A handler sm-hook install wrote: an HTTP hook with its marker, or a command that runs sm-hook.</summary>
    public static bool IsOurs(JsonObject handler) =>
        handler["url"] is JsonValue url && url.TryGetValue(out string? address) && address.Contains(HttpMarker, StringComparison.Ordinal)
        || handler["command"] is JsonValue command && command.TryGetValue(out string? text) && Runs(text);

    /// <summary>True when the command runs sm-hook.</summary>
    public static bool Runs(string command) => Words(command).Any(IsSmHook);

    /// <summary>The sm-hook the command runs when it names it by a full path; null for one found on the PATH, or another program.</summary>
    public static string? PathIn(string command) => Words(command).FirstOrDefault(word => IsSmHook(word) && Path.IsPathRooted(word));

    private static bool IsSmHook(string path) => Path.GetFileName(path) is "sm-hook" or "sm-hook.dll" or "sm-hook.exe";

    /// <summary>The command's words: split at spaces, a quoted one (in double or single quotes) taken whole, without its quotes.</summary>
    private static IEnumerable<string> Words(string command)
    {
        for (var at = 0; at < command.Length;)
        {
            if (command[at] == ' ')
            {
                at++;
                continue;
            }
            var quote = command[at] is '"' or '\'' ? command[at] : ' ';
            var start = quote == ' ' ? at : at + 1;
            var end = command.IndexOf(quote, start);
            end = end < 0 ? command.Length : end;
            yield return command[start..end];
            at = end + 1;
        }
    }
}
