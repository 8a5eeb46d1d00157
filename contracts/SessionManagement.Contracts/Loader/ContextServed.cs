namespace SessionManagement.Contracts.Loader;

/// <summary>The loader answered a SessionStart: how long it took and what was left out (for the performance report).</summary>
/// <param name="SessionId">The session that started.</param>
/// <param name="Source">SessionStart's <c>source</c>.</param>
/// <param name="DurationMs">From the request's arrival to the rendered answer.</param>
/// <param name="FromCache">Whether a cached rendering answered.</param>
/// <param name="MissingParts">Parts that did not answer in time.</param>
/// <param name="ServedAt">When the answer went out.</param>
public record ContextServed(string SessionId, string Source, double DurationMs, bool FromCache, IReadOnlyList<string> MissingParts, DateTimeOffset ServedAt);
