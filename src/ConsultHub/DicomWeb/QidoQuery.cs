using System.Globalization;
using Telemed.Dicom.Dictionary;
using Telemed.Dicom.Tags;

namespace Telemed.ConsultHub.DicomWeb;

/// <summary>
/// A QIDO-RS search (PS3.18 §8.3.4, §10.6): the matching keys, by keyword or tag, with single value, list-of-UID,
/// wildcard (* and ?) and range matching (PS3.4 C.2.2.2), plus limit, offset and includefield. Keys this catalog does
/// not index are ignored with a warning (PS3.18 §8.3.4.4 allows that); unknown names are a bad request.
/// </summary>
internal sealed class QidoQuery
{
    public const int DefaultLimit = 200;
    public const int MaxLimit = 1000;

    private QidoQuery(QidoLevel level) => Level = level;

    public QidoLevel Level { get; }

    public IReadOnlyList<string>? StudyUids { get; private set; }

    public IReadOnlyList<string>? SeriesUids { get; private set; }

    public IReadOnlyList<string>? SopInstanceUids { get; private set; }

    public IReadOnlyList<string>? SopClassUids { get; private set; }

    /// <summary>Set when a study comes from the path (/studies/{study}/…): its own attributes need not be repeated.</summary>
    public bool UnderStudy { get; private set; }

    public bool UnderSeries { get; private set; }

    public string? PatientName { get; private set; }

    public string? PatientId { get; private set; }

    public string? AccessionNumber { get; private set; }

    public string? StudyDescription { get; private set; }

    public string? SeriesDescription { get; private set; }

    public string? StudyId { get; private set; }

    public string? ReferringPhysicianName { get; private set; }

    public string? PatientSex { get; private set; }

    public string? StudyDateFrom { get; private set; }

    public string? StudyDateTo { get; private set; }

    public bool HasStudyDate { get; private set; }

    public IReadOnlyList<string>? Modalities { get; private set; }

    public int? SeriesNumber { get; private set; }

    public int? InstanceNumber { get; private set; }

    public int Limit { get; private set; } = DefaultLimit;

    public int Offset { get; private set; }

    public bool IncludeAll { get; private set; }

    /// <summary>Attributes asked for with includefield (or an empty matching key) beyond the level's defaults.</summary>
    public HashSet<DicomTag> IncludeFields { get; } = [];

    /// <summary>PS3.18 §8.3.4.4: what was ignored, for a Warning header.</summary>
    public List<string> Warnings { get; } = [];

    public static QidoQuery Parse(QidoLevel level, IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> parameters,
        string? study, string? series, out string? error)
    {
        var query = new QidoQuery(level);
        error = null;
        if (study is not null)
        {
            query.StudyUids = [study];
            query.UnderStudy = true;
        }

        if (series is not null)
        {
            query.SeriesUids = [series];
            query.UnderSeries = true;
        }

        foreach ((string name, Microsoft.Extensions.Primitives.StringValues values) in parameters)
        {
            foreach (string? raw in values)
            {
                error = query.Apply(name, raw ?? "");
                if (error is not null)
                {
                    return query;
                }
            }
        }

        return query;
    }

    private string? Apply(string name, string value)
    {
        switch (name.ToUpperInvariant())
        {
            case "LIMIT":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int limit) || limit < 1)
                {
                    return $"limit must be a positive integer, not '{value}'";
                }

                if (limit > MaxLimit)
                {
                    Warnings.Add($"limit {limit} lowered to {MaxLimit}");
                }

