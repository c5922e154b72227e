using Telemed.Dicom.Data;
using Telemed.Dicom.Tags;

namespace Telemed.Dicom.Network;

/// <summary>
/// The Action Information (PS3.4 §J.3.2.2, Table J.3-1) and Event Information (§J.3.3.1, Table J.3-2) data sets:
/// Transaction UID, Referenced SOP Sequence and, for failures, Failed SOP Sequence with Failure Reason.
/// </summary>
internal static class StorageCommitmentCodec
{
    private static readonly DicomTag TransactionUid = new(0x0008, 0x1195);
    private static readonly DicomTag FailureReason = new(0x0008, 0x1197);
    private static readonly DicomTag FailedSopSequence = new(0x0008, 0x1198);
    private static readonly DicomTag ReferencedSopSequence = new(0x0008, 0x1199);
    private static readonly DicomTag ReferencedSopClassUid = new(0x0008, 0x1150);
    private static readonly DicomTag ReferencedSopInstanceUid = new(0x0008, 0x1155);

    public static DicomDataset EncodeAction(string transactionUid, IReadOnlyList<SopReference> references)
    {
        var builder = new DicomDatasetBuilder();
        builder.Add("TransactionUID", transactionUid);
        builder.AddSequence("ReferencedSOPSequence", [.. references.Select(r => Item(builder, r))]);
        return builder.Build();
    }

    public static (string TransactionUid, IReadOnlyList<SopReference> References) DecodeAction(DicomDataset action) =>
        (Transaction(action), action.TryGetElement(ReferencedSopSequence, out DicomElement? _) ? References(action.GetSequence(ReferencedSopSequence)) : []);

    /// <summary>Event type 1 when nothing failed, else 2; a sequence is only written when it has items (Table J.3-2).</summary>
    public static (ushort EventType, DicomDataset Information) EncodeEvent(string transactionUid, StorageCommitmentResult result)
    {
        var builder = new DicomDatasetBuilder();
        builder.Add("TransactionUID", transactionUid);
        if (result.Committed.Count > 0)
        {
            builder.AddSequence("ReferencedSOPSequence", [.. result.Committed.Select(r => Item(builder, r))]);
        }

        if (result.Failed.Count > 0)
        {
            builder.AddSequence("FailedSOPSequence", [.. result.Failed.Select(f => Item(builder, f.Reference).AddUInt16("FailureReason", f.FailureReason))]);
        }

        return (result.Failed.Count == 0 ? StorageCommitmentSopClasses.AllCommittedEvent : StorageCommitmentSopClasses.SomeFailedEvent, builder.Build());
    }

    public static (string TransactionUid, StorageCommitmentResult Result) DecodeEvent(DicomDataset information)
    {
        IReadOnlyList<SopReference> committed = information.TryGetElement(ReferencedSopSequence, out DicomElement? _)
            ? References(information.GetSequence(ReferencedSopSequence))
            : [];
        var failed = new List<(SopReference, ushort)>();
        if (information.TryGetElement(FailedSopSequence, out DicomElement? _))
        {
            foreach (DicomDataset item in information.GetSequence(FailedSopSequence).Items)
            {
                ushort reason = item.TryGetElement(FailureReason, out DicomElement? r) && r.Length >= 2 ? r.GetUInt16() : DicomStatus.ProcessingFailure;
                failed.Add((Reference(item), reason));
            }
        }

        return (Transaction(information), new StorageCommitmentResult(committed, failed));
    }

    private static DicomDatasetBuilder Item(DicomDatasetBuilder parent, SopReference reference) =>
        parent.CreateItem().Add("ReferencedSOPClassUID", reference.SopClassUid).Add("ReferencedSOPInstanceUID", reference.SopInstanceUid);

    private static string Transaction(DicomDataset set) =>
        set.TryGetElement(TransactionUid, out DicomElement? uid) && uid.Length > 0
            ? uid.GetUid()
            : throw new DicomException("storage commitment data set without (0008,1195) Transaction UID (PS3.4 Table J.3-1)") { Tag = TransactionUid };

    private static List<SopReference> References(DicomSequence sequence) => [.. sequence.Items.Select(Reference)];

    private static SopReference Reference(DicomDataset item) =>
        item.TryGetElement(ReferencedSopClassUid, out DicomElement? c) && item.TryGetElement(ReferencedSopInstanceUid, out DicomElement? i)
            ? new SopReference(c.GetUid(), i.GetUid())
            : throw new DicomException("Referenced/Failed SOP Sequence item without (0008,1150) and (0008,1155) (PS3.4 Table J.3-1)");
}
