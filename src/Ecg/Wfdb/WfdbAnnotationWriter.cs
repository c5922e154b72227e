using System.Buffers.Binary;
using System.Text;

namespace Telemed.Ecg.Wfdb;

/// <summary>
/// Writes MIT-format annotation files that WFDB tools (rdann, bxb) read (PhysioNet annot(5); WFDB putann).
/// Fields must fit what getann stores: subtype and number in a signed char (−128..127), channel in an
/// unsigned char (0..255), AUX in at most 255 bytes.
/// </summary>
public static class WfdbAnnotationWriter
{
    /// <summary>
    /// Writes <paramref name="annotations"/> (sorted by sample) to <c>{recordPath}.{annotator}</c> and returns that path.
    /// All annotations are checked before anything is written, and the file is written under a temporary name in
    /// the same folder and then moved into place, so a failure never leaves a truncated annotation file behind.
    /// </summary>
    /// <param name="overwrite">
    /// When false (the default) an existing file is left alone and an <see cref="IOException"/> is thrown, so that
    /// reference annotations (e.g. a database's <c>.atr</c>) are not replaced by accident.
    /// </param>
    public static string Write(string recordPath, string annotator, IEnumerable<Annotation> annotations, bool overwrite = false)
    {
        ArgumentNullException.ThrowIfNull(recordPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(annotator);
        ArgumentNullException.ThrowIfNull(annotations);
        string path = recordPath + "." + annotator;
        var list = Validate(annotations);
        if (!overwrite && File.Exists(path))
        {
            throw new IOException($"{path} exists; not overwriting it (pass overwrite: true to replace it).");
        }

        string dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        string temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                WriteValidated(stream, list);
            }

            // With overwrite false, Move refuses a file that appeared since the check above.
            File.Move(temp, path, overwrite);
        }
        finally
        {
            File.Delete(temp); // No-op once moved.
        }

        return path;
    }

    /// <summary>Writes <paramref name="annotations"/> to <paramref name="stream"/>; nothing is written if any is invalid.</summary>
    public static void Write(Stream stream, IEnumerable<Annotation> annotations)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(annotations);
        WriteValidated(stream, Validate(annotations));
    }

    private static List<Annotation> Validate(IEnumerable<Annotation> annotations)
    {
        var list = annotations.ToList();
        long time = 0;
        foreach (var a in list)
        {
            if (a.Code is <= 0 or > AnnotationCode.MaxCode)
            {
                throw new ArgumentException($"Annotation at sample {a.Sample} has code {a.Code}, which the MIT format cannot store.", nameof(annotations));
            }

            if (a.Sample < time)
            {
                throw new ArgumentException($"Annotations must be in time order: sample {a.Sample} follows {time}.", nameof(annotations));
            }

            if (a.SubType is < sbyte.MinValue or > sbyte.MaxValue)
            {
                throw new ArgumentException($"Annotation at sample {a.Sample} has subtype {a.SubType}; WFDB stores it in a signed char (-128 to 127).", nameof(annotations));
            }

            if (a.Number is < sbyte.MinValue or > sbyte.MaxValue)
            {
                throw new ArgumentException($"Annotation at sample {a.Sample} has number {a.Number}; WFDB stores it in a signed char (-128 to 127).", nameof(annotations));
            }

            if (a.Channel is < byte.MinValue or > byte.MaxValue)
            {
                throw new ArgumentException($"Annotation at sample {a.Sample} has channel {a.Channel}; WFDB stores it in an unsigned char (0 to 255).", nameof(annotations));
            }

            if (a.Aux is not null && Encoding.Latin1.GetByteCount(a.Aux) > MitAnnotationFormat.MaxAuxBytes)
            {
                throw new ArgumentException($"AUX string at sample {a.Sample} is longer than {MitAnnotationFormat.MaxAuxBytes} bytes.", nameof(annotations));
            }

            time = a.Sample;
        }

        return list;
    }

    private static void WriteValidated(Stream stream, List<Annotation> annotations)
    {
        Span<byte> w = stackalloc byte[6];
        long time = 0;

        // Running state as a reader will decode it (putann writes CHN and NUM only when they change).
        int num = 0, chan = 0;
        foreach (var a in annotations)
        {
            long delta = a.Sample - time;
            while (delta > MitAnnotationFormat.ValueMask)
            {
                // SKIP: PDP-11 long (signed 32-bit), high word first; gaps beyond its range take several.
                int skip = (int)Math.Min(delta, int.MaxValue);
                Word(stream, w, MitAnnotationFormat.Skip, 0);
                BinaryPrimitives.WriteInt16LittleEndian(w, (short)(skip >> 16));
                BinaryPrimitives.WriteUInt16LittleEndian(w[2..], (ushort)(skip & 0xFFFF));
                stream.Write(w[..4]);
                delta -= skip;
            }

            Word(stream, w, a.Code, (int)delta);
            time = a.Sample;
            if (a.SubType != 0)
            {
                Word(stream, w, MitAnnotationFormat.Sub, a.SubType);
            }

            if (a.Channel != chan)
            {
                Word(stream, w, MitAnnotationFormat.Chn, a.Channel);
                chan = a.Channel & 0xFF;
            }

            if (a.Number != num)
            {
                Word(stream, w, MitAnnotationFormat.Num, a.Number);
                num = unchecked((sbyte)a.Number);
            }

            if (!string.IsNullOrEmpty(a.Aux))
            {
                byte[] aux = Encoding.Latin1.GetBytes(a.Aux);
                Word(stream, w, MitAnnotationFormat.Aux, aux.Length);
                stream.Write(aux);
                if ((aux.Length & 1) != 0)
                {
                    stream.WriteByte(0);
                }
            }
        }

        Word(stream, w, 0, 0);
    }

    // Like putann, a negative subtype or number goes out as its low 10 bits; getann keeps the low 8 as a signed char.
    private static void Word(Stream s, Span<byte> buffer, int code, int value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(buffer, (ushort)((code << MitAnnotationFormat.CodeShift) | (value & MitAnnotationFormat.ValueMask)));
        s.Write(buffer[..2]);
    }
}
