using Telemed.Dicom.Files;
using Xunit;

namespace Telemed.Dicom.Tests.Files;

/// <summary>
/// Corrupts real files in many small ways (byte flips, overwritten lengths, truncation) and checks that the reader
/// either reads them or throws a <see cref="DicomException"/>: never another exception, never a hang.
/// </summary>
public sealed class MutatedCorpusTests
{
    [Theory]
    [InlineData("pydicom/test_files/CT_small.dcm")]
    [InlineData("pydicom/test_files/MR_small_bigendian.dcm")]
    [InlineData("pydicom/test_files/rtplan.dcm")]
    [InlineData("pydicom/test_files/JPEG2000.dcm")]
    [InlineData("pydicom/test_files/image_dfl.dcm")]
    [InlineData("dcm4che/DICOMDIR")]
    [InlineData("pydicom/test_files/nested_priv_SQ.dcm")]
    public void Corrupted_files_read_or_throw_DicomException(string relativePath)
    {
        byte[] original = File.ReadAllBytes(TestData.PathOf(relativePath));
        var random = new Random(relativePath.Length); // deterministic per file
        int rejected = 0;
        for (int round = 0; round < 300; round++)
        {
            byte[] data = (byte[])original.Clone();
            int at = random.Next(128, data.Length);
            switch (round % 3)
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    // A plausible-looking huge or undefined length somewhere.
                    uint value = random.Next(3) switch { 0 => 0xFFFFFFFF, 1 => 0x7FFFFFFF, _ => (uint)random.Next() };
                    BitConverter.TryWriteBytes(data.AsSpan(Math.Min(at, data.Length - 4)), value);
                    break;
                default:
                    data = data[..at];
                    break;
            }

            Exception? error = Record.Exception(() => DicomFile.Parse(data));
            if (error is not null)
            {
                Assert.True(error is DicomException, $"{relativePath}, round {round}: {error.GetType().Name}: {error.Message}");
                rejected++;
            }
        }

        Assert.True(rejected > 0, $"{relativePath}: no corruption was detected at all");
    }
}
