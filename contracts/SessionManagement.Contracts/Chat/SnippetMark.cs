namespace SessionManagement.Contracts.Chat;

/// <summary>Where a word the search matched lies in a hit's snippet, in UTF-16 code units (as JavaScript and .NET count).</summary>
public record SnippetMark(int Start, int Length);
