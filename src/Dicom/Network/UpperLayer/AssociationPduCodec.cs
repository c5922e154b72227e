using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Telemed.Dicom.Network;

/// <summary>
/// Encodes and decodes the association PDUs (A-ASSOCIATE-RQ/AC/RJ, PS3.8 §9.3.2-9.3.4) and their items. These pass
/// once per association, so clarity beats allocation here; the per-message path is in <see cref="PduReader"/>.
/// All multi-byte fields are big endian (PS3.8 §9.3.1).
/// </summary>
internal static class AssociationPduCodec
{
    private const ushort ProtocolVersion = 0x0001;

    private const byte ApplicationContextItem = 0x10;
    private const byte RequestContextItem = 0x20;
    private const byte AcceptContextItem = 0x21;
    private const byte AbstractSyntaxItem = 0x30;
    private const byte TransferSyntaxItem = 0x40;
    private const byte UserInformationItem = 0x50;
    private const byte MaxLengthItem = 0x51;
    private const byte ImplementationClassUidItem = 0x52;
    private const byte AsyncOperationsWindowItem = 0x53;
    private const byte RoleSelectionItem = 0x54;
    private const byte ImplementationVersionNameItem = 0x55;

    public static byte[] EncodeRequest(AssociationRequest request)
    {
        var body = new ArrayBufferWriter<byte>(512);
        WriteFixedFields(body, request.CalledAeTitle, request.CallingAeTitle);
        WriteUidItem(body, ApplicationContextItem, request.ApplicationContext);
        foreach (PresentationContext context in request.PresentationContexts)
        {
            var sub = new ArrayBufferWriter<byte>(128);
            WriteBytes(sub, [context.Id, 0, 0, 0]);
            WriteUidItem(sub, AbstractSyntaxItem, context.AbstractSyntax);
            foreach (string syntax in context.TransferSyntaxes)
            {
                WriteUidItem(sub, TransferSyntaxItem, syntax);
            }

            WriteItem(body, RequestContextItem, sub.WrittenSpan);
        }

        WriteUserInformation(body, request.MaxPduLength, request.ImplementationClassUid, request.ImplementationVersionName,
            request.AsynchronousOperationsWindow, request.RoleSelections);
        return Frame(PduType.AssociateRequest, body.WrittenSpan);
    }

    public static byte[] EncodeAcceptance(AssociationAcceptance acceptance)
    {
        var body = new ArrayBufferWriter<byte>(512);
        // PS3.8 §9.3.3: the AE title fields are reserved in the AC but sent with the values of the RQ.
        WriteFixedFields(body, acceptance.CalledAeTitle, acceptance.CallingAeTitle);
        WriteUidItem(body, ApplicationContextItem, acceptance.ApplicationContext);
        foreach (PresentationContext context in acceptance.PresentationContexts)
        {
            var sub = new ArrayBufferWriter<byte>(80);
            WriteBytes(sub, [context.Id, 0, (byte)context.Result, 0]);
            // PS3.8 §9.3.3.2: one transfer syntax sub-item, its value not significant unless accepted.
            WriteUidItem(sub, TransferSyntaxItem, context.IsAccepted ? context.AcceptedTransferSyntax! : "");
            WriteItem(body, AcceptContextItem, sub.WrittenSpan);
        }

        WriteUserInformation(body, acceptance.MaxPduLength, acceptance.ImplementationClassUid, acceptance.ImplementationVersionName,
            acceptance.AsynchronousOperationsWindow, acceptance.RoleSelections);
        return Frame(PduType.AssociateAccept, body.WrittenSpan);
    }

    public static byte[] EncodeRejection(AssociationRejection rejection) =>
        Frame(PduType.AssociateReject, [0, rejection.Result, rejection.Source, rejection.Reason]);

    public static byte[] EncodeAbort(AbortSource source, AbortReason reason) =>
        Frame(PduType.Abort, [0, 0, (byte)source, (byte)reason]);

    public static byte[] EncodeRelease(PduType type) => Frame(type, [0, 0, 0, 0]);

