using System.Buffers.Binary;
using System.Text;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Tags;

namespace Telemed.Dicom.Network;

/// <summary>
/// A DIMSE command set (PS3.7 §6.3, §9.3 and §E.1): group 0000 elements, always Implicit VR Little Endian, led by
/// (0000,0000) Command Group Length. Only the fields the C-ECHO, C-STORE, C-FIND, N-ACTION and N-EVENT-REPORT services
/// use are carried.
/// </summary>
public sealed record DicomCommand
{
    /// <summary>(0000,0800) value meaning "no data set" (PS3.7 §E.1); any other value means one follows.</summary>
    public const ushort NoDataSet = 0x0101;

    private static readonly DicomTag GroupLength = new(0x0000, 0x0000);
    private static readonly DicomTag AffectedSopClassUidTag = new(0x0000, 0x0002);
    private static readonly DicomTag RequestedSopClassUidTag = new(0x0000, 0x0003);
    private static readonly DicomTag CommandFieldTag = new(0x0000, 0x0100);
    private static readonly DicomTag MessageIdTag = new(0x0000, 0x0110);
    private static readonly DicomTag MessageIdBeingRespondedToTag = new(0x0000, 0x0120);
    private static readonly DicomTag PriorityTag = new(0x0000, 0x0700);
    private static readonly DicomTag DataSetTypeTag = new(0x0000, 0x0800);
    private static readonly DicomTag StatusTag = new(0x0000, 0x0900);
    private static readonly DicomTag ErrorCommentTag = new(0x0000, 0x0902);
    private static readonly DicomTag AffectedSopInstanceUidTag = new(0x0000, 0x1000);
    private static readonly DicomTag RequestedSopInstanceUidTag = new(0x0000, 0x1001);
    private static readonly DicomTag EventTypeIdTag = new(0x0000, 0x1002);
    private static readonly DicomTag ActionTypeIdTag = new(0x0000, 0x1008);
    private static readonly DicomTag MoveOriginatorAeTag = new(0x0000, 0x1030);
    private static readonly DicomTag MoveOriginatorMessageIdTag = new(0x0000, 0x1031);

    public required DicomCommandField CommandField { get; init; }

    public ushort MessageId { get; init; }

    public ushort? MessageIdBeingRespondedTo { get; init; }

    public string? AffectedSopClassUid { get; init; }

    public string? AffectedSopInstanceUid { get; init; }

    /// <summary>(0000,0003): the SOP class an N-ACTION-RQ addresses (PS3.7 §10.3.4).</summary>
    public string? RequestedSopClassUid { get; init; }

    /// <summary>(0000,1001): the SOP instance an N-ACTION-RQ addresses (PS3.7 §10.3.4).</summary>
    public string? RequestedSopInstanceUid { get; init; }

    /// <summary>(0000,1002): N-EVENT-REPORT event type (PS3.7 §10.3.1).</summary>
    public ushort? EventTypeId { get; init; }

    /// <summary>(0000,1008): N-ACTION action type (PS3.7 §10.3.4).</summary>
    public ushort? ActionTypeId { get; init; }

    /// <summary>(0000,0700): 0 medium, 1 high, 2 low (PS3.7 §9.1.1.1.4); requests only.</summary>
    public ushort? Priority { get; init; }

    public bool HasDataSet { get; init; }

    public ushort? Status { get; init; }

    public string? ErrorComment { get; init; }

    public string? MoveOriginatorAeTitle { get; init; }

    public ushort? MoveOriginatorMessageId { get; init; }

    public bool IsRequest => ((ushort)CommandField & 0x8000) == 0;

    public static DicomCommand EchoRequest(ushort messageId) => new()
    {
        CommandField = DicomCommandField.CEchoRequest,
        MessageId = messageId,
        AffectedSopClassUid = StorageSopClasses.Verification,
    };

    public static DicomCommand StoreRequest(ushort messageId, string sopClassUid, string sopInstanceUid) => new()
    {
        CommandField = DicomCommandField.CStoreRequest,
        MessageId = messageId,
        AffectedSopClassUid = sopClassUid,
        AffectedSopInstanceUid = sopInstanceUid,
        Priority = 0,
        HasDataSet = true,
    };

