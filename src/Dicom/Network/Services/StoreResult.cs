namespace Telemed.Dicom.Network;

/// <summary>The C-STORE-RSP status a store handler answers with (PS3.4 §B.2.3), and an optional error comment (PS3.7 §C.4).</summary>
public readonly record struct StoreResult(ushort Status, string? ErrorComment = null)
{
    public static StoreResult Success { get; } = new(DicomStatus.Success);

    public static StoreResult OutOfResources(string comment) => new(DicomStatus.OutOfResources, comment);

    public static StoreResult DataSetDoesNotMatchSopClass(string comment) => new(DicomStatus.DataSetDoesNotMatchSopClass, comment);

    public static StoreResult CannotUnderstand(string comment) => new(DicomStatus.CannotUnderstand, comment);
}
