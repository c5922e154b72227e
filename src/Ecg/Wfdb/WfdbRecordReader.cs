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

    /// <summary>
    /// Reads the signal files named by <paramref name="header"/> from <paramref name="directory"/>.
    /// </summary>
    /// <remarks>
    /// Signal file names must be plain names beside the header, and symbolic links are refused, so a header cannot
    /// reach other files on the machine. Only the bytes the header's sample count needs are read; without a sample
    /// count the whole file is read, up to 2,000,000,000 bytes of sample data.
    /// Invalid samples (WFDB_INVALID_SAMPLE, see <see cref="IsInvalidSample"/>) are replaced by the lead's baseline,
    /// so a gap in the recording reads as a flat 0 mV rather than a spike to the bottom of the ADC range; checksums
    /// are verified on the values as stored, before that replacement.
    /// </remarks>
    public static EcgRecording Read(WfdbHeader header, string directory, bool verifyChecksums = true)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(directory);
        string source = header.Source.Length > 0 ? header.Source : Path.Combine(directory, header.RecordName + ".hea");
        int nsig = header.Signals.Count;
        if (nsig == 0)
        {
            throw At(header.RecordLine, "record has no signals.");
        }

        if (header.SampleCount is < 0 or > int.MaxValue)
        {
            throw At(header.RecordLine, $"{header.SampleCount} samples per signal is more than this reader supports.");
        }

        var samples = new int[nsig][];

        // Signals sharing a file are interleaved frame by frame in header order.
        var files = new List<(string File, List<int> Signals)>();
        for (int s = 0; s < nsig; s++)
        {
            var spec = header.Signals[s];

            // The parser checks these too; a header built in code gets the same checks here.
            if ((WfdbHeader.SignalProblem(spec) ?? WfdbHeader.GroupProblem(spec, header.Signals.Take(s))) is string problem)
            {
                throw At(spec.Line, problem);
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
            string path = Path.Combine(directory, file);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"WFDB signal file not found: {path} (named in {source})", path);
            }

            if (WfdbFiles.IsLink(path))
            {
                throw At(first.Line, $"signal file {path} is a symbolic link; only regular files beside the header are read.");
            }

            long fileLength = WfdbFiles.Length(path, long.MaxValue, "signal file");
            if (first.ByteOffset > fileLength)
            {
                throw WfdbFormatException.AtOffset(path, fileLength, $"header says samples start at byte {first.ByteOffset} but the file ends here.");
            }

            long dataBytes = fileLength - first.ByteOffset;
            long available = AvailableFrames(first.Format, dataBytes, group.Count);
            long frames = length;
            if (frames == 0)
            {
                if (dataBytes > WfdbFiles.MaxSignalBytes)
                {
                    throw WfdbFormatException.AtOffset(path, first.ByteOffset, $"header gives no sample count and the file holds {dataBytes} bytes of samples; this reader reads at most {WfdbFiles.MaxSignalBytes}.");
                }

                frames = Math.Min(available, int.MaxValue);
            }
            else if (available < frames)
            {
                long needed = BytesFor(first.Format, frames * group.Count);
                throw WfdbFormatException.AtOffset(path, fileLength, $"file is truncated: header declares {frames} samples per signal ({needed} bytes) but only {available} complete frames are present.");
            }

            long toRead = BytesFor(first.Format, frames * group.Count);
            if (toRead > WfdbFiles.MaxSignalBytes)
            {
                throw WfdbFormatException.AtOffset(path, first.ByteOffset, $"{frames} samples per signal need {toRead} bytes; this reader reads at most {WfdbFiles.MaxSignalBytes}.");
            }

            byte[] data = WfdbFiles.ReadRange(path, first.ByteOffset, (int)toRead);
            if (data.Length < toRead)
            {
                // The file shrank after its length was taken.
                throw WfdbFormatException.AtOffset(path, first.ByteOffset + data.Length, $"file ends after {data.Length} of the {toRead} bytes of samples expected.");
            }

            length = frames; // Without a sample count, the first file's length is required of the others.

            var dest = new int[group.Count][];
            for (int k = 0; k < group.Count; k++)
            {
                dest[k] = new int[frames];
                samples[group[k]] = dest[k];
            }

            Decode(first.Format, data, dest, (int)frames, path);
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

            int[] values = samples[s];
            for (int t = 0; t < values.Length; t++)
            {
                if (IsInvalidSample(spec.Format, values[t]))
                {
                    values[t] = spec.Baseline;
                }
            }

            string label = spec.Description.Length > 0 ? spec.Description : $"signal {s}";
            leads[s] = new EcgLead(LeadNames.Parse(label), label, values, spec.Gain, spec.Baseline, spec.Units);
        }

        return new EcgRecording(header.SamplingFrequency, leads, header.RecordName);

        WfdbFormatException At(int line, string problem) =>
            line > 0 ? WfdbFormatException.AtLine(source, line, problem) : new WfdbFormatException($"{source}: {problem}");
    }

    /// <summary>
    /// True if <paramref name="value"/>, as decoded from a signal file in <paramref name="format"/>, is WFDB's
    /// "no sample here" marker: the most negative value the format can store, which WFDB's getframe (signal.c,
    /// getskewedframe) turns into WFDB_INVALID_SAMPLE (−32768): −32768 in formats 16, 61 and 160 (stored 0 in the
    /// offset-binary 160), −2048 in format 212 and −128 in format 80.
    /// </summary>
    public static bool IsInvalidSample(int format, int value) => format switch
    {
        16 or 61 or 160 => value == -32768,
        212 => value == -2048,
        80 => value == -128,
        _ => false,
    };

    private static long BytesFor(int format, long sampleCount) => format switch
    {
        212 => ((sampleCount * 3) + 1) / 2,
        80 => sampleCount,
        16 or 61 or 160 => sampleCount * 2,
        _ => 0,
    };

    private static long AvailableFrames(int format, long byteCount, int signalsInFile)
    {
        long samplesInFile = format switch
        {
            212 => (byteCount * 2) / 3,
            80 => byteCount,
            16 or 61 or 160 => byteCount / 2,
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "checked by WfdbHeader.SignalProblem"),
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
