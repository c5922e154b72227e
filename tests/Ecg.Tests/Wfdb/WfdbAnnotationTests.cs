using Telemed.Ecg.Wfdb;
using Xunit;

namespace Telemed.Ecg.Tests.Wfdb;

public class WfdbAnnotationTests
{
    private static byte[] Words(params int[] words)
    {
        var bytes = new byte[words.Length * 2];
        for (int i = 0; i < words.Length; i++)
        {
            bytes[2 * i] = (byte)(words[i] & 0xFF);
            bytes[(2 * i) + 1] = (byte)(words[i] >> 8);
        }

        return bytes;
    }

    private static int W(int code, int value) => (code << 10) | value;

    private static byte[] Write(IEnumerable<Annotation> annotations)
    {
        using var ms = new MemoryStream();
        WfdbAnnotationWriter.Write(ms, annotations);
        return ms.ToArray();
    }

    private static List<Annotation> Sample() =>
    [
        new(0, AnnotationCode.Rhythm, Aux: "(N"),
        new(5, AnnotationCode.Normal),
        new(5, AnnotationCode.Pvc, SubType: 3),
        new(1028, AnnotationCode.Normal), // gap 1023: still fits the 10-bit field
        new(2052, AnnotationCode.Normal), // gap 1024: needs SKIP
        new(2052, AnnotationCode.Noise, SubType: -1, Channel: 1),
        new(2100, AnnotationCode.Normal, Channel: 1, Number: 7),
        new(2101, AnnotationCode.Normal, Channel: 1, Number: 7),
        new(70_000, AnnotationCode.Note, Channel: 0, Number: -5, Aux: "odd"),
        new(70_000 + 5_000_000, AnnotationCode.Rhythm, SubType: 127, Number: -5, Aux: "(AFIB"),
        new(70_000 + 5_000_001, AnnotationCode.Unknown, SubType: -128, Channel: 255, Number: 127, Aux: new string('x', 255)),
        new(1_000_000_000_000, AnnotationCode.Normal, Channel: 255, Number: -128),
    ];

    [Fact]
    public void Written_annotations_read_back_identical()
    {
        var original = Sample();
        byte[] bytes = Write(original);

        var back = WfdbAnnotationReader.Parse(bytes, "mem");

        Assert.Equal(original, back);
    }

