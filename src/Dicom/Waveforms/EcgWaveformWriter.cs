using System.Globalization;
using Telemed.Dicom.Data;
using Telemed.Dicom.Dictionary;
using Telemed.Dicom.Files;
using Telemed.Ecg.Analysis;
using Telemed.Ecg.Signals;

namespace Telemed.Dicom.Waveforms;

/// <summary>
/// Writes an <see cref="EcgRecording"/> as a 12-Lead ECG object (PS3.3 A.34.3), or as a General ECG object (A.34.4)
/// when it breaks the 12-lead constraints, with our analysis in the Waveform Annotation Sequence (C.10.10) so a
/// viewer shows the beats, the measurements and the flags beside the traces.
/// </summary>
public static class EcgWaveformWriter
{
    /// <summary>PS3.3 A.34.3.4: 1–13 channels, 200–1000 Hz, at most 16384 samples per channel.</summary>
    private const int TwelveLeadMaxChannels = 13;
    private const int TwelveLeadMaxSamples = 16384;

    /// <summary>Our analysis goes in annotation group 1 (C.10.10.1: groups gather annotations of one source).</summary>
    private const ushort AnalysisGroup = 1;

    public static DicomFile Create(EcgRecording recording, EcgStudyInfo study, EcgAnalysis? analysis = null) =>
        DicomFile.Create(Build(recording, study, analysis));

    public static DicomDataset Build(EcgRecording recording, EcgStudyInfo study, EcgAnalysis? analysis = null)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(study);
        var codes = new CodedConcept[recording.Leads.Count];
        for (int i = 0; i < codes.Length; i++)
        {
            EcgLead lead = recording.Leads[i];
            codes[i] = EcgLeadCodes.ForLead(lead.Id)
                ?? throw new ArgumentException($"Lead {lead.Label} ({lead.Id}) has no CID 3001 code; an ECG object cannot name its source.", nameof(recording));
            if (!lead.IsVoltage)
            {
                throw new ArgumentException($"Lead {lead.Label} is in '{lead.Units}', not a voltage.", nameof(recording));
            }
        }

        bool twelveLead = recording.Leads.Count <= TwelveLeadMaxChannels && recording.Length <= TwelveLeadMaxSamples
            && recording.SamplingRate is >= 200 and <= 1000;
        DateTime at = study.AcquisitionDateTime;
        string date = at.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        string time = at.ToString("HHmmss", CultureInfo.InvariantCulture);

