using SessionManagement.Saver.Sessions;

namespace SessionManagement.Saver.Storage;

/// <summary>One touched session after a batch: its new state, and which of its lifecycle events were new in the batch.</summary>
public sealed record SaveResult(SessionState State, bool Started, bool Ended, int NewEvents);
