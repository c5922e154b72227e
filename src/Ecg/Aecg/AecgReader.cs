using System.Globalization;
using System.Xml.Linq;
using Telemed.Ecg.Formats;
using Telemed.Ecg.Rhythm;
using Telemed.Ecg.Signals;

namespace Telemed.Ecg.Aecg;

/// <summary>
/// Reads an HL7 v3 annotated ECG (AnnotatedECG, HL7 aECG 2003-12) into an <see cref="EcgDocument"/>: the RHYTHM series
/// (not the representative/median beat in its derivedSeries), its first sequence set's time increment and SLIST_PQ
/// leads (value = origin + scale × digit), the trial subject's id, name, sex, birth date and reported age, the device model.
/// </summary>
/// <remarks>
/// The XML is untrusted: DTDs are refused (no entity expansion, no external resources) and documents above
/// <see cref="MaxDocumentBytes"/> are refused before parsing.
/// </remarks>
public static class AecgReader
{
    public const int MaxDocumentBytes = 64 * 1024 * 1024;

    internal static readonly XNamespace V3 = "urn:hl7-org:v3";
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    public static EcgDocument Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return Read(stream, Path.GetFileNameWithoutExtension(path));
    }

    public static EcgDocument Read(Stream stream, string? name = null)
    {
        byte[] bytes = BoundedInput.ReadAll(stream, MaxDocumentBytes, EcgFileFormat.HL7Aecg);
        return Read(bytes, name);
    }

    public static EcgDocument Read(byte[] document, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        var root = Load(document).Root;
        if (root is null || root.Name != V3 + "AnnotatedECG")
        {
            throw Error("document element", $"the root is <{root?.Name.LocalName}> in '{root?.Name.NamespaceName}', not <AnnotatedECG> in urn:hl7-org:v3.");
        }

        var warnings = new List<string>();
        var series = root.Elements(V3 + "component").Elements(V3 + "series").ToList();
        var rhythm = series.FirstOrDefault(s => Code(s) == "RHYTHM");
        if (rhythm is null)
        {
            rhythm = series.FirstOrDefault() ?? throw Error("AnnotatedECG/component/series", "the document has no series.");
            warnings.Add($"no series coded RHYTHM; read the first series (coded '{Code(rhythm)}').");
        }

        var sets = rhythm.Elements(V3 + "component").Elements(V3 + "sequenceSet").ToList();
        if (sets.Count == 0)
        {
            throw Error("series/component/sequenceSet", "the rhythm series has no sequence set.");
        }

        if (sets.Count > 1)
        {
            warnings.Add($"the rhythm series has {sets.Count} sequence sets; only the first was read.");
        }

        var recording = ReadSequenceSet(sets[0], name, warnings);
        var metadata = ReadMetadata(root, rhythm);
        return new EcgDocument(EcgFileFormat.HL7Aecg, recording, metadata, warnings);
    }

    internal static XDocument Load(byte[] document) => SafeXml.Load(document, MaxDocumentBytes, EcgFileFormat.HL7Aecg);

    private static EcgRecording ReadSequenceSet(XElement set, string? name, List<string> warnings)
    {
        var sequences = set.Elements(V3 + "component").Elements(V3 + "sequence").ToList();
        var time = sequences.FirstOrDefault(s => Code(s) is "TIME_ABSOLUTE" or "TIME_RELATIVE")
            ?? throw Error("sequenceSet", "no TIME_ABSOLUTE or TIME_RELATIVE sequence gives the sample interval.");
        var increment = time.Element(V3 + "value")?.Element(V3 + "increment")
            ?? throw Error($"sequence {Code(time)}/value/increment", "missing.");
        double rate = SamplingRate(increment);

        var leads = new List<EcgLead>();
        foreach (var sequence in sequences)
        {
            string code = Code(sequence) ?? "";
            if (!code.StartsWith("MDC_ECG_LEAD_", StringComparison.Ordinal))
            {
                continue;
            }

            leads.Add(ReadLead(sequence, code, warnings));
        }

        if (leads.Count == 0)
        {
            throw Error("sequenceSet", "no MDC_ECG_LEAD_* sequence.");
        }

        int length = leads.Min(l => l.Length);
        if (length == 0)
        {
            throw Error("sequenceSet", "a lead has no samples.");
        }

        if (leads.Any(l => l.Length != length))
        {
            warnings.Add($"leads have {leads.Min(l => l.Length)}–{leads.Max(l => l.Length)} samples; all were cut to {length}.");
            leads = leads.Select(l => l.Slice(0, length)).ToList();
        }

        return new EcgRecording(rate, leads, name);
    }

    /// <summary>
    /// 1 / increment. Files print the increment to a few decimals (1/360 s as 0.0027778), so the whole-Hz rate whose
    /// increment, rounded to the file's decimals, equals the file's value is the rate the device used.
    /// </summary>
    private static double SamplingRate(XElement increment)
    {
        string text = increment.Attribute("value")?.Value.Trim() ?? "";
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value) || value <= 0)
        {
            throw Error("time sequence/value/increment", $"value '{text}' is not a positive number.");
        }

        decimal seconds = (increment.Attribute("unit")?.Value.Trim() ?? "s") switch
        {
            "s" => value,
            "ms" => value / 1000,
            "us" => value / 1_000_000,
            var unit => throw Error("time sequence/value/increment", $"unit '{unit}' is not s, ms or us."),
        };
        if (seconds < 1e-7m || seconds > 10m)
        {
            throw Error("time sequence/value/increment", $"{seconds} s per sample is no ECG sampling rate.");
        }

        decimal exact = 1 / seconds;
        decimal whole = Math.Round(exact);
        int decimals = value.Scale;
        return whole > 0 && Math.Round(1 / whole * (value / seconds), decimals) == value ? (double)whole : (double)exact;
    }

    private static EcgLead ReadLead(XElement sequence, string code, List<string> warnings)
    {
        string where = $"sequence {code}/value";
        var value = sequence.Element(V3 + "value") ?? throw Error(where, "missing.");
        string? type = value.Attribute(Xsi + "type")?.Value;
        if (type is not null && !type.EndsWith("SLIST_PQ", StringComparison.Ordinal))
        {
            throw Error(where, $"xsi:type {type} is not supported (SLIST_PQ is).");
        }

        double origin = Quantity(value.Element(V3 + "origin"), where + "/origin", 0);
        double scale = Quantity(value.Element(V3 + "scale"), where + "/scale", null);
        if (!(scale >= 1e-9) || scale > 1e6)
        {
            throw Error(where + "/scale", $"{scale} mV per digit is not a usable ECG resolution.");
        }

        var digits = ParseDigits(value.Element(V3 + "digits")?.Value ?? throw Error(where + "/digits", "missing."), where + "/digits");
        double baseline = -origin / scale;
        int roundedBaseline = (int)Math.Round(baseline);
        if (Math.Abs(baseline - roundedBaseline) > 1e-6 || Math.Abs(baseline) > int.MaxValue / 2)
        {
            warnings.Add($"{code}: origin {origin} mV is not a whole number of {scale} mV digits; rounded to {roundedBaseline} digits.");
        }

        string suffix = code["MDC_ECG_LEAD_".Length..];
        var id = LeadNames.Parse(suffix);
        string label = id is LeadId.Unknown ? suffix : LeadNames.Label(id);
        return new EcgLead(id, label, digits, 1 / scale, roundedBaseline);
    }

    /// <summary>A PQ value in millivolts (value and unit attributes); <paramref name="absent"/> when the element is missing.</summary>
    private static double Quantity(XElement? element, string where, double? absent)
    {
        if (element is null)
        {
            return absent ?? throw Error(where, "missing.");
        }

        string text = element.Attribute("value")?.Value ?? "";
        string unit = element.Attribute("unit")?.Value ?? "";
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw Error(where, $"value '{text}' is not a number.");
        }

        return EcgLead.MillivoltsPer(unit) is double mv ? value * mv : throw Error(where, $"unit '{unit}' is not a voltage.");
    }

    /// <summary>Whitespace-separated integers; the count is bounded by the text's length, so no hostile count is allocated.</summary>
    private static int[] ParseDigits(string text, string where)
    {
        var values = new List<int>(text.Length / 3);
        var span = text.AsSpan();
        int i = 0;
        while (i < span.Length)
        {
            while (i < span.Length && char.IsWhiteSpace(span[i]))
            {
                i++;
            }

            int start = i;
            while (i < span.Length && !char.IsWhiteSpace(span[i]))
            {
                i++;
            }

            if (i > start)
            {
                if (!int.TryParse(span[start..i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v))
                {
                    throw Error(where, $"digit {values.Count + 1}, '{span[start..i].ToString()}', is not an integer.");
                }

                values.Add(v);
            }
        }

        return [.. values];
    }

    private static EcgMetadata ReadMetadata(XElement root, XElement rhythm)
    {
        var subject = root.Descendants(V3 + "trialSubject").FirstOrDefault();
        var person = subject?.Element(V3 + "subjectDemographicPerson");
        string? gender = person?.Element(V3 + "administrativeGenderCode")?.Attribute("code")?.Value;
        var age = root.Elements(V3 + "controlVariable").Elements(V3 + "relatedObservation")
            .FirstOrDefault(o => Code(o) == "21612-7")?.Element(V3 + "value"); // LOINC 21612-7: reported age
        return new EcgMetadata
        {
            PatientId = Text(subject?.Element(V3 + "id")?.Attribute("extension")?.Value),
            FamilyName = Text(person?.Element(V3 + "name")?.Value),
            Sex = gender switch { "M" => Sex.Male, "F" => Sex.Female, _ => null },
            BirthDate = Timestamp(person?.Element(V3 + "birthTime")?.Attribute("value")?.Value) is DateTime b ? DateOnly.FromDateTime(b) : null,
            AgeYears = age?.Attribute("unit")?.Value == "a" && int.TryParse(age.Attribute("value")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int years) ? years : null,
            AcquisitionTime = Timestamp(rhythm.Element(V3 + "effectiveTime")?.Element(V3 + "low")?.Attribute("value")?.Value)
                ?? Timestamp(root.Element(V3 + "effectiveTime")?.Elements().FirstOrDefault()?.Attribute("value")?.Value),
            Device = Text(rhythm.Descendants(V3 + "manufacturerModelName").FirstOrDefault()?.Value),
        };
    }

    /// <summary>An HL7 TS (yyyyMMdd[HHmm[ss[.fff]]], zone offset ignored); null when absent or not a date.</summary>
    internal static DateTime? Timestamp(string? value)
    {
        if (value is null)
        {
            return null;
        }

        string text = value.Trim();
        int zone = text.IndexOfAny(['+', '-'], 1);
        if (zone > 0)
        {
            text = text[..zone];
        }

        string[] formats = ["yyyyMMddHHmmss.FFFFFFF", "yyyyMMddHHmmss", "yyyyMMddHHmm", "yyyyMMdd"];
        return DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : null;
    }

    private static string? Code(XElement element) => element.Element(V3 + "code")?.Attribute("code")?.Value;

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static EcgFormatException Error(string location, string problem, Exception? inner = null) =>
        new(EcgFileFormat.HL7Aecg, location, problem, inner);
}
