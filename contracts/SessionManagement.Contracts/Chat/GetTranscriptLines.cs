namespace SessionManagement.Contracts.Chat;

/// <summary>
/// Asks the chat module for a session's transcript lines as Claude Code wrote them, in file order (by byte offset), after
/// <paramref name="AfterOffset"/>: the ground a JSONL export and a restore stand on. Answered with <see cref="TranscriptLinesPage"/>.
/// </summary>
/// <param name="SessionId">The session.</param>
/// <param name="AfterOffset">The offset of the last line already read; -1 from the start.</param>
/// <param name="Limit">The most lines to return (the chat module caps it).</param>
public record GetTranscriptLines(string SessionId, long AfterOffset, int Limit);

/// <summary>One page of <see cref="GetTranscriptLines"/>: fewer lines than asked for means the end.</summary>
public record TranscriptLinesPage(string SessionId, IReadOnlyList<TranscriptLineView> Lines);

/// <summary>A transcript line, its byte offset in its file, and its text without the line break.</summary>
public record TranscriptLineView(long Offset, string Raw);
