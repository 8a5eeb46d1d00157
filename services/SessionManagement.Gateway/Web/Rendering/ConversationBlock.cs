namespace SessionManagement.Gateway.Web.Rendering;

/// <summary>One piece of a message as the web view shows it; the cases below are all there are.</summary>
public abstract record ConversationBlock;

/// <summary>Prose, rendered from Markdown.</summary>
public sealed record TextBlock(string Markdown) : ConversationBlock;

/// <summary>The model's thinking, folded.</summary>
public sealed record ThinkingBlock(string Text) : ConversationBlock;

/// <summary>
/// A tool call, folded with its input and (when it is on the same page) its output; its gist is what it was called on. A long input
/// is cut on the page (<see cref="InputOmitted"/> characters left out, the whole at <see cref="At"/>'s <c>/tool</c> link).
/// </summary>
public sealed record ToolBlock(string? Id, string Name, string Input, string Gist, ToolOutput? Output, long At = 0, int InputOmitted = 0) : ConversationBlock;

/// <summary>A tool's output whose call is not on this page.</summary>
public sealed record ToolResultBlock(string? ToolUseId, ToolOutput Output) : ConversationBlock;

/// <summary>An image the user or a tool gave (a data URL of an image type).</summary>
public sealed record ImageBlock(string DataUrl) : ConversationBlock;

/// <summary>
/// What a tool answered: its text, the images in it, and whether it reported an error. A long text is cut on the page
/// (<see cref="Omitted"/> characters left out); the whole is served for the message at <see cref="At"/> and the call's id.
/// </summary>
public sealed record ToolOutput(string Text, IReadOnlyList<string> Images, bool IsError, string? ToolUseId = null, long At = 0, int Omitted = 0);
