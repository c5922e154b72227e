using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Telemed.Ecg.Formats;
using Telemed.Ecg.Rhythm;
using Telemed.Ecg.Signals;

namespace Telemed.Ecg.Aecg;

/// <summary>
/// Writes an <see cref="EcgRecording"/> as an HL7 aECG (AnnotatedECG) document with one RHYTHM series: a time sequence
/// (GLIST_TS from the acquisition time, or GLIST_PQ from 0 s) and one SLIST_PQ sequence per lead whose digits are the
/// lead's ADC values, so reading the document back gives the same millivolts.
/// </summary>
public static class AecgWriter
{
    private const string ActCode = "2.16.840.1.113883.5.4";
    private const string Mdc = "2.16.840.1.113883.6.24";
    private static readonly XNamespace V3 = AecgReader.V3;
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    public static void Write(string path, EcgRecording recording, EcgMetadata? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        File.WriteAllBytes(path, Write(recording, metadata));
    }

    public static byte[] Write(EcgRecording recording, EcgMetadata? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(recording);
        metadata ??= EcgMetadata.Empty;
        var start = metadata.AcquisitionTime;
        var end = start?.Add(recording.Duration);
        var time = start is DateTime s
            ? Sequence("TIME_ABSOLUTE", ActCode, new XElement(V3 + "value", new XAttribute(Xsi + "type", "GLIST_TS"),
                new XElement(V3 + "head", new XAttribute("value", Ts(s))),
                Increment(recording.SamplingRate)))
            : Sequence("TIME_RELATIVE", ActCode, new XElement(V3 + "value", new XAttribute(Xsi + "type", "GLIST_PQ"),
                new XElement(V3 + "head", new XAttribute("value", "0"), new XAttribute("unit", "s")),
                Increment(recording.SamplingRate)));

        var series = new XElement(V3 + "series",
            new XElement(V3 + "id", new XAttribute("root", Guid.NewGuid().ToString())),
            Code("RHYTHM", ActCode),
            start is DateTime from ? Interval(from, end!.Value) : null,
            new XElement(V3 + "author", new XElement(V3 + "seriesAuthor", new XElement(V3 + "manufacturedSeriesDevice",
                new XElement(V3 + "manufacturerModelName", metadata.Device ?? ""),
                new XElement(V3 + "softwareName", "Telemed")))),
            new XElement(V3 + "component", new XElement(V3 + "sequenceSet",
                time,
                recording.Leads.Select(Lead))));

        var person = new XElement(V3 + "subjectDemographicPerson",
            metadata.FamilyName is null && metadata.GivenName is null ? null : new XElement(V3 + "name", string.Join(' ', new[] { metadata.FamilyName, metadata.GivenName }.OfType<string>())),
            metadata.Sex is Sex sex ? new XElement(V3 + "administrativeGenderCode", new XAttribute("code", sex == Sex.Male ? "M" : "F"), new XAttribute("codeSystem", "2.16.840.1.113883.5.1")) : null,
            metadata.BirthDate is DateOnly birth ? new XElement(V3 + "birthTime", new XAttribute("value", birth.ToString("yyyyMMdd", CultureInfo.InvariantCulture))) : null);

        var root = new XElement(V3 + "AnnotatedECG",
            new XAttribute(XNamespace.Xmlns + "xsi", Xsi),
            new XElement(V3 + "id", new XAttribute("root", Guid.NewGuid().ToString())),
            Code("93000", "2.16.840.1.113883.6.12"),
            start is DateTime at ? Interval(at, end!.Value) : null,
            new XElement(V3 + "componentOf", new XElement(V3 + "timepointEvent", new XElement(V3 + "componentOf",
                new XElement(V3 + "subjectAssignment", new XElement(V3 + "subject", new XElement(V3 + "trialSubject",
                    new XElement(V3 + "id", new XAttribute("extension", metadata.PatientId ?? "")),
                    person)))))),
            metadata.AgeYears is int age
                ? new XElement(V3 + "controlVariable", new XElement(V3 + "relatedObservation",
                    Code("21612-7", "2.16.840.1.113883.6.1"),
                    new XElement(V3 + "value", new XAttribute(Xsi + "type", "PQ"), new XAttribute("value", age.ToString(CultureInfo.InvariantCulture)), new XAttribute("unit", "a"))))
                : null,
            new XElement(V3 + "component", series));

        using var output = new MemoryStream();
        using (var writer = XmlWriter.Create(output, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            new XDocument(new XDeclaration("1.0", "utf-8", null), root).Save(writer);
        }

        return output.ToArray();
    }

    private static XElement Lead(EcgLead lead)
    {
        if (!lead.IsVoltage)
        {
            throw new ArgumentException($"Lead {lead.Label} is in '{lead.Units}', not a voltage.", nameof(lead));
        }

        // One digit is one ADC unit: scale = 1/gain millivolts, written in microvolts; the baseline becomes the origin.
        double scaleUv = 1000 / lead.AduPerMillivolt;
        double originUv = -lead.Baseline * scaleUv;
        var digits = new StringBuilder(lead.Length * 5);
        foreach (int v in lead.Samples.Span)
        {
            digits.Append(v.ToString(CultureInfo.InvariantCulture)).Append(' ');
        }

        string name = lead.Id is LeadId.Unknown ? lead.Label.ToUpperInvariant() : LeadNames.Label(lead.Id).ToUpperInvariant();
        return Sequence("MDC_ECG_LEAD_" + name, Mdc, new XElement(V3 + "value", new XAttribute(Xsi + "type", "SLIST_PQ"),
            new XElement(V3 + "origin", new XAttribute("value", originUv.ToString("R", CultureInfo.InvariantCulture)), new XAttribute("unit", "uV")),
            new XElement(V3 + "scale", new XAttribute("value", scaleUv.ToString("R", CultureInfo.InvariantCulture)), new XAttribute("unit", "uV")),
            new XElement(V3 + "digits", digits.ToString().TrimEnd())));
    }

    private static XElement Sequence(string code, string system, XElement value) =>
        new(V3 + "component", new XElement(V3 + "sequence", Code(code, system), value));

    private static XElement Code(string code, string system) =>
        new(V3 + "code", new XAttribute("code", code), new XAttribute("codeSystem", system));

    private static XElement Increment(double rate) =>
        new(V3 + "increment", new XAttribute("value", ((decimal)(1 / rate)).ToString(CultureInfo.InvariantCulture)), new XAttribute("unit", "s"));

    private static XElement Interval(DateTime from, DateTime to) =>
        new(V3 + "effectiveTime",
            new XElement(V3 + "low", new XAttribute("value", Ts(from)), new XAttribute("inclusive", "true")),
            new XElement(V3 + "high", new XAttribute("value", Ts(to)), new XAttribute("inclusive", "false")));

    private static string Ts(DateTime t) => t.ToString("yyyyMMddHHmmss.fff", CultureInfo.InvariantCulture);
}
