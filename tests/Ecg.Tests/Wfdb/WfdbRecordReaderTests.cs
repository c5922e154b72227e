using System.Buffers.Binary;
using System.Globalization;
using Telemed.Ecg.Wfdb;
using Xunit;

namespace Telemed.Ecg.Tests.Wfdb;

/// <summary>Signal formats 16, 61, 80, 160 (and 212 edge cases) via small files written here, encoded per signal(5).</summary>
public class WfdbRecordReaderTests
{
    private const int Frames = 257;

    // Two signals covering each format's range of valid values (the lowest stored value marks an invalid sample).
    private static int[][] Samples(int min, int max)
    {
        var rng = new Random(1234);
        var a = new int[Frames];
        var b = new int[Frames];
        for (int t = 0; t < Frames; t++)
        {
            a[t] = rng.Next(min, max + 1);
            b[t] = (int)Math.Round(((max - min) / 2.5 * Math.Sin(t / 7.0)) + ((max + min) / 2.0));
        }

        a[0] = min;
        a[1] = max;
        b[2] = min;
        b[3] = max;
        a[4] = 0;
        a[5] = -1;
        return [a, b];
    }

    private static byte[] Encode(int format, int[][] signals)
    {
        int n = signals[0].Length;
        int nsig = signals.Length;
        var bytes = new List<byte>();
        var word = new byte[2];
        if (format == 212)
        {
            var flat = new List<int>();
            for (int t = 0; t < n; t++)
            {
                for (int s = 0; s < nsig; s++)
                {
                    flat.Add(signals[s][t]);
                }
            }

            for (int k = 0; k < flat.Count; k += 2)
            {
                int x = flat[k] & 0xFFF;
                int y = k + 1 < flat.Count ? flat[k + 1] & 0xFFF : 0;
                bytes.Add((byte)(x & 0xFF));
                bytes.Add((byte)((x >> 8) | ((y >> 8) << 4)));
                if (k + 1 < flat.Count)
                {
                    bytes.Add((byte)(y & 0xFF));
                }
            }

            return [.. bytes];
        }

        for (int t = 0; t < n; t++)
        {
            for (int s = 0; s < nsig; s++)
            {
                int v = signals[s][t];
                switch (format)
                {
                    case 16:
                        BinaryPrimitives.WriteInt16LittleEndian(word, (short)v);
                        bytes.AddRange(word);
                        break;
                    case 61:
                        BinaryPrimitives.WriteInt16BigEndian(word, (short)v);
                        bytes.AddRange(word);
                        break;
                    case 160:
                        BinaryPrimitives.WriteUInt16LittleEndian(word, (ushort)(v + 32768));
                        bytes.AddRange(word);
                        break;
                    case 80:
                        bytes.Add((byte)(v + 128));
                        break;
                    default:
                        throw new ArgumentOutOfRangeException(nameof(format));
                }
            }
        }

        return [.. bytes];
    }

    private static string HeaderText(string name, int format, int[][] signals, string datFile, string formatSuffix = "", int sampleCount = Frames)
    {
        var lines = new List<string> { $"{name} {signals.Length} 500 {sampleCount}" };
        string[] labels = ["I", "II"];
        for (int s = 0; s < signals.Length; s++)
        {
            short sum = 0;
            foreach (int v in signals[s])
            {
                sum = unchecked((short)(sum + v));
            }

            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{datFile} {format}{formatSuffix} {100 + (50 * s)}({s * 3})/mV 16 0 {signals[s][0]} {sum} 0 {labels[s]}"));
        }

        return string.Join('\n', lines) + "\n";
    }

    [Theory]
    [InlineData(16, -32767, 32767)]
    [InlineData(61, -32767, 32767)]
    [InlineData(160, -32767, 32767)]
    [InlineData(80, -127, 127)]
    [InlineData(212, -2047, 2047)]
    public void Format_round_trips_an_independent_encoding(int format, int min, int max)
    {
        using var dir = new TempDirectory();
        var signals = Samples(min, max);
        File.WriteAllBytes(dir.File("rec.dat"), Encode(format, signals));
        File.WriteAllText(dir.File("rec.hea"), HeaderText("rec", format, signals, "rec.dat"));

        var rec = WfdbRecordReader.Read(dir.File("rec"));

        Assert.Equal(500.0, rec.SamplingRate);
        Assert.Equal(Frames, rec.Length);
        Assert.Equal(signals[0], rec.Leads[0].Samples.ToArray());
        Assert.Equal(signals[1], rec.Leads[1].Samples.ToArray());
        Assert.Equal(100, rec.Leads[0].Gain);
        Assert.Equal(150, rec.Leads[1].Gain);
        Assert.Equal(0, rec.Leads[0].Baseline);
        Assert.Equal(3, rec.Leads[1].Baseline);
        Assert.Equal(Telemed.Ecg.Signals.LeadId.II, rec.Leads[1].Id);
    }