    /// <summary>C-FIND-RQ (PS3.7 §9.3.2.1): the identifier follows as the data set.</summary>
    public static DicomCommand FindRequest(ushort messageId, string sopClassUid) => new()
    {
        CommandField = DicomCommandField.CFindRequest,
        MessageId = messageId,
        AffectedSopClassUid = sopClassUid,
        Priority = 0,
        HasDataSet = true,
    };

    /// <summary>C-CANCEL-RQ (PS3.7 §9.3.2.3) for the operation with <paramref name="messageId"/>.</summary>
    public static DicomCommand CancelRequest(ushort messageId) => new()
    {
        CommandField = DicomCommandField.CCancelRequest,
        MessageIdBeingRespondedTo = messageId,
    };

    /// <summary>N-ACTION-RQ (PS3.7 §10.3.4.1) with an action information data set.</summary>
    public static DicomCommand ActionRequest(ushort messageId, string sopClassUid, string sopInstanceUid, ushort actionTypeId) => new()
    {
        CommandField = DicomCommandField.NActionRequest,
        MessageId = messageId,
        RequestedSopClassUid = sopClassUid,
        RequestedSopInstanceUid = sopInstanceUid,
        ActionTypeId = actionTypeId,
        HasDataSet = true,
    };

    /// <summary>N-EVENT-REPORT-RQ (PS3.7 §10.3.1.1) with an event information data set.</summary>
    public static DicomCommand EventReportRequest(ushort messageId, string sopClassUid, string sopInstanceUid, ushort eventTypeId) => new()
    {
        CommandField = DicomCommandField.NEventReportRequest,
        MessageId = messageId,
        AffectedSopClassUid = sopClassUid,
        AffectedSopInstanceUid = sopInstanceUid,
        EventTypeId = eventTypeId,
        HasDataSet = true,
    };

    /// <summary>
    /// The response to this request (PS3.7 §9.3.1.2, §9.3.5.2, §10.3.1.2, §10.3.4.2): same SOP class/instance (an
    /// N-ACTION's requested ones become the affected ones), event/action type, status, optional comment.
    /// </summary>
    public DicomCommand ResponseTo(ushort status, string? errorComment = null) => new()
    {
        CommandField = (DicomCommandField)((ushort)CommandField | 0x8000),
        MessageIdBeingRespondedTo = MessageId,
        AffectedSopClassUid = AffectedSopClassUid ?? RequestedSopClassUid,
        AffectedSopInstanceUid = AffectedSopInstanceUid ?? RequestedSopInstanceUid,
        EventTypeId = EventTypeId,
        ActionTypeId = ActionTypeId,
        Status = status,
        // PS3.7 §C.4: Error Comment is LO, at most 64 characters.
        ErrorComment = errorComment is { Length: > 64 } ? errorComment[..64] : errorComment,
    };

    /// <summary>Encodes the command set in Implicit VR Little Endian with its group length (PS3.7 §6.3.1).</summary>
    public byte[] Encode()
    {
        var elements = new List<(DicomTag Tag, byte[] Value)>(10);
        AddUid(elements, AffectedSopClassUidTag, AffectedSopClassUid);
        AddUid(elements, RequestedSopClassUidTag, RequestedSopClassUid);
        AddUInt16(elements, CommandFieldTag, (ushort)CommandField);
        if (CommandField == DicomCommandField.CCancelRequest)
        {
            // PS3.7 §9.3.2.3: C-CANCEL-RQ is a request that names the operation it cancels and has no Message ID.
            AddUInt16(elements, MessageIdBeingRespondedToTag, MessageIdBeingRespondedTo ?? 0);
        }
        else if (IsRequest)
        {
            AddUInt16(elements, MessageIdTag, MessageId);
        }
        else
        {
            AddUInt16(elements, MessageIdBeingRespondedToTag, MessageIdBeingRespondedTo ?? 0);
        }

        AddUInt16(elements, PriorityTag, Priority);
        AddUInt16(elements, DataSetTypeTag, HasDataSet ? (ushort)0x0000 : NoDataSet);
        AddUInt16(elements, StatusTag, Status);
        if (ErrorComment is not null)
        {
            elements.Add((ErrorCommentTag, Padded(ErrorComment, (byte)' ')));
        }

        AddUid(elements, AffectedSopInstanceUidTag, AffectedSopInstanceUid);
        AddUid(elements, RequestedSopInstanceUidTag, RequestedSopInstanceUid);
        AddUInt16(elements, EventTypeIdTag, EventTypeId);
        AddUInt16(elements, ActionTypeIdTag, ActionTypeId);
        if (MoveOriginatorAeTitle is not null)
        {
            elements.Add((MoveOriginatorAeTag, Padded(MoveOriginatorAeTitle, (byte)' ')));
        }

        AddUInt16(elements, MoveOriginatorMessageIdTag, MoveOriginatorMessageId);

        int bodyLength = elements.Sum(e => 8 + e.Value.Length);
        byte[] output = new byte[12 + bodyLength];
        Span<byte> span = output;
        WriteHeader(span, GroupLength, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)bodyLength);
        int offset = 12;
        foreach ((DicomTag tag, byte[] value) in elements.OrderBy(e => e.Tag.Value))
        {
            WriteHeader(span[offset..], tag, value.Length);
            value.CopyTo(span[(offset + 8)..]);
            offset += 8 + value.Length;
        }

