using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Tags;
using Telemed.Dicom.Text;
using Telemed.Dicom.ValueRepresentations;

namespace Telemed.Samples.Dicom;

/// <summary>
/// The demo chest radiographs in samples/dicom: the same PA phantom (<see cref="ChestPhantomModel"/>) as a CR image
/// (PS3.3 A.2) in GB18030 and as a DX image For Presentation (A.26) in UTF-8. Patients are made up (王五 and 赵六 are
/// placeholder names like 张三); every UID derives from the sample's seed, so regenerating gives the same bytes.
/// </summary>
internal static class ChestSamples
{
    public const int DefaultSize = 512;

    /// <summary>PS3.4 B.5: Computed Radiography Image Storage and Digital X-Ray Image Storage - For Presentation.</summary>
    private const string CrImageStorage = "1.2.840.10008.5.1.4.1.1.1";
    private const string DxForPresentationStorage = "1.2.840.10008.5.1.4.1.1.1.1";

    /// <summary>Source–detector over source–patient distance of a PA chest at 180 cm.</summary>
    private const double Magnification = 1.1;

    public enum Kind
    {
        ComputedRadiography,
        DigitalXRay,
    }

    public sealed record Sample(string FileName, string Seed, Kind Kind, string CharacterSet, string PatientName, string PatientId, string Sex, string BirthDate);

    public static IReadOnlyList<Sample> All { get; } =
    [
        new("cr-chest-pa-gb18030.dcm", "telemed-demo-chest-1", Kind.ComputedRadiography, "GB18030", "Wang^Wu=王^五", "SYNTH-0003", "M", "19630514"),
        new("dx-chest-pa-utf8.dcm", "telemed-demo-chest-2", Kind.DigitalXRay, "ISO_IR 192", "Zhao^Liu=赵^六", "SYNTH-0004", "F", "19700902"),
    ];

    public static IReadOnlyList<string> WriteAll(string directory)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (Sample sample in All)
        {
            string path = Path.Combine(directory, sample.FileName);
            Create(sample).Save(path);
            written.Add(path);
        }

