using Telemed.Ecg.Evaluation;
using Telemed.Ecg.Wfdb;
using Xunit;

namespace Telemed.Ecg.Tests.Evaluation;

public class BeatMatcherTests
{
    private const double Fs = 360; // 150 ms = 54 samples

    private static Annotation Beat(long sample, int code = AnnotationCode.Normal) => new(sample, code);

    private static BeatMatchResult Compare(Annotation[] reference, long[] detections, double learning = 0) =>
        BeatMatcher.Compare("t", reference, detections, Fs, learningPeriodSeconds: learning);

    [Fact]
    public void Detections_within_150_ms_match_and_beyond_do_not()
    {
        var r = Compare([Beat(1000), Beat(2000), Beat(3000)], [1054, 2055, 2946]);
        Assert.Equal(2, r.TruePositives); // 1054 (+54) and 2946 (−54) match; 2055 is 55 samples late
        Assert.Equal(1, r.FalseNegatives);
        Assert.Equal(1, r.FalsePositives);
    }

    [Fact]
    public void A_double_detection_is_one_match_and_one_false_positive()
    {
        var r = Compare([Beat(1000), Beat(1400)], [990, 1010, 1400]);
        Assert.Equal((2, 0, 1), (r.TruePositives, r.FalseNegatives, r.FalsePositives));
    }

    [Fact]
    public void The_closest_detection_is_matched_when_two_compete()
    {
        // 1040 is within the window of both beats but closer to 1060; 1000 has its own detection at 1002.
        var r = Compare([Beat(1000), Beat(1060)], [1002, 1058]);
        Assert.Equal((2, 0, 0), (r.TruePositives, r.FalseNegatives, r.FalsePositives));
        r = Compare([Beat(1000), Beat(1060)], [1040]);
        Assert.Equal((1, 1, 0), (r.TruePositives, r.FalseNegatives, r.FalsePositives));
    }

    [Fact]
    public void Only_beat_codes_count_as_reference_beats()
    {
        var reference = new[]
        {
            Beat(1000), Beat(1500, AnnotationCode.Rhythm), Beat(2000, AnnotationCode.Noise),
            Beat(2500, AnnotationCode.Pvc), Beat(3000, 22 /* comment */), Beat(3500, 12 /* paced */),
        };
        var r = Compare(reference, [1000, 2500, 3500]);
        Assert.Equal((3, 0, 0), (r.TruePositives, r.FalseNegatives, r.FalsePositives));
        r = Compare(reference, [1000, 1500, 2000, 2500, 3000, 3500]);
        Assert.Equal(3, r.FalsePositives);
    }

    [Fact]
    public void The_learning_period_is_not_scored()
    {
        long fiveMinutes = (long)(300 * Fs);
        var r = Compare([Beat(1000), Beat(fiveMinutes - 200), Beat(fiveMinutes + 1000)], [5000, fiveMinutes + 1000, fiveMinutes + 3000], learning: 300);
        Assert.Equal((1, 0, 1), (r.TruePositives, r.FalseNegatives, r.FalsePositives));
    }

    [Fact]
    public void Ventricular_flutter_episodes_are_not_scored()
    {
        var reference = new[] { Beat(1000), new Annotation(2000, 32), Beat(2500), new Annotation(4000, 33), Beat(5000) };
        var r = Compare(reference, [1000, 2200, 2600, 3000, 5000]);
        Assert.Equal((2, 0, 0), (r.TruePositives, r.FalseNegatives, r.FalsePositives));
    }

    [Fact]
    public void Gross_statistics_add_counts_not_percentages()
    {
        var g = BeatMatchResult.Gross("g", [new("a", 90, 10, 0), new("b", 10, 0, 10)]);
        Assert.Equal(100, g.TruePositives);
        Assert.Equal(100.0 / 110, g.Sensitivity, 12); // not the mean of 90 % and 100 %
        Assert.Equal(100.0 / 110, g.PositivePredictivity, 12);
    }
}
