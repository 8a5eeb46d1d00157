namespace SessionManagement.Contracts.Loader;

/// <summary>The answer to <see cref="LoadSession"/>: the rendered SessionStart context.</summary>
/// <param name="RequestId">The request answered.</param>
/// <param name="SessionId">The session starting.</param>
/// <param name="AdditionalContext">The context text, most valuable first, within the requested size; empty when there is none.</param>
/// <param name="MissingParts">Parts (state, chat, context) that did not answer in time and were left out.</param>
/// <param name="LoadedAt">When the answer was rendered.</param>
/// <param name="FromCache">Whether a cached rendering answered.</param>
public record SessionLoaded(
    Guid RequestId,
    string SessionId,
    string AdditionalContext,
    IReadOnlyList<string> MissingParts,
    DateTimeOffset LoadedAt,
    bool FromCache = false);
