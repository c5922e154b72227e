using System.Buffers.Binary;
using Telemed.Dicom.Data;
using Telemed.Dicom.Dictionary;
using Telemed.Dicom.Files;
using Telemed.Dicom.Tags;
using Telemed.Ecg.Signals;

namespace Telemed.Dicom.Waveforms;

/// <summary>
/// Reads the ECG of a waveform object (PS3.3 C.10.9 Waveform Module) into an <see cref="EcgRecording"/>: one
/// multiplex group of the Waveform Sequence, its channels in Channel Definition Sequence order, samples kept as the
/// stored integers with each lead's gain and baseline taken from the channel's calibration.
/// </summary>
public static class EcgWaveformReader
{
    private static readonly DicomTag SopClassUid = DicomDictionary.GetTag("SOPClassUID");
    private static readonly DicomTag WaveformSequence = DicomDictionary.GetTag("WaveformSequence");
    private static readonly DicomTag NumberOfWaveformChannels = DicomDictionary.GetTag("NumberOfWaveformChannels");
    private static readonly DicomTag NumberOfWaveformSamples = DicomDictionary.GetTag("NumberOfWaveformSamples");
    private static readonly DicomTag SamplingFrequency = DicomDictionary.GetTag("SamplingFrequency");
    private static readonly DicomTag ChannelDefinitionSequence = DicomDictionary.GetTag("ChannelDefinitionSequence");
    private static readonly DicomTag ChannelLabel = DicomDictionary.GetTag("ChannelLabel");
    private static readonly DicomTag ChannelSourceSequence = DicomDictionary.GetTag("ChannelSourceSequence");
    private static readonly DicomTag ChannelSensitivity = DicomDictionary.GetTag("ChannelSensitivity");
    private static readonly DicomTag ChannelSensitivityUnitsSequence = DicomDictionary.GetTag("ChannelSensitivityUnitsSequence");
    private static readonly DicomTag ChannelSensitivityCorrectionFactor = DicomDictionary.GetTag("ChannelSensitivityCorrectionFactor");
    private static readonly DicomTag ChannelBaseline = DicomDictionary.GetTag("ChannelBaseline");
    private static readonly DicomTag WaveformBitsAllocated = DicomDictionary.GetTag("WaveformBitsAllocated");
    private static readonly DicomTag WaveformSampleInterpretation = DicomDictionary.GetTag("WaveformSampleInterpretation");
    private static readonly DicomTag WaveformData = DicomDictionary.GetTag("WaveformData");
    private static readonly DicomTag WaveformAnnotationSequence = DicomDictionary.GetTag("WaveformAnnotationSequence");
    private static readonly DicomTag AnnotationGroupNumber = DicomDictionary.GetTag("AnnotationGroupNumber");
    private static readonly DicomTag ConceptNameCodeSequence = DicomDictionary.GetTag("ConceptNameCodeSequence");
    private static readonly DicomTag UnformattedTextValue = DicomDictionary.GetTag("UnformattedTextValue");
    private static readonly DicomTag NumericValue = DicomDictionary.GetTag("NumericValue");
    private static readonly DicomTag MeasurementUnitsCodeSequence = DicomDictionary.GetTag("MeasurementUnitsCodeSequence");
    private static readonly DicomTag ReferencedSamplePositions = DicomDictionary.GetTag("ReferencedSamplePositions");

    /// <summary>True for the SOP Classes whose waveforms are ECGs (12-lead, general, ambulatory), and for
    /// hemodynamic objects that say Modality ECG.</summary>
    public static bool IsEcg(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        string? sopClass = dataset.TryGetElement(SopClassUid, out DicomElement? e) ? e.GetUid() : null;
        return sopClass is WaveformSopClasses.TwelveLeadEcg or WaveformSopClasses.GeneralEcg or WaveformSopClasses.AmbulatoryEcg
            || (sopClass == WaveformSopClasses.Hemodynamic && dataset.GetStringOrNull(DicomDictionary.GetTag("Modality")) == "ECG");
    }

    /// <summary>Reads the ECG of a file; see <see cref="Read(DicomDataset, string?, int?)"/>.</summary>
    public static EcgRecording Read(DicomFile file, string? name = null, int? multiplexGroup = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        return Read(file.Dataset, name, multiplexGroup);
    }

