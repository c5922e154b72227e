using Telemed.Dicom.Data;
using Telemed.Dicom.Dictionary;
using Telemed.Dicom.Files;
using Telemed.Dicom.Waveforms;
using Telemed.Ecg.Signals;
using Xunit;

namespace Telemed.Dicom.Tests.Waveforms;

/// <summary>Amplitude scaling from hand-built waveform objects whose millivolts are known (PS3.3 C.10.9.1.4).</summary>
public sealed class WaveformSampleScalingTests
{
    // Two channels interleaved: lead I then lead II at each sample time. 12-bit signed values at the extremes.
    private static readonly short[] Interleaved = [-2048, 100, 2047, -100, -1, 0, 0, 2047];

    private static DicomDataset TwelveBitObject(string unit)
    {
        var ds = new DicomDatasetBuilder();
        DicomDatasetBuilder Channel(CodedConcept source, double sensitivity, double correction, double baseline) => ds.CreateItem()
            .AddSequence("ChannelSourceSequence", source.ToItem(ds))
            .AddDecimal("ChannelSensitivity", sensitivity)
            .AddSequence("ChannelSensitivityUnitsSequence", new CodedConcept(unit, "UCUM", unit).ToItem(ds))
            .AddDecimal("ChannelSensitivityCorrectionFactor", correction)
            .AddDecimal("ChannelBaseline", baseline)
            .AddDecimal("ChannelSampleSkew", 0)
            .AddUInt16("WaveformBitsStored", 12);
        DicomDatasetBuilder group = ds.CreateItem()
            .Add("WaveformOriginality", "ORIGINAL")
            .AddUInt16("NumberOfWaveformChannels", 2)
            .AddUInt32("NumberOfWaveformSamples", 4)
            .AddDecimal("SamplingFrequency", 500)
            .AddSequence("ChannelDefinitionSequence",
                Channel(new CodedConcept("5.6.3-9-1", "SCPECG", "Lead I (Einthoven)"), 2.5, 0.98, 0),
                Channel(new CodedConcept("2:2", "MDC", "Lead II"), 5, 1, 20))
            .AddUInt16("WaveformBitsAllocated", 16)
            .Add("WaveformSampleInterpretation", "SS")
            .AddWords(DicomDictionary.GetTag("WaveformData"), Interleaved);
        return ds.Add("SOPClassUID", WaveformSopClasses.TwelveLeadEcg).Add("SOPInstanceUID", DicomUids.FromName("scaling"))
            .AddSequence("WaveformSequence", group).Build();
    }

    private static void AssertMillivolts(EcgRecording ecg, double unitInMillivolts)
    {
        Assert.Equal([LeadId.I, LeadId.II], ecg.Leads.Select(l => l.Id));
        // Value = sample × sensitivity × correction + baseline; Waveform Bits Stored 12 does not rescale anything.
        double[] expectedI = [-2048 * 2.5 * 0.98, 2047 * 2.5 * 0.98, -1 * 2.5 * 0.98, 0];
        double[] expectedII = [(100 * 5) + 20, (-100 * 5) + 20, (0 * 5) + 20, (2047 * 5) + 20];
        for (int t = 0; t < 4; t++)
        {
            Assert.Equal(expectedI[t] * unitInMillivolts, ecg.Leads[0][t], 9);
            Assert.Equal(expectedII[t] * unitInMillivolts, ecg.Leads[1][t], 9);
        }
    }

    [Theory]
    [InlineData("uV", 1e-3)]
    [InlineData("mV", 1)]
    public void Twelve_bit_signed_samples_scale_by_sensitivity_correction_and_baseline(string unit, double millivolts)
    {
        AssertMillivolts(EcgWaveformReader.Read(TwelveBitObject(unit)), millivolts);
    }

    [Theory]
    [InlineData("1.2.840.10008.1.2")]
    [InlineData("1.2.840.10008.1.2.2")]
    [InlineData("1.2.840.10008.1.2.1.99")]
    public void Every_native_transfer_syntax_gives_the_same_millivolts(string transferSyntax)
    {
        using var stream = new MemoryStream();
        DicomFile.Create(TwelveBitObject("uV")).Write(stream, DicomTransferSyntax.FromUid(transferSyntax));
        DicomFile read = DicomFile.Parse(stream.ToArray());
        Assert.Equal(transferSyntax, read.TransferSyntax.Uid);
        AssertMillivolts(EcgWaveformReader.Read(read), 1e-3);
    }

    [Fact]
    public void Truncated_waveform_data_is_reported_with_the_tag()
    {
        var builder = new DicomDatasetBuilder();
        DicomDataset good = TwelveBitObject("uV");
        DicomDataset group = good.GetSequence(DicomDictionary.GetTag("WaveformSequence")).Items[0];
        // Rebuild the group with one sample time fewer than it declares.
        DicomDatasetBuilder shortGroup = builder.CreateItem()
            .AddUInt16("NumberOfWaveformChannels", 2)
            .AddUInt32("NumberOfWaveformSamples", 5)
            .AddDecimal("SamplingFrequency", 500)
            .AddUInt16("WaveformBitsAllocated", 16)
            .Add("WaveformSampleInterpretation", "SS")
            .AddWords(DicomDictionary.GetTag("WaveformData"), Interleaved);
        shortGroup.AddSequence("ChannelDefinitionSequence", [.. group.GetSequence(DicomDictionary.GetTag("ChannelDefinitionSequence")).Items.Select(_ => builder.CreateItem())]);
        DicomDataset ds = builder.AddSequence("WaveformSequence", shortGroup).Build();
        var ex = Assert.Throws<DicomException>(() => EcgWaveformReader.Read(ds));
        Assert.Equal(DicomDictionary.GetTag("WaveformData"), ex.Tag);
        Assert.Contains("2 channels × 5 samples", ex.Message, StringComparison.Ordinal);
    }
}
