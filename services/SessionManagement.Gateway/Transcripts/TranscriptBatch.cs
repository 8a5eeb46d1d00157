namespace SessionManagement.Gateway.Transcripts;

/// <summary>Complete lines read from a transcript between two byte offsets.</summary>
internal sealed record TranscriptBatch(long StartOffset, long EndOffset, IReadOnlyList<string> Lines);
