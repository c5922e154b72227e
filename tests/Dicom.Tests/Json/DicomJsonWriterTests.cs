using System.Text.Json;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Json;
using Telemed.Dicom.Tags;
using Telemed.Dicom.ValueRepresentations;
using Xunit;

namespace Telemed.Dicom.Tests.Json;

/// <summary>The DICOM JSON Model (PS3.18 Annex F.2) for the repository's sample objects and for built data sets.</summary>
public sealed class DicomJsonWriterTests
{
    private static JsonElement Write(DicomDataset dataset, DicomJsonOptions? options = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, DicomJsonWriter.WriterOptions))
        {
            DicomJsonWriter.WriteDataset(writer, dataset, options);
        }

        return JsonDocument.Parse(buffer.ToArray()).RootElement.Clone();
    }

    [Fact]
    public void A_gb18030_radiograph_becomes_unicode_json_with_typed_values()
    {
        DicomFile file = DicomFile.Open(Path.Combine(TestData.RepositoryRoot, "samples", "dicom", "cr-chest-pa-gb18030.dcm"));
        var bulk = new List<string>();
        JsonElement json = Write(file.Dataset, new DicomJsonOptions { BulkDataUri = (path, _) => { bulk.Add(path); return "bulk/" + path; } });

        // PN as component groups (F.2.2), decoded from GB18030; the character set itself is not carried over.
        JsonElement name = json.GetProperty("00100010");
        Assert.Equal("PN", name.GetProperty("vr").GetString());
        Assert.Equal("Wang^Wu", name.GetProperty("Value")[0].GetProperty("Alphabetic").GetString());
        Assert.Equal("王^五", name.GetProperty("Value")[0].GetProperty("Ideographic").GetString());
        Assert.False(json.TryGetProperty("00080005", out _));
        // DS and IS as JSON numbers, US as numbers, UI as strings (F.2.3).
        Assert.Equal(JsonValueKind.Number, json.GetProperty("00181164").GetProperty("Value")[0].ValueKind);
        Assert.Equal(0.8398, json.GetProperty("00181164").GetProperty("Value")[1].GetDouble(), 6);
        Assert.Equal(512, json.GetProperty("00280010").GetProperty("Value")[0].GetInt32());
        Assert.Equal("US", json.GetProperty("00280010").GetProperty("vr").GetString());
        Assert.Equal(file.Dataset.GetUid(new DicomTag(0x0008, 0x0018)), json.GetProperty("00080018").GetProperty("Value")[0].GetString());
        // The pixel data (512 × 512 × 2 bytes) by reference; no group length, no file meta.
        Assert.Equal("bulk/7FE00010", json.GetProperty("7FE00010").GetProperty("BulkDataURI").GetString());
        Assert.Equal(["7FE00010"], bulk);
        Assert.DoesNotContain(json.EnumerateObject(), p => p.Name.StartsWith("0002", StringComparison.Ordinal) || p.Name.EndsWith("0000", StringComparison.Ordinal));
        // Keys in ascending tag order.
        string[] keys = [.. json.EnumerateObject().Select(p => p.Name)];
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
    }

    [Fact]
    public void Sequences_nest_small_binaries_go_inline_and_empty_values_have_no_value()
    {
        var builder = new DicomDatasetBuilder(Telemed.Dicom.Text.DicomCharacterSet.FromSpecificCharacterSet("ISO_IR 192"));
        builder.Add("PatientName", "Li^Si=李^四");
        builder.Add("PatientID", "");
        builder.Add("ImageType", "ORIGINAL", "", "AXIAL");
        builder.AddBinary(new DicomTag(0x0009, 0x1010), DicomVR.OB, new byte[] { 1, 2, 3, 4 });
        builder.AddSequence("ReferencedStudySequence", builder.CreateItem().Add("ReferencedSOPInstanceUID", "1.2.3"), builder.CreateItem().Add("ReferencedSOPInstanceUID", "1.2.4"));
        JsonElement json = Write(builder.Build());

        Assert.False(json.GetProperty("00100020").TryGetProperty("Value", out _));
        JsonElement imageType = json.GetProperty("00080008").GetProperty("Value");
        Assert.Equal("ORIGINAL", imageType[0].GetString());
        Assert.Equal(JsonValueKind.Null, imageType[1].ValueKind);
        Assert.Equal("AQIDBA==", json.GetProperty("00091010").GetProperty("InlineBinary").GetString());
        JsonElement items = json.GetProperty("00081110").GetProperty("Value");
        Assert.Equal("SQ", json.GetProperty("00081110").GetProperty("vr").GetString());
        Assert.Equal("1.2.4", items[1].GetProperty("00081155").GetProperty("Value")[0].GetString());
        Assert.Equal("李^四", json.GetProperty("00100010").GetProperty("Value")[0].GetProperty("Ideographic").GetString());
    }

    [Fact]
    public void An_ecg_waveform_is_bulk_data_at_its_item_path()
    {
        DicomFile file = DicomFile.Open(Path.Combine(TestData.RepositoryRoot, "samples", "dicom", "ecg-inferior-stemi-utf8.dcm"));
        JsonElement json = Write(file.Dataset, new DicomJsonOptions { BulkDataUri = (path, _) => "bulk/" + path });
        JsonElement waveform = json.GetProperty("54000100").GetProperty("Value")[0];
        Assert.Equal("bulk/54000100/0/54001010", waveform.GetProperty("54001010").GetProperty("BulkDataURI").GetString());
        Assert.Equal(12, waveform.GetProperty("003A0005").GetProperty("Value")[0].GetInt32());
    }
}
