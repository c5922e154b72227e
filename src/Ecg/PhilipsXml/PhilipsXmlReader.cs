using System.Globalization;
using System.Xml.Linq;
using Telemed.Ecg.Formats;
using Telemed.Ecg.Rhythm;
using Telemed.Ecg.Signals;

namespace Telemed.Ecg.PhilipsXml;

/// <summary>
/// Reads Philips Sierra ECG (1.03) and PhilipsECG (1.04, 1.04.01) XML — HeartStart and PageWriter exports, UTF-8 or
/// UTF-16 — into an <see cref="EcgDocument"/>: the parsedwaveforms (Base64, XLI-compressed or raw 16-bit), sampling
/// rate and resolution from the signal characteristics, patient and acquisition data.
/// </summary>
/// <remarks>
/// With XLI the carts store III, aVR, aVL and aVF of a 12-lead set as residuals against their values derived from I and
/// II (sierra-ecg-tools format notes); the reader adds the derivation back: III = II − I − r, aVR = −r − ⌊(I + II)/2⌋,
/// aVL = ⌊(I − III)/2⌋ − r, aVF = ⌊(II + III)/2⌋ − r.
/// </remarks>
public static class PhilipsXmlReader
{
    public const int MaxDocumentBytes = 64 * 1024 * 1024;

