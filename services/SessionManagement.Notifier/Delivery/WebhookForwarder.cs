using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Notifier.Options;

namespace SessionManagement.Notifier.Delivery;

/// <summary>
/// Posts notifications to the configured webhooks, signed with HMAC-SHA256 of the body, retrying failures after
/// <c>Notifier:RetryDelaysMs</c>. Every attempt of one delivery carries the same <c>X-SM-Delivery</c> id, so a receiver
/// can drop repeats. A delivery that exhausts its retries is logged with its body: nothing is dropped silently.
/// </summary>
public sealed class WebhookForwarder(HttpClient http, IOptions<NotifierOptions> options, TimeProvider time, ILogger<WebhookForwarder> logger)
{
    public const string SignatureHeader = "X-SM-Signature";
    public const string DeliveryHeader = "X-SM-Delivery";
    public const string EventHeader = "X-SM-Event";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task ForwardAsync(Notification notification, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            deliveryId = notification.DeliveryId,
            type = notification.Type,
            summary = notification.Summary,
            sentAt = notification.SentAt,
            @event = notification.Event,
        }, Json);
        foreach (var hook in options.Value.Webhooks.Where(h => h.Events.Count == 0 || h.Events.Contains(notification.Type, StringComparer.OrdinalIgnoreCase)))
            await DeliverAsync(hook, notification, body, cancellationToken);
    }

    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private async Task DeliverAsync(WebhookOptions hook, Notification notification, byte[] body, CancellationToken cancellationToken)
    {
        var delays = options.Value.RetryDelaysMs;
        for (var attempt = 0; ; attempt++)
        {
            var problem = await PostAsync(hook, notification, body, cancellationToken);
            if (problem is null)
                return;
            if (attempt >= delays.Count)
            {
                logger.LogError("Webhook {Url} refused {Type} delivery {DeliveryId} after {Attempts} attempts ({Problem}); body: {Body}",
                    hook.Url, notification.Type, notification.DeliveryId, attempt + 1, problem, Encoding.UTF8.GetString(body));
                return;
            }
            logger.LogWarning("Webhook {Url} failed for {Type} ({Problem}); retrying in {Delay} ms", hook.Url, notification.Type, problem, delays[attempt]);
            await Task.Delay(TimeSpan.FromMilliseconds(delays[attempt]), time, cancellationToken);
        }
    }

    private async Task<string?> PostAsync(WebhookOptions hook, Notification notification, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(SignatureHeader, Sign(hook.Secret, body));
        request.Headers.Add(DeliveryHeader, notification.DeliveryId.ToString());
        request.Headers.Add(EventHeader, notification.Type);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.TimeoutMs);
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception error) when (error is HttpRequestException || (error is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return error.Message;
        }
    }
}
