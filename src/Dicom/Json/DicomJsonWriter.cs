using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Telemed.Dicom.Data;
using Telemed.Dicom.Tags;
using Telemed.Dicom.ValueRepresentations;

namespace Telemed.Dicom.Json;

/// <summary>
/// Writes data sets in the DICOM JSON Model (PS3.18 Annex F.2): an object per data set, keyed by eight upper-case hex
/// digits of the tag, each attribute with its "vr" and a "Value" array (person names as objects of component groups,
/// F.2.2), "InlineBinary" (base64) or "BulkDataURI" for binary values. Group lengths (gggg,0000) and the File Meta
/// Information are not part of the model and are left out.
/// </summary>
public static class DicomJsonWriter
{
    /// <summary>
    /// Writer options for DICOM JSON: non-ASCII text (Chinese names) written as UTF-8, not \u escapes, since the
    /// model's encoding is UTF-8 (PS3.18 F.2).
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    /// <summary>The eight-hex-digit key of a tag (PS3.18 F.2.1.1.2).</summary>
    public static string Key(DicomTag tag) => tag.Value.ToString("X8", CultureInfo.InvariantCulture);

    public static void WriteDataset(Utf8JsonWriter writer, DicomDataset dataset, DicomJsonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(dataset);
        WriteDataset(writer, dataset, options ?? DicomJsonOptions.Default, "");
    }

    /// <summary>Writes the attributes of <paramref name="dataset"/> (no surrounding braces), for callers that add their own.</summary>
    public static void WriteAttributes(Utf8JsonWriter writer, DicomDataset dataset, DicomJsonOptions? options = null, Func<DicomTag, bool>? include = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(dataset);
        WriteAttributes(writer, dataset, options ?? DicomJsonOptions.Default, "", include);
    }

    private static void WriteDataset(Utf8JsonWriter writer, DicomDataset dataset, DicomJsonOptions options, string path)
    {
        writer.WriteStartObject();
        WriteAttributes(writer, dataset, options, path, null);
        writer.WriteEndObject();
    }

    private static void WriteAttributes(Utf8JsonWriter writer, DicomDataset dataset, DicomJsonOptions options, string path, Func<DicomTag, bool>? include)
    {
        foreach (DicomElement element in dataset)
        {
            DicomTag tag = element.Tag;
            // Specific Character Set is left out: the JSON text is Unicode whatever the file's encoding was.
            if (tag.IsGroupLength || tag.Group == 0x0002 || tag.IsDelimiter || tag == DicomTag.SpecificCharacterSet
                || (include is not null && !include(tag)))
            {
                continue;
            }

            string key = Key(tag);
            string elementPath = path.Length == 0 ? key : $"{path}/{key}";
            writer.WritePropertyName(key);
            writer.WriteStartObject();
            writer.WriteString("vr", element.VR.Code);
            WriteValue(writer, dataset, element, options, elementPath);
            writer.WriteEndObject();
        }
    }

    private static void WriteValue(Utf8JsonWriter writer, DicomDataset dataset, DicomElement element, DicomJsonOptions options, string path)
    {
        switch (element)
        {
            case DicomSequence sequence:
                if (sequence.Items.Count > 0)
                {
                    writer.WriteStartArray("Value");
                    for (int i = 0; i < sequence.Items.Count; i++)
                    {
                        WriteDataset(writer, sequence.Items[i], options, $"{path}/{i}");
                    }

                    writer.WriteEndArray();
                }

                return;
            case DicomFragmentSequence:
                // Encapsulated pixel data only travels as bulk data (PS3.18 F.2.7).
                if (options.BulkDataUri?.Invoke(path, element) is string fragmentsUri)
                {
                    writer.WriteString("BulkDataURI", fragmentsUri);
                }

                return;
        }

        if (element.Length == 0)
        {
            return;
        }

        switch (element.VR.Kind)
        {
            case DicomVRKind.Bytes:
                if (element.Length > options.InlineBinaryLimit && options.BulkDataUri?.Invoke(path, element) is string uri)
                {
                    writer.WriteString("BulkDataURI", uri);
                }
                else
                {
                    writer.WriteBase64String("InlineBinary", element.Value.Span);
                }

                return;
            case DicomVRKind.Number:
                WriteNumbers(writer, element);
                return;
            default:
                WriteText(writer, dataset, element);
                return;
        }
    }

