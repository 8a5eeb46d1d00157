namespace SessionManagement.Notifier.Delivery;

/// <summary>One notification event as it leaves the product: its name, a line for people, and the event itself.</summary>
public sealed record Notification(Guid DeliveryId, string Type, string Summary, object Event, DateTimeOffset SentAt);