                Limit = Math.Min(limit, MaxLimit);
                return null;
            case "OFFSET":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int offset))
                {
                    return $"offset must be a non-negative integer, not '{value}'";
                }

                Offset = offset;
                return null;
            case "INCLUDEFIELD":
                foreach (string field in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (field.Equals("all", StringComparison.OrdinalIgnoreCase))
                    {
                        IncludeAll = true;
                    }
                    else if (TryResolve(field, out DicomTag tag))
                    {
                        IncludeFields.Add(tag);
                    }
                    else
                    {
                        return $"includefield '{field}' is neither a DICOM keyword nor a tag";
                    }
                }

                return null;
            case "ACCESS_TOKEN":
                return null; // a browser's credential (TelemedAuth), not a matching key
            case "FUZZYMATCHING":
                if (value.Equals("true", StringComparison.OrdinalIgnoreCase))
                {
                    Warnings.Add("fuzzymatching is not supported: literal matching was performed");
                }

                return null;
        }

        if (!TryResolve(name, out DicomTag key))
        {
            return $"'{name}' is neither a query parameter nor a DICOM keyword or tag";
        }

        value = value.Trim();
        if (value.Length == 0 || value == "*")
        {
            // Universal matching (PS3.4 C.2.2.2.3): no condition, but the attribute is returned.
            IncludeFields.Add(key);
            return null;
        }

        string? keyword = DicomDictionary.GetKeyword(key);
        switch (keyword)
        {
            case "PatientName":
                PatientName = value;
                break;
            case "PatientID":
                PatientId = value;
                break;
            case "AccessionNumber":
                AccessionNumber = value;
                break;
            case "StudyDescription":
                StudyDescription = value;
                break;
            case "SeriesDescription":
                SeriesDescription = value;
                break;
            case "StudyID":
                StudyId = value;
                break;
            case "ReferringPhysicianName":
                ReferringPhysicianName = value;
                break;
            case "PatientSex":
                PatientSex = value;
                break;
            case "StudyDate":
                return ParseDateRange(value);
            case "ModalitiesInStudy":
            case "Modality":
                Modalities = UidList(value);
                break;
            case "StudyInstanceUID":
                StudyUids = Narrow(StudyUids, UidList(value));
                break;
            case "SeriesInstanceUID":
                SeriesUids = Narrow(SeriesUids, UidList(value));
                break;
            case "SOPInstanceUID":
                SopInstanceUids = UidList(value);
                break;
            case "SOPClassUID":
                SopClassUids = UidList(value);
                break;
            case "SeriesNumber":
            case "InstanceNumber":
                if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int number))
                {
                    return $"{keyword} must be an integer, not '{value}'";
                }

                if (keyword == "SeriesNumber")
                {
                    SeriesNumber = number;
                }
                else
                {
                    InstanceNumber = number;
                }

                break;
            default:
                Warnings.Add($"{keyword ?? Telemed.Dicom.Json.DicomJsonWriter.Key(key)} is not supported for matching: ignored");
                IncludeFields.Add(key);
                break;
        }

        return null;
    }

    /// <summary>PS3.4 C.2.2.2.5: "a-b", "-b", "a-" or a single date; DA values compare as text (YYYYMMDD).</summary>
    private string? ParseDateRange(string value)
    {
        int dash = value.IndexOf('-', StringComparison.Ordinal);
        string from = dash < 0 ? value : value[..dash].Trim();
        string to = dash < 0 ? value : value[(dash + 1)..].Trim();
        if ((from.Length > 0 && !IsDate(from)) || (to.Length > 0 && !IsDate(to)) || (from.Length == 0 && to.Length == 0))
        {
            return $"StudyDate '{value}' is not a date (YYYYMMDD) or range (a-b, -b, a-)";
        }

        HasStudyDate = true;
        StudyDateFrom = from.Length > 0 ? from : null;
        StudyDateTo = to.Length > 0 ? to : null;
        return null;
    }

    private static bool IsDate(string text) =>
        DateOnly.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    /// <summary>PS3.18 §8.3.4.1: a list of UIDs (or of CS values) separated by commas or backslashes.</summary>
    private static string[] UidList(string value) =>
        value.Split([',', '\\'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A path UID and a query UID together: only what both allow.</summary>
    private static string[] Narrow(IReadOnlyList<string>? current, string[] asked) =>
        current is null ? asked : [.. current.Intersect(asked, StringComparer.Ordinal)];

    /// <summary>An attribute named by keyword (PatientName) or by tag (00100010).</summary>
    public static bool TryResolve(string text, out DicomTag tag)
    {
        if (text.Length == 8 && text.All(Uri.IsHexDigit) && DicomTag.TryParse(text, out tag))
        {
            return true;
        }

        if (DicomDictionary.TryGetEntry(text, out DicomDictionaryEntry entry) && !entry.IsRange)
        {
            tag = entry.First;
            return true;
        }

        tag = default;
        return false;
    }
}