        return written;
    }

    public static void Write(Sample sample, Stream output) => Create(sample).Write(output);

    /// <summary>
    /// The sample as a file; other sizes keep a detector of 43 cm × 43 cm-ish proportions by scaling the pixel
    /// spacing (the benchmark asks for 2500 × 3000).
    /// </summary>
    public static DicomFile Create(Sample sample, int columns = DefaultSize, int rows = DefaultSize)
    {
        ArgumentNullException.ThrowIfNull(sample);
        int seed = sample.Seed.Aggregate(17, (h, c) => unchecked((h * 31) + c));
        ushort[] pixels = new ushort[columns * rows];
        ChestPhantomModel.Render(columns, rows, seed, pixels);
        byte[] pixelBytes = new byte[pixels.Length * 2];
        for (int i = 0; i < pixels.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(pixelBytes.AsSpan(i * 2), pixels[i]);
        }

        bool dx = sample.Kind == Kind.DigitalXRay;
        // 430 mm across the longer side; the detector (imager) and the patient plane differ by the magnification.
        double imager = Math.Round(430.0 / Math.Max(columns, rows), 4);
        double patient = Math.Round(imager / Magnification, 4);
        var data = new DicomDatasetBuilder(DicomCharacterSet.FromSpecificCharacterSet(sample.CharacterSet));

        // SOP Common (C.12.1), Patient (C.7.1.1), General Study (C.7.2.1).
        data.Add("SOPClassUID", dx ? DxForPresentationStorage : CrImageStorage)
            .Add("SOPInstanceUID", DicomUids.FromName(sample.Seed + "/instance"))
            .Add("StudyDate", "20260115").Add("StudyTime", "093000")
            .Add("ContentDate", "20260115").Add("ContentTime", "093200")
            .Add("AccessionNumber", sample.PatientId)
            .Add("Modality", dx ? "DX" : "CR")
            .Add("Manufacturer", "Telemed synthetic phantom")
            .Add("InstitutionName", "示例乡镇卫生院 (synthetic)")
            .Add("ReferringPhysicianName")
            .Add("StudyDescription", "胸部正位 Chest PA (synthetic)")
            .Add("PatientName", sample.PatientName)
            .Add("PatientID", sample.PatientId)
            .Add("PatientBirthDate", sample.BirthDate)
            .Add("PatientSex", sample.Sex)
            .Add("BodyPartExamined", "CHEST")
            .AddDecimal("KVP", 120)
            .Add("DeviceSerialNumber", "SYNTH")
            .Add("SoftwareVersions", "make-dicom-samples")
            .AddDecimal("ImagerPixelSpacing", imager, imager)
            .Add("ViewPosition", "PA")
            .Add("StudyInstanceUID", DicomUids.FromName(sample.Seed + "/study"))
            .Add("SeriesInstanceUID", DicomUids.FromName(sample.Seed + "/series"))
            .Add("StudyID", sample.PatientId)
            .AddInteger("SeriesNumber", 1)
            .AddInteger("InstanceNumber", 1)
            // Rows run towards the patient's left, columns towards the feet: the usual PA display (C.7.6.1.1.1).
            .Add("PatientOrientation", "L", "F")
            .AddUInt16("SamplesPerPixel", 1)
            .Add("PhotometricInterpretation", "MONOCHROME2")
            .AddUInt16("Rows", (ushort)rows)
            .AddUInt16("Columns", (ushort)columns)
            .AddDecimal("PixelSpacing", patient, patient)
            // PS3.3 C.7.6.3.1.7 / 10.7.1.3: Pixel Spacing is the imager spacing corrected for the stated magnification.
            .Add("PixelSpacingCalibrationType", "GEOMETRY")
            .Add("PixelSpacingCalibrationDescription", "imager spacing / magnification 1.1")
            .AddUInt16("BitsAllocated", 16)
            .AddUInt16("BitsStored", ChestPhantomModel.BitsStored)
            .AddUInt16("HighBit", ChestPhantomModel.BitsStored - 1)
            .AddUInt16("PixelRepresentation", 0)
            .AddDecimal("WindowCenter", ChestPhantomModel.WindowCenter)
            .AddDecimal("WindowWidth", ChestPhantomModel.WindowWidth)
            .AddDecimal("RescaleIntercept", 0)
            .AddDecimal("RescaleSlope", 1)
            .Add("RescaleType", "US")
            .AddBinary(DicomTag.PixelData, DicomVR.OW, pixelBytes);

        if (dx)
        {
            AddDigitalXRay(data);
        }

        return DicomFile.Create(data.Build());
    }

    /// <summary>What the DX IOD adds (PS3.3 A.26.3): DX Series, Anatomy Imaged, Image and Detector modules.</summary>
    private static void AddDigitalXRay(DicomDatasetBuilder data)
    {
        // SCT 51185008 "Thorax" (CID 4 Anatomic Region), as the DX Anatomy Imaged module asks (C.8.11.5).
        DicomDatasetBuilder thorax = data.CreateItem()
            .Add("CodeValue", "51185008")
            .Add("CodingSchemeDesignator", "SCT")
            .Add("CodeMeaning", "Thorax");
        // SCT 399348003 "postero-anterior" (CID 4010 DX View), the coded form of View Position PA (C.8.11.7).
        DicomDatasetBuilder view = data.CreateItem()
            .Add("CodeValue", "399348003")
            .Add("CodingSchemeDesignator", "SCT")
            .Add("CodeMeaning", "postero-anterior");
        data.Add("ImageType", "ORIGINAL", "PRIMARY")
            .Add("PresentationIntentType", "FOR PRESENTATION")
            .Add("DetectorType", "SCINTILLATOR")
            .Add("ImageLaterality", "U")
            .AddSequence("AnatomicRegionSequence", thorax)
            .AddSequence("AcquisitionContextSequence")
            .AddSequence("ViewCodeSequence", view)
            .Add("PositionerType", "NONE")
            .AddDecimal("EstimatedRadiographicMagnificationFactor", Magnification)
            .Add("PixelIntensityRelationship", "LOG")
            .AddInt16("PixelIntensityRelationshipSign", 1)
            .Add("PresentationLUTShape", "IDENTITY")
            .Add("LossyImageCompression", "00")
            .Add("BurnedInAnnotation", "NO");
    }
}
