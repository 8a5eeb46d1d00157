namespace SessionManagement.Contracts.Chat;

/// <summary>The chat module's answer to a <see cref="Gateway.ToolResultCaptured"/> sent as a request: the file is stored durably.</summary>
/// <param name="SessionId">Its session.</param>
/// <param name="Name">Its name in the session's <c>tool-results</c> folder.</param>
/// <param name="Stored">False when chat held these bytes of it already.</param>
public record ToolResultStored(string SessionId, string Name, bool Stored);

/// <summary>Asks the chat module which tool output files of a session it holds; answered with <see cref="ToolResultsHeld"/>.</summary>
public record ListToolResults(string SessionId);

/// <summary>The tool output files of a session chat holds, in name order.</summary>
public record ToolResultsHeld(string SessionId, IReadOnlyList<ToolResultView> Files);

/// <summary>One tool output file of a session as chat holds it.</summary>
/// <param name="Name">Its name in the session's <c>tool-results</c> folder.</param>
/// <param name="Length">How many bytes it holds (its secrets masked, when it is text).</param>
/// <param name="SourceSha256">The SHA-256 of the file it was read from, in hex.</param>
/// <param name="CapturedAt">When it was read.</param>
public record ToolResultView(string Name, long Length, string SourceSha256, DateTimeOffset CapturedAt);

/// <summary>Asks the chat module for one tool output file of a session; answered with <see cref="ToolResultContent"/>.</summary>
public record GetToolResult(string SessionId, string Name);

/// <summary>A tool output file's bytes, packed as <paramref name="ContentEncoding"/> says; <paramref name="Found"/> false when chat holds no such file.</summary>
public record ToolResultContent(string SessionId, string Name, bool Found, byte[] Content, string ContentEncoding);