        return output;
    }

    /// <summary>Decodes a command set; a command field this module does not serve is kept as its number.</summary>
    public static DicomCommand Decode(ReadOnlyMemory<byte> encoded)
    {
        DicomDataset set;
        try
        {
            set = DicomDataset.Parse(encoded, DicomTransferSyntax.ImplicitVRLittleEndian);
        }
        catch (DicomException e)
        {
            throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"malformed DIMSE command set: {e.Message}");
        }

        if (set.Any(e => e.Tag.Group != 0x0000))
        {
            throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, "DIMSE command set holds elements outside group 0000 (PS3.7 §6.3.1)");
        }

        if (!set.TryGetElement(CommandFieldTag, out DicomElement? field) || field.Length != 2)
        {
            throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, "DIMSE command set lacks (0000,0100) Command Field (PS3.7 §9.3)");
        }

        return new DicomCommand
        {
            CommandField = (DicomCommandField)field.GetUInt16(),
            MessageId = UInt16(set, MessageIdTag) ?? 0,
            MessageIdBeingRespondedTo = UInt16(set, MessageIdBeingRespondedToTag),
            AffectedSopClassUid = set.TryGetElement(AffectedSopClassUidTag, out DicomElement? c) ? c.GetUid() : null,
            AffectedSopInstanceUid = set.TryGetElement(AffectedSopInstanceUidTag, out DicomElement? i) ? i.GetUid() : null,
            RequestedSopClassUid = set.TryGetElement(RequestedSopClassUidTag, out DicomElement? rc) ? rc.GetUid() : null,
            RequestedSopInstanceUid = set.TryGetElement(RequestedSopInstanceUidTag, out DicomElement? ri) ? ri.GetUid() : null,
            EventTypeId = UInt16(set, EventTypeIdTag),
            ActionTypeId = UInt16(set, ActionTypeIdTag),
            Priority = UInt16(set, PriorityTag),
            HasDataSet = (UInt16(set, DataSetTypeTag) ?? NoDataSet) != NoDataSet,
            Status = UInt16(set, StatusTag),
            ErrorComment = set.TryGetElement(ErrorCommentTag, out DicomElement? comment) ? Encoding.ASCII.GetString(comment.Value.Span).Trim() : null,
            MoveOriginatorAeTitle = set.TryGetElement(MoveOriginatorAeTag, out DicomElement? ae) ? Encoding.ASCII.GetString(ae.Value.Span).Trim() : null,
            MoveOriginatorMessageId = UInt16(set, MoveOriginatorMessageIdTag),
        };

        static ushort? UInt16(DicomDataset set, DicomTag tag) =>
            set.TryGetElement(tag, out DicomElement? e) && e.Length == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(e.Value.Span) : null;
    }

    private static void AddUid(List<(DicomTag, byte[])> elements, DicomTag tag, string? uid)
    {
        if (uid is not null)
        {
            elements.Add((tag, Padded(uid, 0)));
        }
    }

    private static void AddUInt16(List<(DicomTag, byte[])> elements, DicomTag tag, ushort? value)
    {
        if (value is { } v)
        {
            byte[] bytes = new byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(bytes, v);
            elements.Add((tag, bytes));
        }
    }

    private static byte[] Padded(string text, byte padding)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        if (bytes.Length % 2 == 0)
        {
            return bytes;
        }

        Array.Resize(ref bytes, bytes.Length + 1);
        bytes[^1] = padding;
        return bytes;
    }

    private static void WriteHeader(Span<byte> span, DicomTag tag, int length)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(span, tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], tag.Element);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)length);
    }
}
