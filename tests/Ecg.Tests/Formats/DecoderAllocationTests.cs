using System.Text.RegularExpressions;
using Telemed.Ecg.PhilipsXml;
using Telemed.Ecg.ScpEcg;
using Xunit;

namespace Telemed.Ecg.Tests.Formats;

/// <summary>
/// The hot loops (Huffman decoding, XLI's LZW and deltas) allocate only their output: measured with the thread's
/// allocation counter against the size of the samples they return.
/// </summary>
public class DecoderAllocationTests
{
    [Fact]
    public void Scp_decoding_allocates_little_beyond_the_samples()
    {
        byte[] record = File.ReadAllBytes(TestData.FormatsFile("scp-ecg/Refactoring__ECGToolkit__Example.scp"));
        _ = ScpEcgReader.Read(record); // warm up (JIT, static tables)

        long before = GC.GetAllocatedBytesForCurrentThread();
        var recording = ScpEcgReader.Read(record).Recording;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        long samples = (long)recording.Leads.Count * recording.Length * sizeof(int);
        Assert.True(allocated < samples + (32 * 1024), $"{allocated} bytes allocated for {samples} bytes of samples");
    }

    [Fact]
    public void Xli_decoding_allocates_little_beyond_the_samples()
    {
        string xml = File.ReadAllText(TestData.FormatsFile("philips-xml/sixlettervariables__sierra-ecg-tools__129DYPRG.XML"));
        byte[] data = Convert.FromBase64String(Regex.Match(xml, "<parsedwaveforms[^>]*>([^<]*)<").Groups[1].Value);
        _ = new XliDecoder().Decode(data, 12, 5500);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var leads = new XliDecoder().Decode(data, 12, 5500);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        long samples = 12L * 5500 * sizeof(int);
        Assert.Equal(12, leads.Length);
        Assert.True(allocated < samples + (64 * 1024), $"{allocated} bytes allocated for {samples} bytes of samples");
    }
}