        var ds = new DicomDatasetBuilder(study.CharacterSet);
        // SOP Common (C.12.1)
        ds.Add("SOPClassUID", twelveLead ? WaveformSopClasses.TwelveLeadEcg : WaveformSopClasses.GeneralEcg)
            .Add("SOPInstanceUID", study.SopInstanceUid)
            // Patient (C.7.1.1); made-up identities only in samples and tests.
            .Add("PatientName", study.PatientName)
            .Add("PatientID", study.PatientId)
            .Add("PatientBirthDate", study.PatientBirthDate?.ToString("yyyyMMdd", CultureInfo.InvariantCulture) ?? "")
            .Add("PatientSex", study.PatientSex ?? "")
            // General Study (C.7.2.1): Type 2 attributes present, empty when unknown.
            .Add("StudyInstanceUID", study.StudyInstanceUid)
            .Add("StudyDate", date)
            .Add("StudyTime", time)
            .Add("ReferringPhysicianName", "")
            .Add("StudyID", study.StudyId ?? "")
            .Add("AccessionNumber", "")
            // General Series (C.7.3.1)
            .Add("Modality", "ECG")
            .Add("SeriesInstanceUID", study.SeriesInstanceUid)
            .AddInteger("SeriesNumber", 1)
            // General Equipment (C.7.5.1)
            .Add("Manufacturer", study.Manufacturer)
            // Waveform Identification (C.10.8)
            .AddInteger("InstanceNumber", 1)
            .Add("ContentDate", date)
            .Add("ContentTime", time)
            .Add("AcquisitionDateTime", at.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture))
            // Acquisition Context (C.7.6.14): Type 2, nothing to say about the acquisition context.
            .AddSequence("AcquisitionContextSequence")
            .AddSequence("WaveformSequence", MultiplexGroup(ds, recording, codes));
        if (study.InstitutionName is string institution)
        {
            ds.Add("InstitutionName", institution);
        }

        if (analysis is not null)
        {
            ds.AddSequence("WaveformAnnotationSequence", [.. Annotations(ds, analysis)]);
        }

        return ds.Build();
    }

    /// <summary>C.10.9: one multiplex group holding every lead, 16-bit signed samples (A.34.3.4.5) interleaved.</summary>
    private static DicomDatasetBuilder MultiplexGroup(DicomDatasetBuilder ds, EcgRecording recording, CodedConcept[] codes)
    {
        int channels = recording.Leads.Count;
        int n = recording.Length;
        var interleaved = new short[channels * n];
        var definitions = new DicomDatasetBuilder[channels];
        for (int c = 0; c < channels; c++)
        {
            EcgLead lead = recording.Leads[c];
            double microvoltsPerAdu = Quantize(lead, out short[] samples);
            for (int t = 0; t < n; t++)
            {
                interleaved[(t * channels) + c] = samples[t];
            }

            definitions[c] = ds.CreateItem()
                .Add("ChannelLabel", LeadNames.Label(lead.Id))
                .AddSequence("ChannelSourceSequence", codes[c].ToItem(ds))
                // C.10.9.1.4.3: value in microvolts = sample × sensitivity × correction factor.
                .AddDecimal("ChannelSensitivity", microvoltsPerAdu)
                .AddSequence("ChannelSensitivityUnitsSequence", EcgAnnotationCodes.Microvolt.ToItem(ds))
                .AddDecimal("ChannelSensitivityCorrectionFactor", 1)
                .AddDecimal("ChannelBaseline", 0)
                .AddDecimal("ChannelSampleSkew", 0)
                .AddUInt16("WaveformBitsStored", 16);
        }

        return ds.CreateItem()
            .Add("WaveformOriginality", "ORIGINAL")
            .AddUInt16("NumberOfWaveformChannels", checked((ushort)channels))
            .AddUInt32("NumberOfWaveformSamples", checked((uint)n))
            .AddDecimal("SamplingFrequency", recording.SamplingRate)
            .Add("MultiplexGroupLabel", "RHYTHM")
            .AddSequence("ChannelDefinitionSequence", definitions)
            .AddUInt16("WaveformBitsAllocated", 16)
            .Add("WaveformSampleInterpretation", "SS")
            .AddWords(DicomDictionary.GetTag("WaveformData"), interleaved);
    }

    /// <summary>
    /// The lead's own integers when they fit 16 bits (lossless: the sensitivity is the lead's µV per ADU); otherwise
    /// requantized to the finest whole-nanovolt step that fits. Returns microvolts per stored unit.
    /// </summary>
    private static double Quantize(EcgLead lead, out short[] samples)
    {
        ReadOnlySpan<int> adu = lead.Samples.Span;
        samples = new short[adu.Length];
        long maxAbs = 0;
        foreach (int v in adu)
        {
            maxAbs = Math.Max(maxAbs, Math.Abs((long)v - lead.Baseline));
        }

        double microvoltsPerAdu = 1000 / lead.AduPerMillivolt;
        if (maxAbs <= short.MaxValue)
        {
            for (int i = 0; i < adu.Length; i++)
            {
                samples[i] = (short)(adu[i] - lead.Baseline);
            }

            return microvoltsPerAdu;
        }

        double step = Math.Ceiling(maxAbs * microvoltsPerAdu / short.MaxValue * 1000) / 1000;
        for (int i = 0; i < adu.Length; i++)
        {
            samples[i] = (short)Math.Clamp(Math.Round(lead.ToMillivolts(adu[i]) * 1000 / step), short.MinValue, short.MaxValue);
        }

        return step;
    }

    /// <summary>C.10.10: beats as sample positions, global measurements as numeric values, flags as text.</summary>
    private static IEnumerable<DicomDatasetBuilder> Annotations(DicomDatasetBuilder ds, EcgAnalysis analysis)
    {
        // C.10.10.1.1: (multiplex group 1, channel 0) means every channel of the group.
        ushort[] allChannels = [1, 0];
        if (analysis.Beats.Count > 0)
        {
            // C.10.10.1.2: Referenced Sample Positions count from 1.
            yield return ds.CreateItem()
                .AddUInt16("AnnotationGroupNumber", AnalysisGroup)
                .AddSequence("ConceptNameCodeSequence", EcgAnnotationCodes.QrsComplex.ToItem(ds))
                .AddUInt16("ReferencedWaveformChannels", allChannels)
                .Add("TemporalRangeType", analysis.Beats.Count == 1 ? "POINT" : "MULTIPOINT")
                .AddUInt32("ReferencedSamplePositions", [.. analysis.Beats.Select(b => checked((uint)(b.Sample + 1)))]);
        }

        var m = analysis.Measurements;
        (CodedConcept Concept, double? Value, CodedConcept Unit)[] numbers =
        [
            (EcgAnnotationCodes.HeartRate, m.HeartRateBpm, EcgAnnotationCodes.PerMinute),
            (EcgAnnotationCodes.PrInterval, m.PrMs, EcgAnnotationCodes.Millisecond),
            (EcgAnnotationCodes.QrsDuration, m.QrsMs, EcgAnnotationCodes.Millisecond),
            (EcgAnnotationCodes.QtInterval, m.QtMs, EcgAnnotationCodes.Millisecond),
            (EcgAnnotationCodes.QtcInterval, m.QtcBazettMs, EcgAnnotationCodes.Millisecond),
            (EcgAnnotationCodes.QrsAxis, m.FrontalAxisDegrees, EcgAnnotationCodes.Degree),
        ];
        foreach (var (concept, value, unit) in numbers)
        {
            if (value is double v)
            {
                yield return ds.CreateItem()
                    .AddUInt16("AnnotationGroupNumber", AnalysisGroup)
                    .AddSequence("ConceptNameCodeSequence", concept.ToItem(ds))
                    .AddUInt16("ReferencedWaveformChannels", allChannels)
                    .AddDecimal("NumericValue", Math.Round(v))
                    .AddSequence("MeasurementUnitsCodeSequence", unit.ToItem(ds));
            }
        }

        foreach (var flag in analysis.Flags)
        {
            // ST (1024 characters) holds a flag's one-line summary.
            string text = $"{flag.Urgency} {flag.Kind}: {flag.Summary}";
            yield return ds.CreateItem()
                .AddUInt16("AnnotationGroupNumber", AnalysisGroup)
                .AddUInt16("ReferencedWaveformChannels", allChannels)
                .Add("UnformattedTextValue", text.Length <= 1024 ? text : text[..1024]);
        }
    }
}
