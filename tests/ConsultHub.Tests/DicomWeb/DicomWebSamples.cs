using System.Net.Http.Headers;
using System.Text;
using Telemed.Dicom.Data;
using Telemed.Dicom.Files;
using Telemed.Dicom.Imaging;

namespace Telemed.ConsultHub.Tests.DicomWeb;

/// <summary>
/// The repository's sample objects (samples/dicom) with fresh Study, Series and SOP Instance UIDs, so every test
/// stores instances of its own on the shared hub; and multipart/related bodies in and out.
/// </summary>
internal static class DicomWebSamples
{
    public const string Cr = "cr-chest-pa-gb18030.dcm";
    public const string Ecg = "ecg-inferior-stemi-utf8.dcm";

    public static string PathOf(string sample) => Path.Combine(RepositoryPaths.Root, "samples", "dicom", sample);

    /// <summary>
    /// A copy of the sample as a new instance of a new study (or of <paramref name="study"/>); RLE Lossless when
    /// <paramref name="rle"/>; for another patient id when <paramref name="patientId"/> is given.
    /// </summary>
    public static (byte[] Bytes, string Study, string Series, string Sop) Fresh(string sample, bool rle = false, string? study = null, string? patientId = null)
    {
        DicomFile file = DicomFile.Open(PathOf(sample));
        string studyUid = study ?? DicomUids.Create();
        string seriesUid = DicomUids.Create();
        string sopUid = DicomUids.Create();
        var builder = new DicomDatasetBuilder(file.Dataset.CharacterSet);
        foreach (DicomElement element in file.Dataset)
        {
            builder.AddElement(element);
        }

        builder.Add("StudyInstanceUID", studyUid).Add("SeriesInstanceUID", seriesUid).Add("SOPInstanceUID", sopUid);
        if (patientId is not null)
        {
            builder.Add("PatientID", patientId);
        }

        DicomFile copy = DicomFile.Create(builder.Build(), file.TransferSyntax);
        if (rle)
        {
            copy = PixelDataTranscoder.ToRleLossless(copy);
        }

        using var bytes = new MemoryStream();
        copy.Write(bytes);
        return (bytes.ToArray(), studyUid, seriesUid, sopUid);
    }

    /// <summary>The data set of a Part 10 file: what survives storage byte for byte (the hub writes its own meta header).</summary>
    public static ReadOnlySpan<byte> DatasetOf(byte[] part10) =>
        part10.AsSpan(144 + (int)BitConverter.ToUInt32(part10, 140));

    public static HttpContent Stow(params byte[][] parts)
    {
        var content = new MultipartContent("related", "stow-" + Guid.NewGuid().ToString("N"));
        content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        foreach (byte[] part in parts)
        {
            var body = new ByteArrayContent(part);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            content.Add(body);
        }

        return content;
    }

    /// <summary>The parts of a multipart/related response, with their content types.</summary>
    public static async Task<List<(string ContentType, byte[] Body)>> PartsAsync(HttpResponseMessage response)
    {
        string boundary = response.Content.Headers.ContentType!.Parameters.Single(p => p.Name == "boundary").Value!.Trim('"');
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        byte[] delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        var parts = new List<(string, byte[])>();
        int at = body.AsSpan().IndexOf(delimiter);
        while (at >= 0)
        {
            int start = at + delimiter.Length;
            if (body.AsSpan(start).StartsWith("--"u8))
            {
                break;
            }

            int next = body.AsSpan(start).IndexOf(delimiter);
            int end = next < 0 ? body.Length : start + next;
            byte[] part = body[(start + 2)..(end - 2)]; // after the CRLF ending the delimiter line, before the CRLF preceding the next
            int headersEnd = part.AsSpan().IndexOf("\r\n\r\n"u8);
            string headers = Encoding.ASCII.GetString(part, 0, headersEnd);
            string type = headers.Split("\r\n").Single(h => h.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))["Content-Type:".Length..].Trim();
            parts.Add((type, part[(headersEnd + 4)..]));
            at = next < 0 ? -1 : end;
        }

        return parts;
    }
}
