using System.Globalization;
using System.Text;
using Telemed.Grains.Cases;
using Telemed.Grains.Reports;

namespace Telemed.ConsultHub.Api;

/// <summary>
/// The printable report: one self-contained UTF-8 HTML page (no scripts, no external resources) with the requesting
/// institution, the case, the current version signed by whom and when, and every earlier version with its amendment
/// reason. Every value from a user or a device is HTML-encoded; Chinese text stays as UTF-8 characters.
/// </summary>
internal static class ReportDocument
{
    public static string Render(CaseView view, ReportView report, IReadOnlyDictionary<string, string> institutionNames, IReadOnlyDictionary<string, string> signerNames)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(report);
        string institution = institutionNames.GetValueOrDefault(view.RequestingInstitutionId, view.RequestingInstitutionId);
        ReportVersion? current = report.Versions.Count > 0 ? report.Versions[^1] : null;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<title>").Append(E($"Report {view.CaseId}")).Append("</title>\n")
            .Append("<style>body{font-family:sans-serif;max-width:48em;margin:2em auto}table{border-collapse:collapse}")
            .Append("td,th{border:1px solid #999;padding:.2em .5em;text-align:left}.draft{color:#a00}@media print{.noprint{display:none}}</style>\n")
            .Append("</head>\n<body>\n");
        html.Append("<h1>").Append(E(institution)).Append("</h1>\n");
        html.Append("<table>\n");
        Row(html, "Case", view.CaseId.ToString());
        Row(html, "Patient", view.PatientId ?? "-");
        Row(html, "Requested by", $"{view.RequestedBy}, {institution}");
        Row(html, "Opened", Time(view.OpenedAt));
        Row(html, "Kind / priority", $"{view.Kind} / {view.Priority}");
        Row(html, "Clinical question", view.ClinicalQuestion);
        Row(html, "Status", view.Status.ToString());
        html.Append("</table>\n");

        if (current is not null)
        {
            html.Append("<h2>").Append(E($"Report, version {current.Number}")).Append("</h2>\n");
            Content(html, current.Content);
            html.Append("<p class=\"signature\">Signed by <strong>").Append(E(Signer(current, signerNames))).Append("</strong> at <time datetime=\"")
                .Append(E(current.SignedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))).Append("\">")
                .Append(E(Time(current.SignedAt))).Append("</time></p>\n");
            if (current.AmendmentReason is { } reason)
            {
                html.Append("<p>Amended: ").Append(E(reason)).Append("</p>\n");
            }
        }
        else if (report.Draft is { } draft)
        {
            html.Append("<h2 class=\"draft\">Preliminary report, not signed</h2>\n");
            Content(html, draft);
        }
        else
        {
            html.Append("<p class=\"draft\">No report yet.</p>\n");
        }

        if (report.Versions.Count > 0)
        {
            html.Append("<h2>Version history</h2>\n<table>\n<tr><th>Version</th><th>Signed by</th><th>At</th><th>Reason for change</th><th>Impression</th></tr>\n");
            foreach (ReportVersion version in report.Versions.Reverse())
            {
                html.Append("<tr><td>").Append(version.Number.ToString(CultureInfo.InvariantCulture))
                    .Append("</td><td>").Append(E(Signer(version, signerNames)))
                    .Append("</td><td>").Append(E(Time(version.SignedAt)))
                    .Append("</td><td>").Append(E(version.AmendmentReason ?? "original"))
                    .Append("</td><td>").Append(E(version.Content.Impression)).Append("</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void Content(StringBuilder html, ReportContent content)
    {
        html.Append("<table>\n");
        foreach (ReportField field in content.Fields.Where(f => !string.IsNullOrWhiteSpace(f.Value)))
        {
            Row(html, field.Name, field.Value);
        }

        html.Append("</table>\n<h3>Findings</h3>\n<p class=\"findings\">").Append(E(content.Findings)).Append("</p>\n")
            .Append("<h3>Impression</h3>\n<p class=\"impression\">").Append(E(content.Impression)).Append("</p>\n");
    }

    private static void Row(StringBuilder html, string name, string value) =>
        html.Append("<tr><th>").Append(E(name)).Append("</th><td>").Append(E(value)).Append("</td></tr>\n");

    private static string Signer(ReportVersion version, IReadOnlyDictionary<string, string> names) =>
        names.TryGetValue(version.SignedBy, out string? name) && name != version.SignedBy ? $"{name} ({version.SignedBy})" : version.SignedBy;

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Encodes the five characters that are markup in text and attribute values (HTML Living Standard §13.1.2) and
    /// nothing else, so CJK text stays readable UTF-8 instead of numeric references.
    /// </summary>
    internal static string E(string text)
    {
        var encoded = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            _ = c switch
            {
                '&' => encoded.Append("&amp;"),
                '<' => encoded.Append("&lt;"),
                '>' => encoded.Append("&gt;"),
                '"' => encoded.Append("&quot;"),
                '\'' => encoded.Append("&#39;"),
                _ => encoded.Append(c),
            };
        }

        return encoded.ToString();
    }
}
