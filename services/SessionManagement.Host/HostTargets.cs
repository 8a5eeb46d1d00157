namespace SessionManagement.Host;

/// <summary>Reads <c>--target=all</c> (the default) or a comma list of module names.</summary>
internal static class HostTargets
{
    public const string All = "all";

    public static IReadOnlyList<string> Parse(string? target, IEnumerable<string> known)
    {
        var catalog = known.ToList();
        if (string.IsNullOrWhiteSpace(target) || target.Trim().Equals(All, StringComparison.OrdinalIgnoreCase))
            return catalog;

        var chosen = target.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(name => name.ToLowerInvariant())
            .Distinct()
            .ToList();
        var unknown = chosen.Where(name => !catalog.Contains(name, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException(
                $"target: unknown module(s) {string.Join(", ", unknown)}; known: {All}" +
                (catalog.Count > 0 ? ", " + string.Join(", ", catalog) : ""));
        return chosen;
    }
}