    /// <summary>
    /// Reads multiplex group <paramref name="multiplexGroup"/> (0-based), or by default the longest one: carts store
    /// the rhythm (e.g. 10 s) beside short median beats, and the rhythm is what analysis wants.
    /// </summary>
    public static EcgRecording Read(DicomDataset dataset, string? name = null, int? multiplexGroup = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        IReadOnlyList<DicomDataset> groups = dataset.TryGetElement(WaveformSequence, out DicomElement? seq) && seq is DicomSequence s
            ? s.Items
            : throw new DicomException($"{WaveformSequence} Waveform Sequence is missing: not a waveform object") { Tag = WaveformSequence };
        if (groups.Count == 0)
        {
            throw new DicomException("Waveform Sequence has no multiplex group") { Tag = WaveformSequence };
        }

        int index = multiplexGroup ?? LongestGroup(groups);
        if (index < 0 || index >= groups.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(multiplexGroup), multiplexGroup, $"the Waveform Sequence has {groups.Count} multiplex group(s)");
        }

        return ReadGroup(groups[index], index, name);
    }

    /// <summary>The Waveform Annotation Sequence (C.10.10) as typed annotations; empty when there is none.</summary>
    public static IReadOnlyList<EcgWaveformAnnotation> ReadAnnotations(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!dataset.TryGetElement(WaveformAnnotationSequence, out DicomElement? element) || element is not DicomSequence sequence)
        {
            return [];
        }

        var annotations = new List<EcgWaveformAnnotation>(sequence.Items.Count);
        foreach (DicomDataset item in sequence.Items)
        {
            long[] samples = [];
            if (item.TryGetElement(ReferencedSamplePositions, out DicomElement? positions))
            {
                samples = new long[positions.ValueCount];
                for (int i = 0; i < samples.Length; i++)
                {
                    samples[i] = positions.GetUInt32(i) - 1L; // C.10.10.1.2: the first sample is position 1
                }
            }

            annotations.Add(new EcgWaveformAnnotation(
                item.Contains(AnnotationGroupNumber) ? item.GetUInt16(AnnotationGroupNumber) : 0,
                CodedConcept.FromSequence(item, ConceptNameCodeSequence),
                item.GetStringOrNull(UnformattedTextValue),
                item.TryGetElement(NumericValue, out DicomElement? number) && number.ValueCount > 0 ? number.GetDouble() : null,
                CodedConcept.FromSequence(item, MeasurementUnitsCodeSequence),
                samples));
        }

        return annotations;
    }

    private static int LongestGroup(IReadOnlyList<DicomDataset> groups)
    {
        int best = 0;
        double bestSeconds = -1;
        for (int i = 0; i < groups.Count; i++)
        {
            double seconds = groups[i].GetUInt32(NumberOfWaveformSamples) / groups[i].GetDouble(SamplingFrequency);
            if (seconds > bestSeconds)
            {
                (best, bestSeconds) = (i, seconds);
            }
        }

        return best;
    }

    private static EcgRecording ReadGroup(DicomDataset group, int index, string? name)
    {
        string where = $"multiplex group {index + 1}";
        int channels = group.GetUInt16(NumberOfWaveformChannels);
        int samples = checked((int)group.GetUInt32(NumberOfWaveformSamples));
        double rate = group.GetDouble(SamplingFrequency);
        int bits = group.GetUInt16(WaveformBitsAllocated);
        string interpretation = group.GetString(WaveformSampleInterpretation);
        IReadOnlyList<DicomDataset> definitions = group.GetSequence(ChannelDefinitionSequence).Items;
        if (definitions.Count != channels)
        {
            throw new DicomException($"{where}: Number of Waveform Channels is {channels} but the Channel Definition Sequence has {definitions.Count} item(s)") { Tag = ChannelDefinitionSequence };
        }

        int[][] values = Deinterleave(group[WaveformData], channels, samples, bits, interpretation, where);
        var leads = new EcgLead[channels];
        for (int c = 0; c < channels; c++)
        {
            leads[c] = ReadChannel(definitions[c], values[c], $"{where} channel {c + 1}");
        }

        return new EcgRecording(rate, leads, name);
    }

    /// <summary>
    /// PS3.3 C.10.9.1.4.3 and C.10.9.1.4.4: value in the sensitivity units = stored sample × Channel Sensitivity ×
    /// Channel Sensitivity Correction Factor + Channel Baseline. The stored integer is used as it is: Waveform Bits
    /// Stored (e.g. 12) only says how many of the 16 bits carry information; it is no full-scale to divide by, and a
    /// reader that rescales by 2^bits or masks 12-bit signed values to unsigned gets amplitudes wrong.
    /// </summary>
    private static EcgLead ReadChannel(DicomDataset channel, int[] samples, string where)
    {
        CodedConcept? source = CodedConcept.FromSequence(channel, ChannelSourceSequence);
        string? label = channel.GetStringOrNull(ChannelLabel);
        LeadId lead = source is null ? LeadId.Unknown : EcgLeadCodes.ToLead(source);
        if (lead == LeadId.Unknown)
        {
            // Carts that use other schemes still name the lead in the meaning ("Lead I (Einthoven)") or label.
            string? text = source?.Meaning ?? label;
            lead = text is null ? LeadId.Unknown : LeadNames.Parse(text.Replace("Lead ", "", StringComparison.OrdinalIgnoreCase).Split(' ')[0]);
        }

        if (!channel.Contains(ChannelSensitivity))
        {
            // C.10.9.1.4.3: absent sensitivity means the samples are in arbitrary units; an ECG needs volts.
            throw new DicomException($"{where}: no Channel Sensitivity, so the samples have no voltage scale") { Tag = ChannelSensitivity };
        }

        double sensitivity = channel.GetDouble(ChannelSensitivity);
        double correction = channel.Contains(ChannelSensitivityCorrectionFactor) ? channel.GetDouble(ChannelSensitivityCorrectionFactor) : 1;
        double baseline = channel.Contains(ChannelBaseline) ? channel.GetDouble(ChannelBaseline) : 0;
        CodedConcept units = CodedConcept.FromSequence(channel, ChannelSensitivityUnitsSequence)
            ?? throw new DicomException($"{where}: Channel Sensitivity without Channel Sensitivity Units Sequence") { Tag = ChannelSensitivityUnitsSequence };
        if (EcgLead.MillivoltsPer(units.Value) is null)
        {
            throw new DicomException($"{where}: sensitivity units {units} are not a voltage") { Tag = ChannelSensitivityUnitsSequence };
        }

        double unitsPerAdu = sensitivity * correction;
        if (!(unitsPerAdu > 0) || !double.IsFinite(unitsPerAdu))
        {
            throw new DicomException($"{where}: Channel Sensitivity {sensitivity} × correction {correction} is not a positive scale") { Tag = ChannelSensitivity };
        }

        // EcgLead: physical = (adu − baseline) / gain, so gain = 1 / (S × C) and the baseline in ADU is −B / (S × C).
        int baselineAdu = checked((int)Math.Round(-baseline / unitsPerAdu));
        return new EcgLead(lead, label ?? LeadNames.Label(lead), samples, 1 / unitsPerAdu, baselineAdu, units.Value);
    }

    /// <summary>PS3.3 C.10.9.1.4.1: samples are interleaved, channel by channel within each sample time.</summary>
    private static int[][] Deinterleave(DicomElement data, int channels, int samples, int bits, string interpretation, string where)
    {
        int size = bits / 8;
        if ((bits, interpretation) is not ((16, "SS" or "US") or (8, "SB" or "UB")))
        {
            // C.10.9.1.5: MB and AB (mu-law, A-law) are for audio; ECG objects use SS (A.34.3.4.5).
            throw new DicomException($"{where}: Waveform Bits Allocated {bits} with interpretation {interpretation} is not supported") { Tag = WaveformSampleInterpretation };
        }

        long needed = (long)channels * samples * size;
        ReadOnlySpan<byte> bytes = data.Value.Span;
        if (bytes.Length < needed)
        {
            throw DicomException.At(data.Offset, data.Tag, $"{where}: Waveform Data holds {bytes.Length} bytes, {channels} channels × {samples} samples × {size} need {needed}");
        }

        var values = new int[channels][];
        for (int c = 0; c < channels; c++)
        {
            values[c] = new int[samples];
        }

        for (int t = 0, at = 0; t < samples; t++)
        {
            for (int c = 0; c < channels; c++, at += size)
            {
                ReadOnlySpan<byte> v = bytes.Slice(at, size);
                values[c][t] = interpretation switch
                {
                    "SS" => data.IsBigEndian ? BinaryPrimitives.ReadInt16BigEndian(v) : BinaryPrimitives.ReadInt16LittleEndian(v),
                    "US" => data.IsBigEndian ? BinaryPrimitives.ReadUInt16BigEndian(v) : BinaryPrimitives.ReadUInt16LittleEndian(v),
                    "SB" => (sbyte)v[0],
                    _ => v[0],
                };
            }
        }

        return values;
    }
}