    [Fact]
    public void Writer_emits_the_words_annot5_describes()
    {
        byte[] bytes = Write([
            new(3, AnnotationCode.Normal),
            new(3 + 1024, AnnotationCode.Pvc, SubType: 2, Channel: 1, Number: -1, Aux: "ab"),
            new(3 + 1024 + 70_000, AnnotationCode.Normal, Channel: 1, Number: -1),
        ]);

        byte[] expected =
        [
            .. Words(W(1, 3)),
            .. Words(W(59, 0), 0x0000, 1024), // SKIP, interval as PDP-11 long (high word first)
            .. Words(W(5, 0), W(61, 2), W(62, 1), W(60, 0x3FF), W(63, 2)),
            (byte)'a', (byte)'b',
            .. Words(W(59, 0), 0x0001, 70_000 - 65536),
            .. Words(W(1, 0)),
            .. Words(0),
        ];
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Record_100_atr_survives_a_write_and_read()
    {
        string path = Path.Combine(TestData.MitdbDirectory, "100.atr");
        var first = WfdbAnnotationReader.Read(path);
        Assert.Contains(first, a => a.SubType != 0);
        Assert.Contains(first, a => a.Aux is not null);

        using var dir = new TempDirectory();
        string written = WfdbAnnotationWriter.Write(dir.File("100"), "atr", first);
        Assert.Equal(dir.File("100.atr"), written);
        var second = WfdbAnnotationReader.Read(written);
        Assert.Equal(first, second);

        // Writing again gives the same bytes: the writer is deterministic over its own output.
        string again = WfdbAnnotationWriter.Write(dir.File("again"), "atr", second);
        Assert.Equal(File.ReadAllBytes(written), File.ReadAllBytes(again));
    }

    [Fact]
    public void Missing_end_word_is_tolerated()
    {
        var list = WfdbAnnotationReader.Parse(Words(W(1, 10), W(5, 3)), "x.atr");
        Assert.Equal([new Annotation(10, 1), new Annotation(13, 5)], list);
    }

    [Fact]
    public void Nothing_after_the_end_word_is_read()
    {
        var list = WfdbAnnotationReader.Parse(Words(W(1, 10), 0, W(5, 3)), "x.atr");
        Assert.Equal([new Annotation(10, 1)], list);
    }

    [Fact]
    public void Truncated_skip_names_the_byte_offset()
    {
        byte[] data = Words(W(1, 10), W(59, 0), 0x0001);
        var e = Assert.Throws<WfdbFormatException>(() => WfdbAnnotationReader.Parse(data, "x.atr"));
        Assert.StartsWith("x.atr, byte offset 2: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_aux_in_record_100_names_the_file_and_byte_offset()
    {
        // 100.atr opens with "+" at 18 whose AUX word (at byte 2) announces 3 bytes "(N\0".
        byte[] data = File.ReadAllBytes(Path.Combine(TestData.MitdbDirectory, "100.atr"));
        Assert.Equal(W(63, 3), data[2] | (data[3] << 8));

        var e = Assert.Throws<WfdbFormatException>(() => WfdbAnnotationReader.Parse(data.AsSpan(0, 6), "100.atr"));
        Assert.StartsWith("100.atr, byte offset 2: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("AUX", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_file_from_disk_names_its_path()
    {
        using var dir = new TempDirectory();
        string path = dir.File("t.atr");
        File.WriteAllBytes(path, Words(W(1, 10), W(1, 20), W(63, 9), 0x4141));
        var e = Assert.Throws<WfdbFormatException>(() => WfdbAnnotationReader.Read(path));
        Assert.StartsWith($"{path}, byte offset 4: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(50)]
    [InlineData(55)]
    [InlineData(58)]
    public void Undefined_code_names_the_byte_offset(int code)
    {
        byte[] data = Words(W(1, 10), W(1, 20), W(code, 1));
        var e = Assert.Throws<WfdbFormatException>(() => WfdbAnnotationReader.Parse(data, "g.atr"));
        Assert.StartsWith("g.atr, byte offset 4: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_is_rejected_with_a_byte_offset()
    {
        var rng = new Random(7);
        byte[] junk = new byte[64];
        rng.NextBytes(junk);
        junk[1] = 0xFC; // code 63 = AUX before any annotation
        var e = Assert.Throws<WfdbFormatException>(() => WfdbAnnotationReader.Parse(junk, "junk.atr"));
        Assert.StartsWith("junk.atr, byte offset 0: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(60)]
    [InlineData(61)]
    [InlineData(62)]
    [InlineData(63)]
    public void Modifier_before_any_annotation_is_an_error(int code)
    {
        var e = Assert.Throws<WfdbFormatException>(() => WfdbAnnotationReader.Parse(Words(W(code, 0), W(1, 1)), "m.atr"));
        Assert.StartsWith("m.atr, byte offset 0: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hand_written_words_decode_as_getann_stores_them()
    {
        // annot(5) words: N at 10; NUM 0x0FF, SUB 0x1FE, CHN 0x301, AUX 0x102 + "hi"; V 4 later; end.
        // getann keeps num and subtyp in a signed char (0xFF → -1, 0xFE → -2), chan in an unsigned char
        // (0x301 → 1), and reads the AUX length as word & 0377 (0x102 → 2).
        byte[] data =
        [
            .. Words(W(1, 10), W(60, 0x0FF), W(61, 0x1FE), W(62, 0x301), W(63, 0x102)),
            (byte)'h', (byte)'i',
            .. Words(W(5, 4), 0),
        ];

        var list = WfdbAnnotationReader.Parse(data, "hand.atr");

        Assert.Equal(
            [
                new Annotation(10, AnnotationCode.Normal, SubType: -2, Channel: 1, Number: -1, Aux: "hi"),
                new Annotation(14, AnnotationCode.Pvc, Channel: 1, Number: -1),
            ],
            list);
    }

    [Fact]
    public void Odd_aux_at_the_end_without_its_pad_byte_is_read()
    {
        // AUX of 1 byte whose pad byte (and the end word) are missing: the reader must stop, not run past the end.
        byte[] data = [.. Words(W(1, 10), W(63, 1)), (byte)'A'];

        var list = WfdbAnnotationReader.Parse(data, "odd.atr");

        Assert.Equal([new Annotation(10, AnnotationCode.Normal, Aux: "A")], list);
    }

    [Theory]
    [InlineData(128, 0, 0)]
    [InlineData(-129, 0, 0)]
    [InlineData(0, 128, 0)]
    [InlineData(0, -129, 0)]
    [InlineData(0, 511, 0)]
    [InlineData(0, 0, 256)]
    [InlineData(0, 0, -1)]
    public void Writer_rejects_fields_getann_cannot_store(int subType, int number, int channel)
    {
        var e = Assert.Throws<ArgumentException>(() => Write([new Annotation(5, 1, subType, channel, number)]));
        Assert.Contains("char", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writer_extremes_round_trip()
    {
        List<Annotation> extremes =
        [
            new(1, 1, SubType: -128, Channel: 255, Number: -128),
            new(2, 1, SubType: 127, Channel: 0, Number: 127),
            new(3, 1, SubType: -1, Channel: 254, Number: -1),
        ];
        Assert.Equal(extremes, WfdbAnnotationReader.Parse(Write(extremes), "x"));
    }

    [Fact]
    public void Failed_write_leaves_no_file_and_keeps_the_old_one()
    {
        using var dir = new TempDirectory();
        string record = dir.File("r");
        Assert.Throws<ArgumentException>(() => WfdbAnnotationWriter.Write(record, "qrs", [new Annotation(5, 1), new Annotation(4, 1)]));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));

        string path = WfdbAnnotationWriter.Write(record, "qrs", [new Annotation(5, 1)]);
        byte[] before = File.ReadAllBytes(path);
        Assert.Throws<ArgumentException>(() => WfdbAnnotationWriter.Write(record, "qrs", [new Annotation(7, 1), new Annotation(9, 1, Aux: new string('a', 256))], overwrite: true));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Existing_file_is_kept_unless_overwrite_is_asked_for()
    {
        using var dir = new TempDirectory();
        string record = dir.File("r");
        string path = WfdbAnnotationWriter.Write(record, "atr", [new Annotation(5, 1)]);
        byte[] before = File.ReadAllBytes(path);

        var e = Assert.Throws<IOException>(() => WfdbAnnotationWriter.Write(record, "atr", [new Annotation(6, 5)]));
        Assert.Contains("exists", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));

        WfdbAnnotationWriter.Write(record, "atr", [new Annotation(6, 5)], overwrite: true);
        Assert.Equal([new Annotation(6, 5)], WfdbAnnotationReader.Read(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Oversized_annotation_file_is_refused_before_reading()
    {
        using var dir = new TempDirectory();
        string path = dir.File("big.atr");
        using (var f = File.Create(path))
        {
            f.SetLength((256L << 20) + 2); // Sparse: costs no disk.
        }

        var e = Assert.Throws<WfdbFormatException>(() => WfdbAnnotationReader.Read(path));
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("at most", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_annotation_file_has_no_annotations()
    {
        using var dir = new TempDirectory();
        string path = dir.File("e.atr");
        File.WriteAllBytes(path, []);
        Assert.Empty(WfdbAnnotationReader.Read(path));
    }

    [Fact]
    public void Writer_rejects_what_the_format_cannot_hold()
    {
        Assert.Throws<ArgumentException>(() => Write([new Annotation(5, 1), new Annotation(4, 1)]));
        Assert.Throws<ArgumentException>(() => Write([new Annotation(5, 0)]));
        Assert.Throws<ArgumentException>(() => Write([new Annotation(5, 50)]));
        Assert.Throws<ArgumentException>(() => Write([new Annotation(5, 1, Aux: new string('a', 256))]));
    }
}
