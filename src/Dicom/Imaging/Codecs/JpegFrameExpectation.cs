namespace Telemed.Dicom.Imaging.Codecs;

/// <summary>What the Image Pixel module (PS3.3 C.7.6.3) says a JPEG frame must decode to.</summary>
internal readonly record struct JpegFrameExpectation(int Rows, int Columns, int SamplesPerPixel, int BitsAllocated)
{
    public int FrameLength => Rows * Columns * SamplesPerPixel * (BitsAllocated / 8);
}
