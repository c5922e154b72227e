namespace Telemed.Dicom.Imaging;

/// <summary>VOI LUT Function (0028,1056): how Window Center and Width map values to output (PS3.3 C.11.2.1.3).</summary>
public enum VoiLutFunction
{
    /// <summary>PS3.3 C.11.2.1.2.1: the default; the window edges are offset by half a unit.</summary>
    Linear,

    /// <summary>PS3.3 C.11.2.1.3.2: exactly c ± w/2, for windows on real-world values.</summary>
    LinearExact,

    /// <summary>PS3.3 C.11.2.1.3.1: a logistic curve centred on c.</summary>
    Sigmoid,
}
