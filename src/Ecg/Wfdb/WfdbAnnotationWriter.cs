using System.Buffers.Binary;
using System.Text;

namespace Telemed.Ecg.Wfdb;

/// <summary>Writes MIT-format annotation files that WFDB tools (rdann, bxb) read.</summary>
public static class WfdbAnnotationWriter
{
    /// <summary>Writes <paramref name="annotations"/> (sorted by sample) to <c>{recordPath}.{annotator}</c>.</summary>
    public static string Write(string recordPath, string annotator, IEnumerable<Annotation> annotations)
    {
        ArgumentNullException.ThrowIfNull(recordPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(annotator);
        string path = recordPath + "." + annotator;
        using var stream = File.Create(path);
        Write(stream, annotations);
        return path;
    }

    public static void Write(Stream stream, IEnumerable<Annotation> annotations)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(annotations);
        Span<byte> w = stackalloc byte[6];
        long time = 0;
        int num = 0, chan = 0;
        foreach (var a in annotations)
        {
            if (a.Code is <= 0 or > AnnotationCode.MaxCode)
            {
                throw new ArgumentException($"Annotation at sample {a.Sample} has code {a.Code}, which the MIT format cannot store.", nameof(annotations));
            }

            long delta = a.Sample - time;
            if (delta < 0)
            {
                throw new ArgumentException($"Annotations must be in time order: sample {a.Sample} follows {time}.", nameof(annotations));
            }

            while (delta > 1023)
            {
                // SKIP: PDP-11 long (signed 32-bit), high word first; gaps beyond its range take several.
                int skip = (int)Math.Min(delta, int.MaxValue);
                Word(stream, w, WfdbAnnotationReader.Skip, 0);
                BinaryPrimitives.WriteInt16LittleEndian(w, (short)(skip >> 16));
                BinaryPrimitives.WriteUInt16LittleEndian(w[2..], (ushort)(skip & 0xFFFF));
                stream.Write(w[..4]);
                delta -= skip;
            }

            Word(stream, w, a.Code, (int)delta);
            time = a.Sample;
            if (a.SubType != 0)
            {
                Word(stream, w, WfdbAnnotationReader.Sub, a.SubType & 0x3FF);
            }

            if (a.Channel != chan)
            {
                Word(stream, w, WfdbAnnotationReader.Chn, a.Channel & 0x3FF);
                chan = a.Channel;
            }

            if (a.Number != num)
            {
                Word(stream, w, WfdbAnnotationReader.Num, a.Number & 0x3FF);
                num = a.Number;
            }

            if (!string.IsNullOrEmpty(a.Aux))
            {
                byte[] aux = Encoding.Latin1.GetBytes(a.Aux);
                if (aux.Length > 255)
                {
                    throw new ArgumentException($"AUX string at sample {a.Sample} is longer than 255 bytes.", nameof(annotations));
                }

                Word(stream, w, WfdbAnnotationReader.Aux, aux.Length);
                stream.Write(aux);
                if ((aux.Length & 1) != 0)
                {
                    stream.WriteByte(0);
                }
            }
        }

        Word(stream, w, 0, 0);
    }

    private static void Word(Stream s, Span<byte> buffer, int code, int value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(buffer, (ushort)((code << 10) | (value & 0x3FF)));
        s.Write(buffer[..2]);
    }
}
