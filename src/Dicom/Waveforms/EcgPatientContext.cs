using Telemed.Dicom.Data;
using Telemed.Dicom.Dictionary;
using Telemed.Ecg.Rhythm;

namespace Telemed.Dicom.Waveforms;

/// <summary>The patient facts the ECG analysis uses (sex, age), from a DICOM data set's Patient and General Study modules.</summary>
public static class EcgPatientContext
{
    /// <summary>Sex (0010,0040) and age at acquisition from (0010,0030) and (0008,0023) or (0008,0020); null when neither is known.</summary>
    public static PatientContext? FromDataset(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Sex? sex = dataset.GetStringOrNull(DicomDictionary.GetTag("PatientSex")) switch
        {
            "M" => Sex.Male,
            "F" => Sex.Female,
            _ => null,
        };
        int? age = null;
        DateOnly? birth = TryDate(dataset, "PatientBirthDate");
        DateOnly? at = TryDate(dataset, "ContentDate") ?? TryDate(dataset, "StudyDate");
        if (birth is DateOnly b && at is DateOnly d && d >= b)
        {
            age = d.Year - b.Year - (d.DayOfYear < b.DayOfYear ? 1 : 0);
        }

        return sex is null && age is null ? null : new PatientContext(sex, age);
    }

    private static DateOnly? TryDate(DicomDataset dataset, string keyword)
    {
        var tag = DicomDictionary.GetTag(keyword);
        try
        {
            return dataset.TryGetElement(tag, out DicomElement? e) && e.Length > 0 ? e.GetDate() : null;
        }
        catch (DicomException)
        {
            return null; // a malformed date only loses the age, not the ECG
        }
    }
}
