namespace SessionManagement.Contracts.Chat;

/// <summary>A tool use (or its result) inside a message.</summary>
/// <param name="Kind"><c>use</c> or <c>result</c>.</param>
/// <param name="ToolUseId">The tool use's id, linking a result to its use.</param>
/// <param name="Name">The tool's name (uses only).</param>
/// <param name="Summary">A short rendering of the input (uses) or output (results).</param>
/// <param name="IsError">Whether a result reported an error.</param>
public record ToolCallView(
    string Kind,
    string? ToolUseId,
    string? Name,
    string Summary,
    bool IsError);
