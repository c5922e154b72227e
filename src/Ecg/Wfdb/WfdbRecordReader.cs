using System.Buffers.Binary;
using Telemed.Ecg.Signals;

namespace Telemed.Ecg.Wfdb;

/// <summary>
/// Reads a WFDB record (header + signal files) into an <see cref="EcgRecording"/>.
/// Signal formats (PhysioNet signal(5)): 212 (packed 12-bit), 16 (16-bit LE), 61 (16-bit BE),
/// 80 (8-bit offset binary), 160 (16-bit offset binary).
/// </summary>
public static class WfdbRecordReader
{
    /// <summary>Reads the record at <paramref name="recordPath"/>: a path with or without the ".hea" extension.</summary>
    public static EcgRecording Read(string recordPath, bool verifyChecksums = true)
    {
        ArgumentNullException.ThrowIfNull(recordPath);
        string headerPath = recordPath.EndsWith(".hea", StringComparison.OrdinalIgnoreCase) ? recordPath : recordPath + ".hea";
        if (!File.Exists(headerPath))
        {
            throw new FileNotFoundException($"WFDB header not found: {headerPath}", headerPath);
        }

        var header = WfdbHeader.Read(headerPath);
        string dir = Path.GetDirectoryName(Path.GetFullPath(headerPath)) ?? ".";
        return Read(header, dir, verifyChecksums);
    }

    public static EcgRecording Read(WfdbHeader header, string directory, bool verifyChecksums = true)
    {
        ArgumentNullException.ThrowIfNull(header);
        int nsig = header.Signals.Count;
        if (nsig == 0)
        {
            throw new WfdbFormatException($"{header.RecordName}.hea: record has no signals.");
        }

        var samples = new int[nsig][];

        // Signals sharing a file are interleaved frame by frame in header order.
        var files = new List<(string File, List<int> Signals)>();
        for (int s = 0; s < nsig; s++)
        {
            var spec = header.Signals[s];
            if (spec.Skew != 0)
            {
                throw new WfdbFormatException($"{header.RecordName}.hea: signal {s} has skew {spec.Skew}; skewed signals are not supported.");
            }

            int g = files.FindIndex(f => f.File == spec.FileName);
            if (g < 0)
            {
                files.Add((spec.FileName, [s]));
            }
            else
            {
                files[g].Signals.Add(s);
            }
        }

        long length = header.SampleCount;
        foreach (var (file, group) in files)
        {
            var first = header.Signals[group[0]];
            foreach (int s in group)
            {
                if (header.Signals[s].Format != first.Format || header.Signals[s].ByteOffset != first.ByteOffset)
                {
                    throw new WfdbFormatException($"{header.RecordName}.hea: signals in {file} disagree on format or byte offset.");
                }
            }

            string path = Path.Combine(directory, file);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"WFDB signal file not found: {path} (named in {header.RecordName}.hea)", path);
            }

            byte[] bytes = File.ReadAllBytes(path);
            if (first.ByteOffset > bytes.Length)
            {
                throw WfdbFormatException.AtOffset(path, bytes.Length, $"header says samples start at byte {first.ByteOffset} but the file ends here.");
            }

            var data = bytes.AsSpan((int)first.ByteOffset);
            long available = AvailableFrames(first.Format, data.Length, group.Count, path);
            if (length == 0)
            {
                length = available;
            }
            else if (available < length)
            {
                long needed = BytesFor(first.Format, length * group.Count);
                throw WfdbFormatException.AtOffset(path, first.ByteOffset + data.Length, $"file is truncated: header declares {length} samples per signal ({needed} bytes) but only {available} complete frames are present.");
            }

            if (length > int.MaxValue)
            {
                throw new WfdbFormatException($"{header.RecordName}.hea: {length} samples per signal is more than this reader supports.");
            }

            var dest = new int[group.Count][];
            for (int k = 0; k < group.Count; k++)
            {
                dest[k] = new int[length];
                samples[group[k]] = dest[k];
            }

