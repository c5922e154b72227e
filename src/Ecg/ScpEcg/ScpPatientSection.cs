using System.Buffers.Binary;
using System.Text;
using Telemed.Ecg.Formats;
using Telemed.Ecg.Rhythm;

namespace Telemed.Ecg.ScpEcg;

/// <summary>
/// Section 1 (EN 1064 §5.5, Table 5): tag (1 byte), length (2 bytes), value; tag 255 ends the list. Metadata is
/// best effort: a malformed tag list keeps what was read before it and adds a warning, because the signal is still usable.
/// </summary>
internal static class ScpPatientSection
{
    // Tag numbers of Table 5.
    private const byte LastName = 0;
    private const byte FirstName = 1;
    private const byte PatientId = 2;
    private const byte Age = 4;
    private const byte DateOfBirth = 5;
    private const byte SexTag = 8;
    private const byte AcquiringDevice = 14;
    private const byte AcquisitionDate = 25;
    private const byte AcquisitionTime = 26;
    private const byte Terminator = 255;

    // Tag 14: institution (2), department (2), device id (2), type (1), manufacturer code (1), then the model description.
    private const int ModelOffset = 8;
    private const int ModelLength = 6;

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    public static EcgMetadata Read(ReadOnlySpan<byte> section, int sectionOffset, List<string> warnings)
    {
        var metadata = new EcgMetadata();
        DateOnly? date = null;
        TimeOnly? time = null;
        int at = 16;
        while (at < section.Length)
        {
            if (at + 3 > section.Length)
            {
                warnings.Add($"section 1, byte offset {sectionOffset + at}: tag list ends inside a tag header; the rest was ignored.");
                break;
            }

            byte tag = section[at];
            int length = BinaryPrimitives.ReadUInt16LittleEndian(section[(at + 1)..]);
            if (tag == Terminator)
            {
                break;
            }

            if (at + 3 + length > section.Length)
            {
                warnings.Add($"section 1, byte offset {sectionOffset + at}: tag {tag} of {length} bytes runs past the section; the rest was ignored.");
                break;
            }

            var value = section.Slice(at + 3, length);
            switch (tag)
            {
                case LastName:
                    metadata = metadata with { FamilyName = Text(value) };
                    break;
                case FirstName:
                    metadata = metadata with { GivenName = Text(value) };
                    break;
                case PatientId:
                    metadata = metadata with { PatientId = Text(value) };
                    break;
                case Age when length >= 3 && value[2] == 1: // unit 1 = years; months, weeks, days, hours are left out
                    metadata = metadata with { AgeYears = BinaryPrimitives.ReadUInt16LittleEndian(value) };
                    break;
                case DateOfBirth when length >= 4:
                    metadata = metadata with { BirthDate = Date(value) };
                    break;
                case SexTag when length >= 1:
                    metadata = metadata with { Sex = value[0] switch { 1 => Sex.Male, 2 => Sex.Female, _ => null } };
                    break;
                case AcquiringDevice when length >= ModelOffset + ModelLength:
                    metadata = metadata with { Device = Text(value.Slice(ModelOffset, ModelLength)) };
                    break;
                case AcquisitionDate when length >= 4:
                    date = Date(value);
                    break;
                case AcquisitionTime when length >= 3 && value[0] < 24 && value[1] < 60 && value[2] < 60:
                    time = new TimeOnly(value[0], value[1], value[2]);
                    break;
            }

            at += 3 + length;
        }

        if (date is DateOnly d)
        {
            metadata = metadata with { AcquisitionTime = d.ToDateTime(time ?? TimeOnly.MinValue) };
        }

        return metadata;
    }

    /// <summary>Year (2 bytes), month, day; null for the all-zero "unknown" date or an impossible one.</summary>
    private static DateOnly? Date(ReadOnlySpan<byte> value)
    {
        int year = BinaryPrimitives.ReadUInt16LittleEndian(value);
        return year is >= 1 and <= 9999 && value[2] is >= 1 and <= 12 && value[3] >= 1 && value[3] <= DateTime.DaysInMonth(year, value[2])
            ? new DateOnly(year, value[2], value[3])
            : null;
    }

    /// <summary>A null-terminated string; UTF-8 when the bytes are valid UTF-8 (SCP-ECG v3), else ISO 8859-1 (v2's default).</summary>
    private static string? Text(ReadOnlySpan<byte> value)
    {
        int end = value.IndexOf((byte)0);
        var bytes = end >= 0 ? value[..end] : value;
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            text = Encoding.Latin1.GetString(bytes);
        }

        text = text.Trim();
        return text.Length == 0 ? null : text;
    }
}
