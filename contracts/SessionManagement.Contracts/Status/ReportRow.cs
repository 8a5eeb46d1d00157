namespace SessionManagement.Contracts.Status;

/// <summary>One group of a report (a period, a project, a user or a model) and its metric values.</summary>
public record ReportRow(string Group, IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>The group, in a report per model, of tokens from responses that named no model (and were counted before models were).</summary>
    public const string UnknownModel = "unknown";
}
