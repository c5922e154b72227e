using Telemed.Dicom.Dictionary;
using Xunit;

namespace Telemed.Dicom.Tests.Dictionary;

public sealed class DicomUidRegistryTests
{
    [Theory]
    [InlineData("1.2.840.10008.1.2", "LittleEndianImplicitTransferSyntax", DicomUidType.TransferSyntax)]
    [InlineData("1.2.840.10008.1.2.1", "LittleEndianExplicitTransferSyntax", DicomUidType.TransferSyntax)]
    [InlineData("1.2.840.10008.1.2.4.50", "JPEGProcess1TransferSyntax", DicomUidType.TransferSyntax)]
    [InlineData("1.2.840.10008.5.1.4.1.1.2", "CTImageStorage", DicomUidType.SopClass)]
    [InlineData("1.2.840.10008.5.1.4.1.1.9.1.1", "TwelveLeadECGWaveformStorage", DicomUidType.SopClass)]
    [InlineData("1.2.840.10008.1.1", "VerificationSOPClass", DicomUidType.SopClass)]
    [InlineData("1.2.840.10008.2.16.4", "DICOMControlledTerminologyCodingScheme", DicomUidType.Other)]
    public void Finds_registered_UIDs(string value, string keyword, DicomUidType type)
    {
        Assert.True(DicomUidRegistry.TryGet(value, out DicomUid uid));
        Assert.Equal(value, uid.Value);
        Assert.Equal(keyword, uid.Keyword);
        Assert.Equal(type, uid.Type);
    }

    [Fact]
    public void Ignores_UI_padding_and_rejects_unknown_values()
    {
        Assert.True(DicomUidRegistry.TryGet("1.2.840.10008.1.2.1\0", out DicomUid uid));
        Assert.Equal("1.2.840.10008.1.2.1", uid.Value);
        Assert.False(DicomUidRegistry.TryGet("1.2.840.10008.1.2.1.0", out _));
        Assert.False(DicomUidRegistry.TryGet(null, out _));
    }

    [Fact]
    public void Marks_retired_UIDs()
    {
        Assert.True(DicomUidRegistry.TryGet("1.2.840.10008.5.1.4.1.1.129", out DicomUid uid));
        Assert.Equal("StandalonePETCurveStorage", uid.Keyword);
        Assert.True(uid.IsRetired);
    }

    [Fact]
    public void Lists_transfer_syntaxes_without_private_or_draft_UIDs()
    {
        var syntaxes = DicomUidRegistry.OfType(DicomUidType.TransferSyntax).ToList();
        Assert.Contains(syntaxes, u => u.Value == "1.2.840.10008.1.2.5"); // RLE Lossless
        Assert.All(syntaxes, u => Assert.StartsWith("1.2.840.10008.", u.Value, StringComparison.Ordinal));
        Assert.True(DicomUidRegistry.OfType(DicomUidType.SopClass).Count() > 200);
        Assert.False(DicomUidRegistry.TryGet("1.2.840.10008.5.1.4.1.1.88.1", out _)); // Supplement 23 draft, left out
    }
}
