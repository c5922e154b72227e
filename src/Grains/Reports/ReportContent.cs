namespace Telemed.Grains.Reports;

/// <summary>What a report says: structured fields from its template, free-text findings and the impression.</summary>
[GenerateSerializer, Immutable]
public sealed record ReportContent(ReportTemplateKind Template, IReadOnlyList<ReportField> Fields, string Findings, string Impression)
{
    public string? Field(string name) => Fields.FirstOrDefault(f => f.Name == name)?.Value;
}
