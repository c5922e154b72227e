namespace Telemed.Dicom.Network;

/// <summary>C-FIND information models (PS3.4 Annex C.6, Annex K.6).</summary>
public static class FindSopClasses
{
    /// <summary>Modality Worklist Information Model – FIND (PS3.4 §K.6.1.2).</summary>
    public const string ModalityWorklist = "1.2.840.10008.5.1.4.31";

    /// <summary>Patient Root Query/Retrieve Information Model – FIND (PS3.4 §C.6.1).</summary>
    public const string PatientRoot = "1.2.840.10008.5.1.4.1.2.1.1";

    /// <summary>Study Root Query/Retrieve Information Model – FIND (PS3.4 §C.6.2).</summary>
    public const string StudyRoot = "1.2.840.10008.5.1.4.1.2.2.1";
}
