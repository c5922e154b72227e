using Telemed.Dicom.Files;
using Telemed.Dicom.Network;
using Xunit;

namespace Telemed.Dicom.Tests.Network;

/// <summary>A-ASSOCIATE-RQ/AC negotiation between our requestor and our server over TCP (PS3.8 §9.3.2-9.3.3, PS3.7 Annex D.3).</summary>
public sealed class NegotiationTests
{
    [Fact]
    public async Task Contexts_user_information_roles_and_window_are_negotiated()
    {
        await using var server = new TestServer(new RecordingStoreHandler());
        var request = new AssociationRequest
        {
            CallingAeTitle = "DEVICE1",
            CalledAeTitle = TestServer.AeTitle,
            PresentationContexts =
            [
                new PresentationContext(1, StorageSopClasses.TwelveLeadEcg, ["1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1"]),
                new PresentationContext(3, "1.2.840.10008.5.1.4.1.2.2.1", ["1.2.840.10008.1.2"]),
                new PresentationContext(5, StorageSopClasses.DigitalXRayForPresentation, ["1.2.3.4.5.6.7.8.9"]),
                new PresentationContext(7, StorageSopClasses.Verification, ["1.2.840.10008.1.2"]),
            ],
            AsynchronousOperationsWindow = (5, 5),
            RoleSelections = [new RoleSelection(StorageSopClasses.TwelveLeadEcg, ScuRole: true, ScpRole: true)],
        };

        await using DicomAssociation association = await DicomAssociation.ConnectAsync("127.0.0.1", server.Port, request);

        AssociationAcceptance ac = association.Acceptance;
        Assert.Equal(
            [PresentationContextResult.Acceptance, PresentationContextResult.AbstractSyntaxNotSupported, PresentationContextResult.TransferSyntaxesNotSupported, PresentationContextResult.Acceptance],
            ac.PresentationContexts.Select(c => c.Result));
        // The requestor's first acceptable proposal wins.
        Assert.Equal("1.2.840.10008.1.2.2", ac.PresentationContexts[0].AcceptedTransferSyntax);
        Assert.Equal(DicomFile.ImplementationClassUid, ac.ImplementationClassUid);
        Assert.Equal(DicomFile.ImplementationVersionName, ac.ImplementationVersionName);
        Assert.Equal(((ushort)1, (ushort)1), ac.AsynchronousOperationsWindow);
        Assert.Equal([new RoleSelection(StorageSopClasses.TwelveLeadEcg, true, false)], ac.RoleSelections);
        Assert.Equal(16384u, association.PeerMaxPduLength);
        await association.ReleaseAsync();
        Assert.True(association.IsClosed);
    }

    [Fact]
    public void Storage_SOP_classes_come_from_the_UID_registry()
    {
        Assert.Equal("1.2.840.10008.1.1", StorageSopClasses.Verification);
        Assert.Equal(Telemed.Dicom.Waveforms.WaveformSopClasses.TwelveLeadEcg, StorageSopClasses.TwelveLeadEcg);
        Assert.Equal(Telemed.Dicom.Waveforms.WaveformSopClasses.GeneralEcg, StorageSopClasses.GeneralEcg);
        // The current class, and beside it the retired 1993 one (1.2.840.10008.5.1.4.1.1.6) that old machines send.
        Assert.Equal("1.2.840.10008.5.1.4.1.1.6.1", StorageSopClasses.Ultrasound);
        Assert.Equal("1.2.840.10008.5.1.4.1.1.6", StorageSopClasses.UltrasoundRetired);
        Assert.Equal("1.2.840.10008.5.1.4.1.1.3", StorageSopClasses.UltrasoundMultiframeRetired);
        Assert.Equal(14, StorageSopClasses.All.Distinct().Count());
    }

    [Fact]
    public void A_command_set_round_trips_with_its_group_length()
    {
        DicomCommand request = DicomCommand.StoreRequest(7, StorageSopClasses.CT, "1.2.3.4.5");
        DicomCommand response = request.ResponseTo(DicomStatus.CannotUnderstand, "odd");
        byte[] encoded = response.Encode();

        DicomCommand decoded = DicomCommand.Decode(encoded);

        Assert.Equal((uint)(encoded.Length - 12), BitConverter.ToUInt32(encoded, 8));
        Assert.Equal(DicomCommandField.CStoreResponse, decoded.CommandField);
        Assert.Equal((ushort)7, decoded.MessageIdBeingRespondedTo);
        Assert.Equal(DicomStatus.CannotUnderstand, decoded.Status);
        Assert.Equal("odd", decoded.ErrorComment);
        Assert.Equal("1.2.3.4.5", decoded.AffectedSopInstanceUid);
        Assert.False(decoded.HasDataSet);
        Assert.True(DicomCommand.Decode(request.Encode()).HasDataSet);
    }
}
