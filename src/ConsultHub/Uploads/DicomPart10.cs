using System.Buffers.Binary;

namespace Telemed.ConsultHub.Uploads;

/// <summary>Where the data set of a Part 10 file starts: after the preamble, "DICM" and the File Meta Information group.</summary>
internal static class DicomPart10
{
    /// <summary>
    /// PS3.10 §7.1: 128-byte preamble, "DICM", then group 0002 in Explicit VR Little Endian; the data set follows the
    /// last 0002 element. Walked element by element (not via (0002,0000)), since some writers leave the group length out.
    /// A file without preamble and "DICM" is a bare data set: it starts at 0.
    /// </summary>
    public static long DatasetOffset(Stream file)
    {
        ArgumentNullException.ThrowIfNull(file);
        Span<byte> head = stackalloc byte[132];
        file.Position = 0;
        if (file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length || !head[128..].SequenceEqual("DICM"u8))
        {
            return 0;
        }

        long position = 132;
        Span<byte> element = stackalloc byte[12];
        while (true)
        {
            file.Position = position;
            int read = file.ReadAtLeast(element, 8, throwOnEndOfStream: false);
            if (read < 8 || BinaryPrimitives.ReadUInt16LittleEndian(element) != 0x0002)
            {
                return position;
            }

            // PS3.5 §7.1.2: these VRs have 2 reserved bytes and a 32-bit length; the others a 16-bit length.
            string vr = $"{(char)element[4]}{(char)element[5]}";
            if (vr is "OB" or "OD" or "OF" or "OL" or "OV" or "OW" or "SQ" or "SV" or "UC" or "UN" or "UR" or "UT" or "UV")
            {
                if (read < 12 && file.ReadAtLeast(element[read..], 12 - read, throwOnEndOfStream: false) < 12 - read)
                {
                    throw new InvalidDataException("the file ends inside its File Meta Information");
                }

                position += 12 + BinaryPrimitives.ReadUInt32LittleEndian(element[8..]);
            }
            else
            {
                position += 8 + BinaryPrimitives.ReadUInt16LittleEndian(element[6..]);
            }
        }
    }
}
