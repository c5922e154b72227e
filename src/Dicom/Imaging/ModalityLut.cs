using Telemed.Dicom.Data;

namespace Telemed.Dicom.Imaging;

/// <summary>
/// The Modality LUT as Rescale Slope and Intercept (PS3.3 C.11.1.1.2): output = stored × slope + intercept, e.g.
/// Hounsfield units for CT. Absent attributes mean identity. A Modality LUT Sequence is not applied in this slice.
/// </summary>
public readonly record struct ModalityLut(double Slope, double Intercept)
{
    public static ModalityLut Identity { get; } = new(1, 0);

    public bool IsIdentity => Slope == 1 && Intercept == 0;

    public static ModalityLut FromDataset(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        double slope = dataset.TryGetElement(ImageTags.RescaleSlope, out DicomElement? s) && s.ValueCount > 0 ? s.GetDouble() : 1;
        double intercept = dataset.TryGetElement(ImageTags.RescaleIntercept, out DicomElement? i) && i.ValueCount > 0 ? i.GetDouble() : 0;
        // A zero slope would flatten every image to one grey; files that write it mean "no rescale".
        return new ModalityLut(slope == 0 ? 1 : slope, intercept);
    }

    public double Apply(double stored) => (stored * Slope) + Intercept;
}
