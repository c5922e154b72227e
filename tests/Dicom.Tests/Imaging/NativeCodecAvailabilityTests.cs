using Telemed.Dicom.Files;
using Telemed.Dicom.Imaging;
using Telemed.Dicom.Imaging.Codecs;
using Xunit;

namespace Telemed.Dicom.Tests.Imaging;

/// <summary>
/// Swapping a codec's library name is process-wide, so these tests run alone, after the parallel ones, and would
/// otherwise break concurrent JPEG-LS and JPEG 2000 decodes.
/// </summary>
[CollectionDefinition(nameof(NativeCodecLibrarySwap), DisableParallelization = true)]
public sealed class NativeCodecLibrarySwap;

/// <summary>What a machine without libcharls2 or libopenjp2-7 reports: the install advice, not a DllNotFoundException.</summary>
[Collection(nameof(NativeCodecLibrarySwap))]
public sealed class NativeCodecAvailabilityTests
{
    [Fact]
    public void JPEG_LS_without_libcharls_says_which_package_to_install()
    {
        string error = DecodeWithout(CharLs.Library, "pydicom/test_files/MR_small_jpeg_ls_lossless.dcm");
        Assert.StartsWith("codec not available: JPEG-LS needs libcharls2 (apt-get install libcharls2); libcharls-absent.so.2 could not be loaded", error, StringComparison.Ordinal);
    }

    [Fact]
    public void JPEG_2000_without_libopenjp2_says_which_package_to_install()
    {
        string error = DecodeWithout(OpenJpeg.Library, "pydicom/test_files/MR_small_jp2klossless.dcm");
        Assert.StartsWith("codec not available: JPEG 2000 needs libopenjp2-7 (apt-get install libopenjp2-7); libopenjp2-absent.so.7 could not be loaded", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_library_without_the_expected_functions_counts_as_absent()
    {
        // libopenjp2 is a real library but exports no CharLS function.
        string original = CharLs.Library.FileName;
        CharLs.Library.FileName = "libopenjp2.so.7";
        try
        {
            var error = Assert.Throws<DicomException>(() => PixelData.FromFile(DicomFile.Open(TestData.PathOf("pydicom/test_files/MR_small_jpeg_ls_lossless.dcm"))).GetFrame(0));
            Assert.Equal("codec not available: JPEG-LS needs libcharls2 (apt-get install libcharls2); libopenjp2.so.7 lacks the expected functions", error.Message);
        }
        finally
        {
            CharLs.Library.FileName = original;
        }

        Assert.Equal(64 * 64 * 2, PixelData.FromFile(DicomFile.Open(TestData.PathOf("pydicom/test_files/MR_small_jpeg_ls_lossless.dcm"))).GetFrame(0).Length);
    }

    /// <summary>Points the codec at a library that does not exist, decodes, restores, and checks decoding works again.</summary>
    private static string DecodeWithout<T>(NativeCodecLibrary<T> library, string relativePath)
        where T : class
    {
        string original = library.FileName;
        string path = TestData.PathOf(relativePath);
        library.FileName = original.Replace(".so", "-absent.so", StringComparison.Ordinal);
        DicomException error;
        try
        {
            PixelData pixels = PixelData.FromFile(DicomFile.Open(path));
            error = Assert.Throws<DicomException>(() => pixels.GetFrame(0));
            Assert.Equal(Telemed.Dicom.Tags.DicomTag.PixelData, error.Tag);
            Assert.True(error.Offset > 0);
        }
        finally
        {
            library.FileName = original;
        }

        PixelData restored = PixelData.FromFile(DicomFile.Open(path));
        Assert.Equal(restored.FrameLength, restored.GetFrame(0).Length);
        return error.Message;
    }
}