    private static void WriteText(Utf8JsonWriter writer, DicomDataset dataset, DicomElement element)
    {
        IReadOnlyList<string> values;
        try
        {
            values = element.GetStrings(dataset.CharacterSet);
        }
        catch (DicomException)
        {
            return; // undecodable text: the attribute is listed without a value rather than with a wrong one
        }

        if (values.Count == 0)
        {
            return;
        }

        writer.WriteStartArray("Value");
        foreach (string value in values)
        {
            WriteTextValue(writer, element.VR, value);
        }

        writer.WriteEndArray();
    }

    /// <summary>One text value in the JSON form of its VR: numbers for DS and IS, an object for PN, else a string; empty is null (F.2.5).</summary>
    public static void WriteTextValue(Utf8JsonWriter writer, DicomVR vr, string value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(vr);
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0)
        {
            writer.WriteNullValue();
        }
        else if (vr == DicomVR.PN)
        {
            WritePersonName(writer, value);
        }
        else if (vr == DicomVR.IS && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer))
        {
            writer.WriteNumberValue(integer);
        }
        else if (vr == DicomVR.DS && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    /// <summary>PS3.18 F.2.2: a person name as its Alphabetic, Ideographic and Phonetic component groups.</summary>
    public static void WritePersonName(Utf8JsonWriter writer, string value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        string[] groups = value.Split('=');
        writer.WriteStartObject();
        string[] names = ["Alphabetic", "Ideographic", "Phonetic"];
        for (int i = 0; i < Math.Min(groups.Length, names.Length); i++)
        {
            if (groups[i].Length > 0)
            {
                writer.WriteString(names[i], groups[i]);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>One attribute with string values in a VR's JSON form (for attributes not read from a data set).</summary>
    public static void WriteAttribute(Utf8JsonWriter writer, DicomTag tag, DicomVR vr, params IReadOnlyList<string?> values)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(vr);
        ArgumentNullException.ThrowIfNull(values);
        writer.WritePropertyName(Key(tag));
        writer.WriteStartObject();
        writer.WriteString("vr", vr.Code);
        if (values.Any(v => !string.IsNullOrEmpty(v)))
        {
            writer.WriteStartArray("Value");
            foreach (string? value in values)
            {
                WriteTextValue(writer, vr, value ?? "");
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <summary>One attribute with integer values (US, UL, SL, SS, IS).</summary>
    public static void WriteAttribute(Utf8JsonWriter writer, DicomTag tag, DicomVR vr, long? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(vr);
        writer.WritePropertyName(Key(tag));
        writer.WriteStartObject();
        writer.WriteString("vr", vr.Code);
        if (value is long v)
        {
            writer.WriteStartArray("Value");
            writer.WriteNumberValue(v);
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteNumbers(Utf8JsonWriter writer, DicomElement element)
    {
        writer.WriteStartArray("Value");
        ReadOnlySpan<byte> bytes = element.Value.Span;
        int count = element.ValueCount;
        for (int i = 0; i < count; i++)
        {
            switch (element.VR.Code)
            {
                case "AT":
                    writer.WriteStringValue(Key(element.GetTag(i)));
                    break;
                case "US":
                    writer.WriteNumberValue(element.GetUInt16(i));
                    break;
                case "SS":
                    writer.WriteNumberValue(element.GetInt16(i));
                    break;
                case "UL":
                    writer.WriteNumberValue(element.GetUInt32(i));
                    break;
                case "SL":
                    writer.WriteNumberValue(element.GetInt32(i));
                    break;
                case "FL":
                case "FD":
                    double d = element.GetDouble(i);
                    if (double.IsFinite(d))
                    {
                        writer.WriteNumberValue(d);
                    }
                    else
                    {
                        writer.WriteStringValue(d.ToString(CultureInfo.InvariantCulture)); // NaN/Inf have no JSON number
                    }

                    break;
                case "UV":
                    ReadOnlySpan<byte> uv = bytes.Slice(i * 8, 8);
                    writer.WriteNumberValue(element.IsBigEndian ? BinaryPrimitives.ReadUInt64BigEndian(uv) : BinaryPrimitives.ReadUInt64LittleEndian(uv));
                    break;
                case "SV":
                    ReadOnlySpan<byte> sv = bytes.Slice(i * 8, 8);
                    writer.WriteNumberValue(element.IsBigEndian ? BinaryPrimitives.ReadInt64BigEndian(sv) : BinaryPrimitives.ReadInt64LittleEndian(sv));
                    break;
                default:
                    writer.WriteNullValue();
                    break;
            }
        }

        writer.WriteEndArray();
    }
}
