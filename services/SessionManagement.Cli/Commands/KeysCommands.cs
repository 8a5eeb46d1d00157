using System.Text.Json;
using Spectre.Console;

namespace SessionManagement.Cli.Commands;

/// <summary><c>smctl keys list</c>: whether content is sealed at rest, under which key, which keys are held, how far sealing again has come.</summary>
internal sealed class KeysListCommand : GatewayCommand<GatewaySettings>
{
    protected override async Task<int> RunAsync(GatewayClient client, GatewaySettings settings, CancellationToken cancellationToken)
    {
        var keys = (await client.GetJsonAsync("api/keys", cancellationToken))!.Value;
        if (settings.Json)
            PrintJson(keys);
        else
            KeysView.Print(Out, keys);
        return ExitCodes.Ok;
    }
}

/// <summary>
/// <c>smctl keys rotate</c>: a new key seals what is written from now on; what was sealed before is sealed again under it in the
/// background, both keys opening meanwhile.
/// </summary>
internal sealed class KeysRotateCommand : GatewayCommand<GatewaySettings>
{
    protected override async Task<int> RunAsync(GatewayClient client, GatewaySettings settings, CancellationToken cancellationToken)
    {
        var keys = await client.PostAsync("api/keys/rotate", cancellationToken);
        if (settings.Json)
        {
            PrintJson(keys);
            return ExitCodes.Ok;
        }
        Out.MarkupLine($"New writes are sealed under [bold]{Markup.Escape(keys.GetProperty("currentKey").GetString() ?? "")}[/]; " +
            "what was sealed before is sealed again under it in the background. Keep the older keys in the key file until " +
            "[bold]smctl keys list[/] shows every store done.");
        KeysView.Print(Out, keys);
        return ExitCodes.Ok;
    }
}

internal static class KeysView
{
    public static void Print(IAnsiConsole output, JsonElement keys)
    {
        var on = keys.GetProperty("encryptAtRest").GetBoolean();
        output.MarkupLine(on
            ? $"Content is sealed at rest under [bold]{Markup.Escape(keys.GetProperty("currentKey").GetString() ?? "")}[/]; keys held: " +
              Markup.Escape(string.Join(", ", keys.GetProperty("keys").EnumerateArray().Select(k => k.GetString()))) + "."
            : "Content is [bold]not[/] sealed at rest (session_storage.encrypt_at_rest is off).");
        var stores = keys.GetProperty("stores");
        if (stores.GetArrayLength() == 0)
            return;
        var table = new Table().AddColumns("store", "sealed under", "done", "sealed again", "finished");
        foreach (var store in stores.EnumerateArray())
            table.AddRow(Markup.Escape(store.GetProperty("store").GetString() ?? ""), Markup.Escape(store.GetProperty("sealedUnder").GetString() ?? "—"),
                store.GetProperty("done").GetBoolean() ? "yes" : "not yet", store.GetProperty("sealedAgain").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(store.GetProperty("finishedAt").ValueKind == JsonValueKind.Null ? "—" : store.GetProperty("finishedAt").GetString() ?? ""));
        output.Write(table);
    }
}