    public static AssociationRequest DecodeRequest(ReadOnlySpan<byte> body, System.Net.EndPoint? remote)
    {
        (string called, string calling) = ReadFixedFields(body);
        string? applicationContext = null;
        var contexts = new List<PresentationContext>();
        UserInformation user = default;
        foreach ((byte type, ReadOnlyMemory<byte> value) in Items(body[68..].ToArray()))
        {
            switch (type)
            {
                case ApplicationContextItem:
                    applicationContext = Uid(value.Span);
                    break;
                case RequestContextItem:
                    contexts.Add(DecodeRequestContext(value));
                    break;
                case UserInformationItem:
                    user = DecodeUserInformation(value);
                    break;
                default:
                    throw new DicomProtocolException(AbortReason.UnrecognizedPduParameter, $"A-ASSOCIATE-RQ: unknown item type 0x{type:X2} (PS3.8 §9.3.2)");
            }
        }

        if (applicationContext is null || contexts.Count == 0)
        {
            throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, "A-ASSOCIATE-RQ without application context or presentation context (PS3.8 §9.3.2)");
        }

        if (contexts.Select(c => c.Id).Distinct().Count() != contexts.Count)
        {
            throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, "A-ASSOCIATE-RQ: duplicate presentation context ID (PS3.8 §9.3.2.2)");
        }

        return new AssociationRequest
        {
            CalledAeTitle = called,
            CallingAeTitle = calling,
            ApplicationContext = applicationContext,
            PresentationContexts = contexts,
            MaxPduLength = user.MaxLength,
            ImplementationClassUid = user.ImplementationClassUid ?? "",
            ImplementationVersionName = user.ImplementationVersionName,
            AsynchronousOperationsWindow = user.Window,
            RoleSelections = user.Roles ?? [],
            RemoteEndPoint = remote,
        };
    }

    public static AssociationAcceptance DecodeAcceptance(ReadOnlySpan<byte> body, AssociationRequest request)
    {
        (string called, string calling) = ReadFixedFields(body);
        var results = new Dictionary<byte, (PresentationContextResult Result, string Syntax)>();
        string applicationContext = AssociationRequest.DicomApplicationContext;
        UserInformation user = default;
        foreach ((byte type, ReadOnlyMemory<byte> value) in Items(body[68..].ToArray()))
        {
            switch (type)
            {
                case ApplicationContextItem:
                    applicationContext = Uid(value.Span);
                    break;
                case AcceptContextItem:
                    if (value.Length < 4)
                    {
                        throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, "A-ASSOCIATE-AC: presentation context item shorter than 4 bytes");
                    }

                    string syntax = "";
                    foreach ((byte subType, ReadOnlyMemory<byte> subValue) in Items(value[4..]))
                    {
                        if (subType == TransferSyntaxItem)
                        {
                            syntax = Uid(subValue.Span);
                        }
                    }

                    results[value.Span[0]] = ((PresentationContextResult)value.Span[2], syntax);
                    break;
                case UserInformationItem:
                    user = DecodeUserInformation(value);
                    break;
                default:
                    throw new DicomProtocolException(AbortReason.UnrecognizedPduParameter, $"A-ASSOCIATE-AC: unknown item type 0x{type:X2} (PS3.8 §9.3.3)");
            }
        }

        var contexts = new List<PresentationContext>(request.PresentationContexts.Count);
        foreach (PresentationContext proposed in request.PresentationContexts)
        {
            contexts.Add(results.TryGetValue(proposed.Id, out var r)
                ? proposed with { Result = r.Result, AcceptedTransferSyntax = r.Result == PresentationContextResult.Acceptance ? r.Syntax : null }
                : proposed with { Result = PresentationContextResult.NoReason });
        }

        return new AssociationAcceptance
        {
            CalledAeTitle = called,
            CallingAeTitle = calling,
            ApplicationContext = applicationContext,
            PresentationContexts = contexts,
            MaxPduLength = user.MaxLength,
            ImplementationClassUid = user.ImplementationClassUid ?? "",
            ImplementationVersionName = user.ImplementationVersionName,
            AsynchronousOperationsWindow = user.Window,
            RoleSelections = user.Roles ?? [],
        };
    }

    public static AssociationRejection DecodeRejection(ReadOnlySpan<byte> body) => new(body[1], body[2], body[3]);

    private static PresentationContext DecodeRequestContext(ReadOnlyMemory<byte> value)
    {
        if (value.Length < 4)
        {
            throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, "A-ASSOCIATE-RQ: presentation context item shorter than 4 bytes");
        }

        byte id = value.Span[0];
        if (id % 2 == 0)
        {
            throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"A-ASSOCIATE-RQ: presentation context ID {id} is even (PS3.8 §9.3.2.2)");
        }

        string? abstractSyntax = null;
        var syntaxes = new List<string>();
        foreach ((byte type, ReadOnlyMemory<byte> sub) in Items(value[4..]))
        {
            switch (type)
            {
                case AbstractSyntaxItem:
                    abstractSyntax = Uid(sub.Span);
                    break;
                case TransferSyntaxItem:
                    syntaxes.Add(Uid(sub.Span));
                    break;
                default:
                    throw new DicomProtocolException(AbortReason.UnrecognizedPduParameter, $"A-ASSOCIATE-RQ: unknown sub-item 0x{type:X2} in presentation context {id}");
            }
        }

        if (abstractSyntax is null || syntaxes.Count == 0)
        {
            throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"A-ASSOCIATE-RQ: presentation context {id} lacks an abstract or transfer syntax (PS3.8 §9.3.2.2)");
        }

        return new PresentationContext(id, abstractSyntax, syntaxes);
    }

    private record struct UserInformation(
        uint MaxLength, string? ImplementationClassUid, string? ImplementationVersionName, (ushort, ushort)? Window, List<RoleSelection>? Roles);

    private static UserInformation DecodeUserInformation(ReadOnlyMemory<byte> value)
    {
        var info = new UserInformation(0, null, null, null, null);
        foreach ((byte type, ReadOnlyMemory<byte> sub) in Items(value))
        {
            ReadOnlySpan<byte> span = sub.Span;
            switch (type)
            {
                case MaxLengthItem when span.Length == 4:
                    info.MaxLength = BinaryPrimitives.ReadUInt32BigEndian(span);
                    break;
                case ImplementationClassUidItem:
                    info.ImplementationClassUid = Uid(span);
                    break;
                case ImplementationVersionNameItem:
                    info.ImplementationVersionName = Encoding.ASCII.GetString(span).Trim();
                    break;
                case AsyncOperationsWindowItem when span.Length == 4:
                    info.Window = (BinaryPrimitives.ReadUInt16BigEndian(span), BinaryPrimitives.ReadUInt16BigEndian(span[2..]));
                    break;
                case RoleSelectionItem when span.Length >= 4:
                    int uidLength = BinaryPrimitives.ReadUInt16BigEndian(span);
                    if (span.Length != uidLength + 4)
                    {
                        throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, "SCP/SCU role selection sub-item length does not match its UID length (PS3.7 §D.3.3.4)");
                    }

                    (info.Roles ??= []).Add(new RoleSelection(Uid(span.Slice(2, uidLength)), span[2 + uidLength] == 1, span[3 + uidLength] == 1));
                    break;
                case MaxLengthItem or AsyncOperationsWindowItem or RoleSelectionItem:
                    throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"user information sub-item 0x{type:X2} has length {span.Length} (PS3.7 Annex D.3.3)");
                default:
                    // PS3.7 §D.3.3: other sub-items (extended negotiation, user identity) may be ignored by an acceptor that does not support them.
                    break;
            }
        }

        return info;
    }

    /// <summary>Splits a run of items (type, reserved, 16-bit length, value) and refuses any that overrun.</summary>
    private static List<(byte Type, ReadOnlyMemory<byte> Value)> Items(ReadOnlyMemory<byte> data)
    {
        var items = new List<(byte, ReadOnlyMemory<byte>)>();
        int offset = 0;
        while (offset < data.Length)
        {
            if (data.Length - offset < 4)
            {
                throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"item header truncated at offset {offset}");
            }

            ReadOnlySpan<byte> span = data.Span;
            byte type = span[offset];
            int length = BinaryPrimitives.ReadUInt16BigEndian(span[(offset + 2)..]);
            if (offset + 4 + length > data.Length)
            {
                throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"item 0x{type:X2} at offset {offset} declares {length} bytes, only {data.Length - offset - 4} remain");
            }

            items.Add((type, data.Slice(offset + 4, length)));
            offset += 4 + length;
        }

        return items;
    }

    private static (string Called, string Calling) ReadFixedFields(ReadOnlySpan<byte> body)
    {
        // PS3.8 §9.3.2: protocol version (2), reserved (2), called AE (16), calling AE (16), reserved (32).
        if (body.Length < 68)
        {
            throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, $"association PDU body of {body.Length} bytes is shorter than its 68 fixed bytes (PS3.8 §9.3.2)");
        }

        if ((BinaryPrimitives.ReadUInt16BigEndian(body) & ProtocolVersion) == 0)
        {
            throw new DicomProtocolException(AbortReason.InvalidPduParameterValue, "protocol version bit 0 is not set (PS3.8 §9.3.2)");
        }

        return (AeTitle(body.Slice(4, 16)), AeTitle(body.Slice(20, 16)));
    }

    private static string AeTitle(ReadOnlySpan<byte> field) => Encoding.ASCII.GetString(field).Trim(' ', '\0');

    private static string Uid(ReadOnlySpan<byte> value) => Encoding.ASCII.GetString(value).TrimEnd('\0', ' ');

    private static void WriteFixedFields(ArrayBufferWriter<byte> body, string called, string calling)
    {
        Span<byte> fixedFields = body.GetSpan(68)[..68];
        fixedFields.Clear();
        BinaryPrimitives.WriteUInt16BigEndian(fixedFields, ProtocolVersion);
        WriteAeTitle(fixedFields.Slice(4, 16), called);
        WriteAeTitle(fixedFields.Slice(20, 16), calling);
        body.Advance(68);
    }

    private static void WriteAeTitle(Span<byte> field, string title)
    {
        // PS3.8 §9.3.2: 16 characters, padded with spaces; PS3.5 AE: no leading/trailing significance.
        if (title.Length is 0 or > 16 || !Ascii.IsValid(title))
        {
            throw new ArgumentException($"AE title \"{title}\" must be 1 to 16 ASCII characters (PS3.5 §6.2 AE)", nameof(title));
        }

        field.Fill((byte)' ');
        Encoding.ASCII.GetBytes(title, field);
    }

    private static void WriteUserInformation(
        ArrayBufferWriter<byte> body, uint maxLength, string implementationClassUid, string? versionName, (ushort Invoked, ushort Performed)? window, IReadOnlyList<RoleSelection> roles)
    {
        var user = new ArrayBufferWriter<byte>(128);
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(four, maxLength);
        WriteItem(user, MaxLengthItem, four);
        WriteUidItem(user, ImplementationClassUidItem, implementationClassUid);
        if (window is { } w)
        {
            BinaryPrimitives.WriteUInt16BigEndian(four, w.Invoked);
            BinaryPrimitives.WriteUInt16BigEndian(four[2..], w.Performed);
            WriteItem(user, AsyncOperationsWindowItem, four);
        }

        foreach (RoleSelection role in roles)
        {
            byte[] uid = Encoding.ASCII.GetBytes(role.SopClassUid);
            byte[] value = new byte[uid.Length + 4];
            BinaryPrimitives.WriteUInt16BigEndian(value, (ushort)uid.Length);
            uid.CopyTo(value, 2);
            value[^2] = role.ScuRole ? (byte)1 : (byte)0;
            value[^1] = role.ScpRole ? (byte)1 : (byte)0;
            WriteItem(user, RoleSelectionItem, value);
        }

        if (!string.IsNullOrEmpty(versionName))
        {
            WriteItem(user, ImplementationVersionNameItem, Encoding.ASCII.GetBytes(versionName));
        }

        WriteItem(body, UserInformationItem, user.WrittenSpan);
    }

    private static void WriteUidItem(IBufferWriter<byte> output, byte type, string uid) => WriteItem(output, type, Encoding.ASCII.GetBytes(uid));

    private static void WriteItem(IBufferWriter<byte> output, byte type, ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"item 0x{type:X2} of {value.Length} bytes exceeds the 16-bit item length (PS3.8 §9.3.2)");
        }

        Span<byte> header = output.GetSpan(4);
        header[0] = type;
        header[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)value.Length);
        output.Advance(4);
        WriteBytes(output, value);
    }

    private static void WriteBytes(IBufferWriter<byte> output, ReadOnlySpan<byte> value)
    {
        value.CopyTo(output.GetSpan(value.Length));
        output.Advance(value.Length);
    }

    private static byte[] Frame(PduType type, ReadOnlySpan<byte> body)
    {
        byte[] pdu = new byte[PduReader.HeaderLength + body.Length];
        pdu[0] = (byte)type;
        BinaryPrimitives.WriteUInt32BigEndian(pdu.AsSpan(2), (uint)body.Length);
        body.CopyTo(pdu.AsSpan(PduReader.HeaderLength));
        return pdu;
    }
}
