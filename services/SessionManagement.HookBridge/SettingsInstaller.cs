using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SessionManagement.Bridge;

namespace SessionManagement.HookBridge;

/// <summary>
/// Merges sm-hook into a Claude Code settings.json and takes it out again. Other tools' hooks are
/// never touched; running install twice changes nothing; every write first keeps a timestamped copy of
/// the file. A status line of another tool stays unless <c>--statusline</c> asks to replace it, and
/// uninstall then puts it back.
/// </summary>
internal sealed class SettingsInstaller(string hookCommand, Uri gatewayUrl, TextWriter output)
{
    private const int CommandTimeoutSeconds = 10;

    public bool Install(InstallOptions options)
    {
        var settings = Load(options.SettingsPath);
        var hooks = settings["hooks"] as JsonObject ?? new JsonObject();
        settings["hooks"] = hooks;
        foreach (var eventName in ObservedHooks.Events)
        {
            var groups = hooks[eventName] as JsonArray ?? new JsonArray();
            hooks[eventName] = groups;
            var wanted = Handler(eventName, options.Http, options.Async == true);
            // Ours as it should be stays where it is, whatever other tools added before or after it: installing again changes nothing.
            if (SmHookCommand.OursIn(groups) is [var ours] && JsonNode.DeepEquals(ours, wanted))
                continue;
            RemoveOurs(groups);
            groups.Add((JsonNode)new JsonObject { ["hooks"] = new JsonArray(wanted) });
        }
        foreach (var eventName in ObservedHooks.Acting)
        {
            if (hooks[eventName] is not JsonArray groups || SmHookCommand.OursIn(groups).Count == 0)
                continue;
            RemoveOurs(groups);
            output.WriteLine($"took sm-hook out of {eventName}: its hooks change what Claude Code does, and sm-hook only observes");
            if (groups.Count == 0)
                hooks.Remove(eventName);
        }

        var statusLine = settings["statusLine"] as JsonObject;
        if (statusLine is null || SmHookCommand.IsOurs(statusLine))
            settings["statusLine"] = StatusLine();
        else if (options.ReplaceStatusLine)
        {
            File.WriteAllText(StatusLineBackup(options.SettingsPath), statusLine.ToJsonString());
            settings["statusLine"] = StatusLine();
        }
        else
            output.WriteLine("kept the existing statusLine of another tool (use --statusline to replace it; uninstall puts it back)");

        return Save(options.SettingsPath, settings, "installed");
    }

    public bool Uninstall(InstallOptions options)
    {
        if (!File.Exists(options.SettingsPath))
        {
            output.WriteLine($"{options.SettingsPath} does not exist: nothing to uninstall");
            return false;
        }
        var settings = Load(options.SettingsPath);
        if (settings["hooks"] is JsonObject hooks)
        {
            foreach (var (eventName, value) in hooks.ToList())
            {
                if (value is not JsonArray groups)
                    continue;
                RemoveOurs(groups);
                if (groups.Count == 0)
                    hooks.Remove(eventName);
            }
            if (hooks.Count == 0)
                settings.Remove("hooks");
        }
        if (settings["statusLine"] is JsonObject statusLine && SmHookCommand.IsOurs(statusLine))
        {
            var backup = StatusLineBackup(options.SettingsPath);
            if (File.Exists(backup))
            {
                settings["statusLine"] = JsonNode.Parse(File.ReadAllText(backup));
                File.Delete(backup);
            }
            else
                settings.Remove("statusLine");
        }
        return Save(options.SettingsPath, settings, "uninstalled");
    }

    private JsonObject Handler(string eventName, bool http, bool background)
    {
        if (http && !HookEvents.CommandOnly.Contains(eventName))
            return new JsonObject { ["type"] = "http", ["url"] = new Uri(gatewayUrl, "hooks?" + SmHookCommand.HttpMarker).ToString(), ["timeout"] = CommandTimeoutSeconds };
        var command = new JsonObject { ["type"] = "command", ["command"] = hookCommand, ["timeout"] = CommandTimeoutSeconds };
        if (background && !AwaitedHooks.Events.Contains(eventName))
            command["async"] = true;
        return command;
    }

    private JsonObject StatusLine() => new() { ["type"] = "command", ["command"] = hookCommand + " statusline", ["padding"] = 0 };

    /// <summary>Removes our handlers from each matcher group, and groups left empty by that.</summary>
    private static void RemoveOurs(JsonArray groups)
    {
        for (var g = groups.Count - 1; g >= 0; g--)
        {
            if (groups[g] is not JsonObject group || group["hooks"] is not JsonArray handlers)
                continue;
            var hadOurs = false;
            for (var h = handlers.Count - 1; h >= 0; h--)
            {
                if (handlers[h] is JsonObject handler && SmHookCommand.IsOurs(handler))
                {
                    handlers.RemoveAt(h);
                    hadOurs = true;
                }
            }
            if (hadOurs && handlers.Count == 0)
                groups.RemoveAt(g);
        }
    }

    private static JsonObject Load(string path)
    {
        if (!File.Exists(path))
            return new JsonObject();
        var text = File.ReadAllText(path);
        if (string.IsNullOrWhiteSpace(text))
            return new JsonObject();
        return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
            ?? throw new InvalidDataException($"{path} does not hold a JSON object");
    }

    private bool Save(string path, JsonObject settings, string verb)
    {
        var text = Serialize(settings);
        if (File.Exists(path))
        {
            var current = File.ReadAllText(path);
            if (Normalize(current) == Normalize(text))
            {
                output.WriteLine($"{path}: already {verb}, nothing changed");
                return false;
            }
            var backup = $"{path}.sm-backup-{DateTimeOffset.UtcNow:yyyyMMddHHmmssfff}";
            File.Copy(path, backup);
            output.WriteLine($"kept a copy of the previous settings at {backup}");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".sm-tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
        output.WriteLine($"{path}: {verb}");
        return true;
    }

    private static string Normalize(string json)
    {
        try
        {
            return Serialize(JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }));
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static string Serialize(JsonNode? node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            if (node is null)
                writer.WriteNullValue();
            else
                node.WriteTo(writer);
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static string StatusLineBackup(string settingsPath) =>
        Path.Combine(Path.GetDirectoryName(settingsPath)!, "session-management.statusline-backup.json");
}