    public static EcgDocument Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return Read(stream, Path.GetFileNameWithoutExtension(path));
    }

    public static EcgDocument Read(Stream stream, string? name = null) =>
        Read(BoundedInput.ReadAll(stream, MaxDocumentBytes, EcgFileFormat.PhilipsXml), name);

    public static EcgDocument Read(byte[] document, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        var root = SafeXml.Load(document, MaxDocumentBytes, EcgFileFormat.PhilipsXml).Root;
        if (root is null || root.Name.LocalName != "restingecgdata")
        {
            throw Error("document element", $"the root is <{root?.Name.LocalName}>, not <restingecgdata>.");
        }

        var warnings = new List<string>();
        var signal = Element(root, "signalcharacteristics") ?? throw Error("dataacquisition/signalcharacteristics", "missing.");
        var waveforms = Element(root, "parsedwaveforms") ?? throw Error("waveforms/parsedwaveforms", "missing.");
        int rate = Integer(Element(signal, "samplingrate")?.Value, "signalcharacteristics/samplingrate", 1, 100_000);
        double resolution = Number((Element(signal, "resolution") ?? Element(signal, "signalresolution"))?.Value ?? waveforms.Attribute("resolution")?.Value, "signalcharacteristics/resolution");
        if (resolution is < 1e-6 or > 1e6)
        {
            throw Error("signalcharacteristics/resolution", $"{resolution} µV per unit is not a usable ECG resolution.");
        }

        int durationMs = Integer(waveforms.Attribute("durationperchannel")?.Value, "parsedwaveforms@durationperchannel", 1, 24 * 3600 * 1000);
        long samples = (long)durationMs * rate / 1000;
        if (samples < 1 || samples > 50_000_000)
        {
            throw Error("parsedwaveforms@durationperchannel", $"{durationMs} ms at {rate} Hz is {samples} samples per lead.");
        }

        var labels = Labels(signal, waveforms);
        if (waveforms.Attribute("dataencoding")?.Value is string encoding && encoding != "Base64")
        {
            throw Error("parsedwaveforms@dataencoding", $"'{encoding}' is not supported (Base64 is).");
        }

        byte[] data;
        try
        {
            data = Convert.FromBase64String(waveforms.Value);
        }
        catch (FormatException e)
        {
            throw Error("parsedwaveforms", "the waveform text is not Base64.", e);
        }

        string compression = waveforms.Attribute("compressmethod")?.Value ?? waveforms.Attribute("compression")?.Value ?? "Uncompressed";
        int[][] values = compression switch
        {
            "XLI" => new XliDecoder().Decode(data, labels.Count, (int)samples),
            "Uncompressed" => Raw(data, labels.Count, (int)samples),
            _ => throw Error("parsedwaveforms@compression", $"'{compression}' is not supported (XLI and uncompressed are)."),
        };
        if (compression == "XLI")
        {
            AddLimbLeadDerivation(values, labels, warnings);
        }

        double gain = 1000 / resolution; // resolution is µV per unit; gain is units per mV
        int length = SignalLength(values, rate, warnings);
        var leads = labels.Select((label, i) => new EcgLead(LeadNames.Parse(label), label, values[i].AsMemory(0, length), gain, 0)).ToList();
        return new EcgDocument(EcgFileFormat.PhilipsXml, new EcgRecording(rate, leads, name), Metadata(root), warnings);
    }

    private static List<string> Labels(XElement signal, XElement waveforms)
    {
        if (waveforms.Attribute("leadlabels")?.Value is string list && list.Trim().Length > 0)
        {
            var labels = list.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
            if (waveforms.Attribute("numberofleads")?.Value is string n)
            {
                int count = Integer(n, "parsedwaveforms@numberofleads", 1, labels.Count);
                labels = labels.Take(count).ToList();
            }

            return labels;
        }

        // Sierra 1.03: no labels; STD-12 / 10-WIRE carts store the 12 leads in the standard order.
        int channels = Integer(Element(signal, "numberchannelsallocated")?.Value, "signalcharacteristics/numberchannelsallocated", 1, 64);
        string type = Element(signal, "acquisitiontype")?.Value.Trim() ?? "";
        return Enumerable.Range(0, channels)
            .Select(i => type is "STD-12" or "10-WIRE" && i < 12 ? LeadNames.Label(LeadNames.Standard12[i]) : $"Channel {i + 1}")
            .ToList();
    }

    /// <summary>
    /// The carts append a calibration pulse after the ECG (in the real files 1 mV for 200 ms, then zeros). It is found
    /// where every lead holds the same non-zero value, which no cardiac signal can (Einthoven: I + III = II), and cut off
    /// with what follows, so the analysis never takes the pulse for a beat.
    /// </summary>
    private static int SignalLength(int[][] values, int rate, List<string> warnings)
    {
        int n = values[0].Length;
        int minimumRun = Math.Max(2, rate / 50); // 20 ms
        if (values.Length < 3)
        {
            return n;
        }

        int run = 0;
        for (int t = Math.Max(0, n - (2 * rate)); t < n; t++)
        {
            bool pulse = values[0][t] != 0;
            for (int l = 1; l < values.Length && pulse; l++)
            {
                pulse = values[l][t] == values[0][t];
            }

            run = pulse ? run + 1 : 0;
            if (run >= minimumRun)
            {
                int start = t - run + 1;
                warnings.Add(string.Create(CultureInfo.InvariantCulture, $"calibration pulse from {start / (double)rate:0.###} s cut off; the ECG ends there."));
                return start;
            }
        }

        return n;
    }

    private static void AddLimbLeadDerivation(int[][] values, List<string> labels, List<string> warnings)
    {
        if (labels.Count < 6 || labels[0] != "I" || labels[1] != "II" || labels[2] != "III" || labels[3] != "aVR" || labels[4] != "aVL" || labels[5] != "aVF")
        {
            warnings.Add($"leads are {string.Join(' ', labels.Take(6))}, not I II III aVR aVL aVF: no limb lead derivation was applied.");
            return;
        }

        int[] i1 = values[0], i2 = values[1], i3 = values[2], avr = values[3], avl = values[4], avf = values[5];
        for (int t = 0; t < i1.Length; t++)
        {
            i3[t] = i2[t] - i1[t] - i3[t];
            avr[t] = -avr[t] - ((i1[t] + i2[t]) >> 1); // >> 1 is the floor of the half, also for negative sums
            avl[t] = ((i1[t] - i3[t]) >> 1) - avl[t];
            avf[t] = ((i2[t] + i3[t]) >> 1) - avf[t];
        }
    }

    private static int[][] Raw(byte[] data, int leads, int samples)
    {
        if ((long)leads * samples * 2 > data.Length)
        {
            throw Error("parsedwaveforms", $"{data.Length} bytes cannot hold {leads} leads of {samples} 16-bit samples.");
        }

        var values = new int[leads][];
        for (int l = 0; l < leads; l++)
        {
            values[l] = new int[samples];
            for (int t = 0; t < samples; t++)
            {
                values[l][t] = BitConverter.ToInt16(data, 2 * ((l * samples) + t));
            }
        }

        return values;
    }

    private static EcgMetadata Metadata(XElement root)
    {
        var patient = Element(root, "generalpatientdata");
        var acquisition = Element(root, "dataacquisition");
        string? sex = Text(Element(patient, "sex")?.Value);
        DateTime? at = null;
        if (acquisition?.Attribute("date")?.Value is string date
            && DateTime.TryParseExact($"{date} {acquisition.Attribute("time")?.Value ?? "00:00:00"}", "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            at = parsed;
        }

        var age = Element(patient, "age");
        return new EcgMetadata
        {
            PatientId = Text(Element(patient, "patientid")?.Value),
            FamilyName = Text(Element(patient, "lastname")?.Value),
            GivenName = Text(Element(patient, "firstname")?.Value),
            Sex = sex switch { "Male" => Sex.Male, "Female" => Sex.Female, _ => null },
            AgeYears = int.TryParse(Element(age, "years")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int years) ? years : null,
            BirthDate = DateOnly.TryParseExact(Element(age, "dateofbirth")?.Value ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth) ? birth : null,
            AcquisitionTime = at,
            Device = Text(Element(Element(root, "dataacquisition"), "machine")?.Value),
        };
    }

    private static XElement? Element(XElement? parent, string localName) =>
        parent?.Descendants().FirstOrDefault(e => e.Name.LocalName == localName);

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) || value.Trim() == "---" ? null : value.Trim();

    private static int Integer(string? text, string where, int min, int max) =>
        int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
            ? v
            : throw Error(where, $"'{text}' is not a whole number from {min} to {max}.");

    private static double Number(string? text, string where) =>
        double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && double.IsFinite(v)
            ? v
            : throw Error(where, $"'{text}' is not a positive number.");

    private static EcgFormatException Error(string location, string problem, Exception? inner = null) =>
        new(EcgFileFormat.PhilipsXml, location, problem, inner);
}
