using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Hosting.Modules;
using SessionManagement.Notifier.Consumers;
using SessionManagement.Notifier.Delivery;
using SessionManagement.Notifier.Options;

namespace SessionManagement.Notifier;

public static class NotifierModule
{
    public const string Name = "notifier";

    /// <summary>Notification events to the console and to signed webhooks (Notifier:Webhooks), with retries.</summary>
    public static SessionManagementBuilder AddNotifier(this SessionManagementBuilder builder)
    {
        var options = OptionsValidation.BindOrThrow<NotifierOptions>(builder.Configuration, NotifierOptions.Section);
        var problems = options.Webhooks.SelectMany((hook, i) => Problems(hook, i)).ToList();
        if (options.RetryDelaysMs.Any(d => d < 0))
            problems.Add("Notifier:RetryDelaysMs: delays cannot be negative");
        if (problems.Count > 0)
            throw new InvalidConfigurationException(problems);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        builder.Services.AddHttpClient<WebhookForwarder>();
        builder.Services.AddSingleton<DesktopNotifier>();
        builder.AddBusRegistrations(bus => bus.AddConsumer<NotificationConsumer>());
        return builder;
    }

    private static IEnumerable<string> Problems(WebhookOptions hook, int index)
    {
        if (!Uri.TryCreate(hook.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            yield return $"Notifier:Webhooks:{index}:Url: '{hook.Url}' is not an http(s) URL";
        if (hook.Secret.Length < 16)
            yield return $"Notifier:Webhooks:{index}:Secret: at least 16 characters, to sign the bodies";
    }
}
