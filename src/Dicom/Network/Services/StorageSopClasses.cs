using Telemed.Dicom.Dictionary;

namespace Telemed.Dicom.Network;

/// <summary>
/// The SOP classes a Telemed gateway accepts (PS3.4 Annex B.5): the images and ECG waveforms village devices send,
/// plus Verification. UIDs come from the dictionary's registry by keyword, so they are written down once.
/// </summary>
public static class StorageSopClasses
{
    /// <summary>Verification SOP Class (PS3.4 Annex A), used by C-ECHO.</summary>
    public static string Verification { get; } = Lookup("VerificationSOPClass");

    public static string ComputedRadiography { get; } = Lookup("ComputedRadiographyImageStorage");

    public static string DigitalXRayForPresentation { get; } = Lookup("DigitalXRayImageStorageForPresentation");

    public static string DigitalXRayForProcessing { get; } = Lookup("DigitalXRayImageStorageForProcessing");

    public static string DigitalMammographyForPresentation { get; } = Lookup("DigitalMammographyXRayImageStorageForPresentation");

    public static string DigitalMammographyForProcessing { get; } = Lookup("DigitalMammographyXRayImageStorageForProcessing");

    public static string Ultrasound { get; } = Lookup("UltrasoundImageStorage");

    public static string UltrasoundMultiframe { get; } = Lookup("UltrasoundMultiframeImageStorage");

    public static string CT { get; } = Lookup("CTImageStorage");

    public static string MR { get; } = Lookup("MRImageStorage");

    /// <summary>The 1993 ultrasound classes (retired in 2001): older township ultrasound machines still send them.</summary>
    public static string UltrasoundRetired { get; } = Lookup("UltrasoundImageStorage", retired: true);

    public static string UltrasoundMultiframeRetired { get; } = Lookup("UltrasoundMultiframeImageStorage", retired: true);

    public static string SecondaryCapture { get; } = Lookup("SecondaryCaptureImageStorage");

    public static string TwelveLeadEcg { get; } = Lookup("TwelveLeadECGWaveformStorage");

    public static string GeneralEcg { get; } = Lookup("GeneralECGWaveformStorage");

    /// <summary>All storage SOP classes above (not Verification).</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        ComputedRadiography, DigitalXRayForPresentation, DigitalXRayForProcessing, DigitalMammographyForPresentation,
        DigitalMammographyForProcessing, Ultrasound, UltrasoundMultiframe, UltrasoundRetired, UltrasoundMultiframeRetired, CT, MR,
        SecondaryCapture, TwelveLeadEcg, GeneralEcg,
    ];

    private static string Lookup(string keyword, bool retired = false)
    {
        // Some keywords name a retired UID too (the 1993 ultrasound classes): the current one is wanted.
        foreach (DicomUid uid in DicomUidRegistry.OfType(DicomUidType.SopClass))
        {
            if (uid.Keyword == keyword && uid.IsRetired == retired)
            {
                return uid.Value;
            }
        }

        throw new InvalidOperationException($"SOP class keyword {keyword} is not in the UID registry");
    }
}
