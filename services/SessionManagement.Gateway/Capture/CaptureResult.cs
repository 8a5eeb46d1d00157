namespace SessionManagement.Gateway.Capture;

public sealed record CaptureResult(CaptureOutcome Outcome, Guid EventId, HookInput? Input, string? Problem);
