namespace SessionManagement.Saver.Storage;

/// <summary>What a stored batch of a session's transcript lines says of it: the titles its lines give, the model its replies name (null: none to note).</summary>
public sealed record TranscriptFacts(string SessionId, IReadOnlyList<SessionManagement.Contracts.Chat.TranscriptTitle> Titles, string? Model,
    string? ForkedFrom = null);