    [Fact]
    public void Single_signal_212_with_an_odd_sample_count_reads_the_last_half_group()
    {
        using var dir = new TempDirectory();
        int[][] signals = [[5, -7, 2047, -2047, 1]];
        byte[] bytes = Encode(212, signals);
        Assert.Equal(8, bytes.Length); // 2 full groups + 2 bytes for the odd sample
        File.WriteAllBytes(dir.File("odd.dat"), bytes);
        File.WriteAllText(dir.File("odd.hea"), "odd 1 250 5\nodd.dat 212 200 12 0 5 -1 0 MLII\n");

        var rec = WfdbRecordReader.Read(dir.File("odd.hea"));

        Assert.Equal(signals[0], rec.Leads[0].Samples.ToArray());
    }

    [Theory]
    [InlineData(212)]
    [InlineData(16)]
    [InlineData(80)]
    public void Three_signals_in_one_file_interleave_across_frames(int format)
    {
        // With 3 signals, a 212 byte triple straddles frames; 257 frames make the sample total odd.
        using var dir = new TempDirectory();
        var rng = new Random(format);
        int max = format == 80 ? 127 : 2047;
        int[][] signals = [.. Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, Frames).Select(_ => rng.Next(-max, max + 1)).ToArray())];
        File.WriteAllBytes(dir.File("three.dat"), Encode(format, signals));
        string lines = string.Concat(Enumerable.Range(0, 3).Select(s => $"three.dat {format} 200 12 0 {signals[s][0]}\n"));
        File.WriteAllText(dir.File("three.hea"), $"three 3 250 {Frames}\n{lines}");

        var rec = WfdbRecordReader.Read(dir.File("three"));

        for (int s = 0; s < 3; s++)
        {
            Assert.Equal(signals[s], rec.Leads[s].Samples.ToArray());
        }
    }

    [Fact]
    public void Header_without_a_sample_count_reads_what_the_file_holds()
    {
        using var dir = new TempDirectory();
        var signals = Samples(-32767, 32767);
        File.WriteAllBytes(dir.File("n.dat"), Encode(16, signals));
        File.WriteAllText(dir.File("n.hea"), "n 2 500\nn.dat 16 200 16 0\nn.dat 16 200 16 0\n");

        var rec = WfdbRecordReader.Read(dir.File("n"));

        Assert.Equal(Frames, rec.Length);
        Assert.Equal(signals[1], rec.Leads[1].Samples.ToArray());
    }

    [Theory]
    [InlineData("s 2 250 10\ns.dat 16:1 200\ns.dat 16 200\n", "s.hea, line 2: ", "skew")]
    [InlineData("s 2 250 10\ns.dat 16 200\ns.dat 80 200\n", "s.hea, line 3: ", "disagree")]
    [InlineData("s 1 250 10\ns.dat 310 200\n", "s.hea, line 2: ", "310")]
    [InlineData("s 0 250 10\n", "s.hea, line 1: ", "no signals")]
    [InlineData("# c\ns 1 250 3000000000\ns.dat 16 200\n", "s.hea, line 2: ", "3000000000")]
    [InlineData("s 2 250 10\ns.dat 16+100 200\ns.dat 16+100 200\n", "s.dat, byte offset 40: ", "samples start at byte 100")]
    public void Unsupported_or_inconsistent_layouts_name_the_header_file_and_line(string header, string where, string problem)
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("s.dat"), new byte[40]);
        File.WriteAllText(dir.File("s.hea"), header);

        var e = Assert.Throws<WfdbFormatException>(() => WfdbRecordReader.Read(dir.File("s")));
        Assert.StartsWith(dir.File(where), e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_built_in_code_is_checked_too_and_names_the_header_path()
    {
        using var dir = new TempDirectory();
        var spec = new WfdbSignalSpec("../x.dat", 16, 1, 0, 0, 200, 0, "mV", 16, 0, null, null, string.Empty);
        var header = new WfdbHeader("h", 250, 10, [spec], []);

        var e = Assert.Throws<WfdbFormatException>(() => WfdbRecordReader.Read(header, dir.Path));
        Assert.StartsWith(dir.File("h.hea") + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains("plain file name", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Signal_file_outside_the_header_folder_is_refused()
    {
        using var dir = new TempDirectory();
        string inner = dir.File("in");
        Directory.CreateDirectory(inner);
        File.WriteAllBytes(dir.File("secret.dat"), new byte[40]);
        File.WriteAllText(Path.Combine(inner, "s.hea"), "s 1 250 10\n../secret.dat 16 200\n");
        File.WriteAllText(Path.Combine(inner, "a.hea"), $"a 1 250 10\n{dir.File("secret.dat")} 16 200\n");

        var e = Assert.Throws<WfdbFormatException>(() => WfdbRecordReader.Read(Path.Combine(inner, "s")));
        Assert.StartsWith(Path.Combine(inner, "s.hea") + ", line 2: ", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<WfdbFormatException>(() => WfdbRecordReader.Read(Path.Combine(inner, "a")));
        Assert.StartsWith(Path.Combine(inner, "a.hea") + ", line 2: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Signal_file_that_is_a_symbolic_link_is_refused()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("elsewhere.bin"), new byte[40]);
        File.CreateSymbolicLink(dir.File("s.dat"), dir.File("elsewhere.bin"));
        File.WriteAllText(dir.File("s.hea"), "s 1 250 10\ns.dat 16 200\n");

        var e = Assert.Throws<WfdbFormatException>(() => WfdbRecordReader.Read(dir.File("s")));
        Assert.StartsWith(dir.File("s.hea") + ", line 2: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("symbolic link", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_bytes_the_header_declares_are_read()
    {
        // A 3 GB (sparse) signal file: reading it whole would fail; the header needs 10 samples = 20 bytes after the offset.
        using var dir = new TempDirectory();
        using (var f = File.Create(dir.File("big.dat")))
        {
            f.Write([0xFF, 0xFF, 0x01, 0x00, 0x02, 0x00]);
            f.SetLength(3_000_000_000);
        }

        File.WriteAllText(dir.File("big.hea"), "big 1 250 10\nbig.dat 16+2 200 16 0\n");

        var rec = WfdbRecordReader.Read(dir.File("big"));

        Assert.Equal([1, 2, 0, 0, 0, 0, 0, 0, 0, 0], rec.Leads[0].Samples.ToArray());
    }

    [Fact]
    public void Without_a_sample_count_an_oversized_signal_file_is_refused()
    {
        using var dir = new TempDirectory();
        using (var f = File.Create(dir.File("big.dat")))
        {
            f.SetLength(2_100_000_000);
        }

        File.WriteAllText(dir.File("big.hea"), "big 1 250\nbig.dat 16 200 16 0\n");

        var e = Assert.Throws<WfdbFormatException>(() => WfdbRecordReader.Read(dir.File("big")));
        Assert.StartsWith(dir.File("big.dat") + ", byte offset 0: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("at most", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Oversized_header_is_refused()
    {
        using var dir = new TempDirectory();
        using (var f = File.Create(dir.File("h.hea")))
        {
            f.Write("h 1 250 10\nh.dat 16\n"u8);
            f.SetLength((1 << 20) + 1);
        }

        var e = Assert.Throws<WfdbFormatException>(() => WfdbHeader.Read(dir.File("h.hea")));
        Assert.StartsWith(dir.File("h.hea"), e.Message, StringComparison.Ordinal);
        Assert.Contains("at most", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(16, -32768, true)]
    [InlineData(61, -32768, true)]
    [InlineData(160, -32768, true)]
    [InlineData(212, -2048, true)]
    [InlineData(80, -128, true)]
    [InlineData(16, -32767, false)]
    [InlineData(16, -2048, false)]
    [InlineData(212, -2047, false)]
    [InlineData(80, -127, false)]
    [InlineData(16, 0, false)]
    public void Invalid_sample_markers_follow_wfdb(int format, int value, bool invalid) =>
        Assert.Equal(invalid, WfdbRecordReader.IsInvalidSample(format, value));

    [Theory]
    [InlineData(16, -32768)]
    [InlineData(160, -32768)]
    [InlineData(212, -2048)]
    public void Invalid_samples_read_as_the_baseline(int format, int marker)
    {
        // Runs of "no sample" (signal(5), WFDB_INVALID_SAMPLE) in signal 0; the checksum covers the stored values.
        using var dir = new TempDirectory();
        var signals = Samples(-2047, 2047);
        int[] stored = [.. signals[0]];
        for (int t = 20; t < 60; t++)
        {
            stored[t] = marker;
        }

        stored[Frames - 1] = marker;
        signals[0] = stored;
        File.WriteAllBytes(dir.File("gap.dat"), Encode(format, signals));
        File.WriteAllText(dir.File("gap.hea"), HeaderText("gap", format, signals, "gap.dat"));

        var rec = WfdbRecordReader.Read(dir.File("gap"));

        int[] read = rec.Leads[0].Samples.ToArray();
        Assert.Equal(0, rec.Leads[0].Baseline);
        for (int t = 0; t < Frames; t++)
        {
            Assert.Equal(stored[t] == marker ? rec.Leads[0].Baseline : stored[t], read[t]);
        }

        Assert.Equal(signals[1], rec.Leads[1].Samples.ToArray());
    }

    [Fact]
    public void Byte_offset_in_the_format_field_skips_a_preamble()
    {
        using var dir = new TempDirectory();
        var signals = Samples(-32767, 32767);
        byte[] data = [0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, .. Encode(16, signals)];
        File.WriteAllBytes(dir.File("pre.dat"), data);
        File.WriteAllText(dir.File("pre.hea"), HeaderText("pre", 16, signals, "pre.dat", formatSuffix: "+6"));

        var rec = WfdbRecordReader.Read(dir.File("pre"));

        Assert.Equal(signals[0], rec.Leads[0].Samples.ToArray());
        Assert.Equal(signals[1], rec.Leads[1].Samples.ToArray());
    }

    [Fact]
    public void Signals_in_separate_files_are_read_each_from_its_own()
    {
        using var dir = new TempDirectory();
        var signals = Samples(-32767, 32767);
        File.WriteAllBytes(dir.File("a.dat"), Encode(16, [signals[0]]));
        File.WriteAllBytes(dir.File("b.dat"), Encode(61, [signals[1]]));
        File.WriteAllText(dir.File("two.hea"), $"two 2 500 {Frames}\na.dat 16 200 16 0\nb.dat 61 200 16 0\n");

        var rec = WfdbRecordReader.Read(dir.File("two"));

        Assert.Equal(signals[0], rec.Leads[0].Samples.ToArray());
        Assert.Equal(signals[1], rec.Leads[1].Samples.ToArray());
    }

    [Theory]
    [InlineData(16, 2)]
    [InlineData(212, 3)]
    [InlineData(80, 1)]
    public void Truncated_signal_file_names_the_file_and_byte_offset(int format, int cut)
    {
        using var dir = new TempDirectory();
        var signals = Samples(-127, 127);
        byte[] full = Encode(format, signals);
        byte[] truncated = full[..^cut];
        File.WriteAllBytes(dir.File("cut.dat"), truncated);
        File.WriteAllText(dir.File("cut.hea"), HeaderText("cut", format, signals, "cut.dat"));

        var e = Assert.Throws<WfdbFormatException>(() => WfdbRecordReader.Read(dir.File("cut")));

        Assert.Contains(dir.File("cut.dat"), e.Message, StringComparison.Ordinal);
        Assert.Contains($"byte offset {truncated.Length}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_sample_fails_the_checksum_and_names_the_file()
    {
        using var dir = new TempDirectory();
        var signals = Samples(-32767, 32767);
        byte[] data = Encode(16, signals);
        data[101] ^= 0x01;
        File.WriteAllBytes(dir.File("bad.dat"), data);
        File.WriteAllText(dir.File("bad.hea"), HeaderText("bad", 16, signals, "bad.dat"));

        var e = Assert.Throws<WfdbFormatException>(() => WfdbRecordReader.Read(dir.File("bad")));
        Assert.Contains("bad.dat", e.Message, StringComparison.Ordinal);
        Assert.Contains("checksum", e.Message, StringComparison.Ordinal);

        // Without verification the (corrupt) samples are returned as stored.
        var rec = WfdbRecordReader.Read(dir.File("bad"), verifyChecksums: false);
        Assert.Equal(Frames, rec.Length);
    }

    [Fact]
    public void Unsupported_format_is_a_format_error()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("f.dat"), new byte[40]);
        File.WriteAllText(dir.File("f.hea"), "f 1 250 10\nf.dat 310 200 12 0\n");

        var e = Assert.Throws<WfdbFormatException>(() => WfdbRecordReader.Read(dir.File("f")));
        Assert.Contains("310", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_signal_file_is_reported_with_its_path()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("m.hea"), "m 1 250 10\nm.dat 16 200 12 0\n");

        var e = Assert.Throws<FileNotFoundException>(() => WfdbRecordReader.Read(dir.File("m")));
        Assert.Contains("m.dat", e.Message, StringComparison.Ordinal);
    }
}