            Decode(first.Format, data, dest, (int)length, path);
        }

        var leads = new EcgLead[nsig];
        for (int s = 0; s < nsig; s++)
        {
            var spec = header.Signals[s];
            if (verifyChecksums && spec.Checksum is int expected && header.SampleCount > 0)
            {
                short sum = 0;
                foreach (int v in samples[s])
                {
                    sum = unchecked((short)(sum + v));
                }

                if (sum != unchecked((short)expected))
                {
                    throw new WfdbFormatException($"{Path.Combine(directory, spec.FileName)}: checksum of signal {s} ({spec.Description}) is {sum}, header says {expected}; the signal file is corrupt or does not belong to this header.");
                }
            }

            string label = spec.Description.Length > 0 ? spec.Description : $"signal {s}";
            leads[s] = new EcgLead(LeadNames.Parse(label), label, samples[s], spec.Gain, spec.Baseline, spec.Units);
        }

        return new EcgRecording(header.SamplingFrequency, leads, header.RecordName);
    }

    private static long BytesFor(int format, long sampleCount) => format switch
    {
        212 => ((sampleCount * 3) + 1) / 2,
        80 => sampleCount,
        16 or 61 or 160 => sampleCount * 2,
        _ => 0,
    };

    private static long AvailableFrames(int format, int byteCount, int signalsInFile, string path)
    {
        long samplesInFile = format switch
        {
            212 => (byteCount * 2L) / 3,
            80 => byteCount,
            16 or 61 or 160 => byteCount / 2,
            _ => throw new WfdbFormatException($"{path}: signal format {format} is not supported (supported: 212, 16, 61, 80, 160)."),
        };
        return samplesInFile / signalsInFile;
    }

    private static void Decode(int format, ReadOnlySpan<byte> data, int[][] dest, int frames, string path)
    {
        int nsig = dest.Length;
        switch (format)
        {
            case 212:
                // Two 12-bit two's-complement samples in three bytes: low bits of each in bytes 0 and 2,
                // high nibbles in byte 1 (low nibble → first sample). Samples run on across frames.
                long total = (long)frames * nsig;
                int pos = 0;
                for (long k = 0; k < total; k += 2)
                {
                    byte b0 = data[pos], b1 = data[pos + 1];
                    int s0 = b0 | ((b1 & 0x0F) << 8);
                    Put(k, (s0 << 20) >> 20);
                    if (k + 1 < total)
                    {
                        int s1 = data[pos + 2] | ((b1 & 0xF0) << 4);
                        Put(k + 1, (s1 << 20) >> 20);
                    }

                    pos += 3;
                }

                break;
            case 16:
                for (int t = 0, p = 0; t < frames; t++)
                {
                    for (int s = 0; s < nsig; s++, p += 2)
                    {
                        dest[s][t] = BinaryPrimitives.ReadInt16LittleEndian(data.Slice(p, 2));
                    }
                }

                break;
            case 61:
                for (int t = 0, p = 0; t < frames; t++)
                {
                    for (int s = 0; s < nsig; s++, p += 2)
                    {
                        dest[s][t] = BinaryPrimitives.ReadInt16BigEndian(data.Slice(p, 2));
                    }
                }

                break;
            case 160:
                for (int t = 0, p = 0; t < frames; t++)
                {
                    for (int s = 0; s < nsig; s++, p += 2)
                    {
                        dest[s][t] = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(p, 2)) - 32768;
                    }
                }

                break;
            case 80:
                for (int t = 0, p = 0; t < frames; t++)
                {
                    for (int s = 0; s < nsig; s++, p++)
                    {
                        dest[s][t] = data[p] - 128;
                    }
                }

                break;
            default:
                throw new WfdbFormatException($"{path}: signal format {format} is not supported.");
        }

        void Put(long k, int value) => dest[(int)(k % nsig)][(int)(k / nsig)] = value;
    }
}
