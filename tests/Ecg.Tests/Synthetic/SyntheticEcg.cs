using Telemed.Ecg.Detection;
using Telemed.Ecg.Signals;

namespace Telemed.Ecg.Tests.Synthetic;

/// <summary>
/// A synthetic 12-lead ECG with known truth. Every wave (P, Q, R, S, T) is a Gaussian whose amplitude in a lead
/// is the projection of a fixed heart vector (x left, y inferior, z anterior) on the lead axis: limb leads on
/// the hexaxial Einthoven/Goldberger frame, precordial leads on transverse-plane directions. Boundaries:
/// Q and S Gaussians span ±3σ, so QRS onset = Q centre − 3σ and QRS offset (J) = S centre + 3σ; P onset = P
/// centre − 3σ; T end = T peak + 2σ, where the tangent at the steepest downslope of a Gaussian meets baseline.
/// Truth is computed from these definitions, never by the code under test.
/// </summary>
internal sealed class SyntheticEcg
{
    private static readonly LeadId[] Eight = [LeadId.I, LeadId.II, LeadId.V1, LeadId.V2, LeadId.V3, LeadId.V4, LeadId.V5, LeadId.V6];

    // Transverse-plane directions of V1..V6 (degrees from the left, towards anterior).
    private static readonly double[] PrecordialAngles = [115, 94, 75, 60, 30, 0];
    private const double PrecordialGain = 1.5;

    private readonly SyntheticEcgOptions _o;
    private readonly Wave[] _waves;
    private readonly double _stRampStart;

    private SyntheticEcg(SyntheticEcgOptions options)
    {
        _o = options;
        double w = options.QrsSeconds;
        double axis = options.AxisDegrees * Math.PI / 180;
        double pSigma = options.PDurationSeconds / 6;
        double tSigma = Math.Min(options.TSigmaSeconds, (options.QtSeconds - w - 0.02) / 5);

        // Timeline relative to QRS onset.
        _waves =
        [
            new Wave(-options.PrSeconds + (3 * pSigma), pSigma, Scale(options.PAmplitudeMv, Math.Cos(Math.PI / 3), Math.Sin(Math.PI / 3), 0.2)),
            new Wave(0.2 * w, 0.2 * w / 3, Scale(options.QAmplitudeMv, -0.6, 0.0, 0.8)),
            new Wave(0.5 * w, 0.1 * w, Scale(options.RAmplitudeMv, Math.Cos(axis), Math.Sin(axis), -0.2)),
            new Wave(0.8 * w, 0.2 * w / 3, Scale(options.SAmplitudeMv, -0.5, -0.6, -0.6)),
            new Wave(options.QtSeconds - (2 * tSigma), tSigma, Scale(options.TAmplitudeMv, Math.Cos(50 * Math.PI / 180), Math.Sin(50 * Math.PI / 180), 0.4)),
        ];
        TSigma = tSigma;
        _stRampStart = 0.8 * w;

        var beats = new List<double>();
        double t = options.FirstBeatSeconds;
        int k = 0;
        while (t < options.DurationSeconds)
        {
            beats.Add(t);
            double rr = options.RrSeconds is { Count: > 0 } list ? list[k % list.Count] : 60.0 / options.HeartRateBpm;
            t += rr;
            k++;
        }

        RPeakTimes = options.Asystole ? [] : beats;
    }

    /// <summary>R-peak (fiducial) time of every beat in the record.</summary>
    public IReadOnlyList<double> RPeakTimes { get; }

    public double TSigma { get; }

    public EcgRecording Recording { get; private set; } = null!;

    /// <summary>The true fiducials as a detector would report them.</summary>
    public IReadOnlyList<Beat> Beats => [.. RPeakTimes.Select(t => new Beat((long)Math.Round(t * _o.SamplingRate), 1f))];

    public double TruePrMs => _o.PrSeconds * 1000;

    public double TrueQrsMs => _o.QrsSeconds * 1000;

    public double TrueQtMs => (_waves[4].Centre + (2 * TSigma)) * 1000;

    /// <summary>QRS onset relative to the R peak (fiducial), seconds.</summary>
    public double QrsOnsetFromFiducial => -_waves[2].Centre;

    /// <summary>Axis of the net QRS area vector in the frontal plane (Gaussian area = amplitude·σ·√(2π)).</summary>
    public double TrueAxisDegrees
    {
        get
        {
            double x = 0, y = 0;
            for (int i = 1; i <= 3; i++)
            {
                x += _waves[i].Vector.X * _waves[i].Sigma;
                y += _waves[i].Vector.Y * _waves[i].Sigma;
            }

            return Math.Atan2(y, x) * 180 / Math.PI;
        }
    }

    public static SyntheticEcg Create(SyntheticEcgOptions options)
    {
        var ecg = new SyntheticEcg(options);
        ecg.Recording = ecg.Render();
        return ecg;
    }

    /// <summary>Noise-free value of one beat in <paramref name="lead"/> at <paramref name="secondsFromQrsOnset"/>, relative to the isoelectric line.</summary>
    public double CleanValue(LeadId lead, double secondsFromQrsOnset)
    {
        double v = 0;
        foreach (var wave in _waves)
        {
            v += wave.ValueAt(secondsFromQrsOnset, Project(wave.Vector, lead));
        }

        return v + (St(lead) * StShape(secondsFromQrsOnset));
    }

    private double St(LeadId lead) => _o.StOffsetsMv.TryGetValue(lead, out double st) ? st : 0;

    // 0 before the S wave, raised-cosine up to 1 at J, 1 until the T peak, raised-cosine down to 0 at T peak + 3σ.
    private double StShape(double t)
    {
        double j = _o.QrsSeconds;
        double tPeak = _waves[4].Centre;
        double tGone = tPeak + (3 * TSigma);
        if (t <= _stRampStart || t >= tGone)
        {
            return 0;
        }

        if (t < j)
        {
            return 0.5 - (0.5 * Math.Cos(Math.PI * (t - _stRampStart) / (j - _stRampStart)));
        }

        if (t <= tPeak)
        {
            return 1;
        }

        return 0.5 + (0.5 * Math.Cos(Math.PI * (t - tPeak) / (tGone - tPeak)));
    }

    private EcgRecording Render()
    {
        double fs = _o.SamplingRate;
        int n = (int)Math.Round(_o.DurationSeconds * fs);
        var random = new Random(_o.Seed);
        var ids = LeadNames.Standard12;
        var values = new Dictionary<LeadId, double[]>();
        foreach (var id in ids)
        {
            values[id] = new double[n];
        }

        double start = _waves[0].Centre - (3 * _waves[0].Sigma);
        double end = _waves[4].Centre + (4 * TSigma);
        foreach (double rPeak in RPeakTimes)
        {
            double onset = rPeak + QrsOnsetFromFiducial;
            int from = Math.Max(0, (int)Math.Floor((onset + start) * fs));
            int to = Math.Min(n - 1, (int)Math.Ceiling((onset + end) * fs));
            foreach (var id in ids)
            {
                var x = values[id];
                for (int i = from; i <= to; i++)
                {
                    x[i] += CleanValue(id, (i / fs) - onset);
                }
            }
        }

        int leadIndex = 0;
        foreach (var id in ids)
        {
            var x = values[id];
            double wanderPhase = random.NextDouble() * 2 * Math.PI;
            double mainsPhase = random.NextDouble() * 2 * Math.PI;
            double f1 = 4 + (random.NextDouble() * 2), f2 = 6 + (random.NextDouble() * 3);
            for (int i = 0; i < n; i++)
            {
                double t = i / fs;
                x[i] += _o.BaselineWanderMv * Math.Sin((2 * Math.PI * _o.BaselineWanderHz * t) + wanderPhase);
                x[i] += _o.MainsMv * Math.Sin((2 * Math.PI * _o.MainsHz * t) + mainsPhase);
                x[i] += _o.FibrillationMv * 0.6 * (Math.Sin((2 * Math.PI * f1 * t) + leadIndex) + Math.Sin((2 * Math.PI * f2 * t) + (2 * leadIndex)));
                if (_o.WhiteNoiseMv > 0)
                {
                    x[i] += _o.WhiteNoiseMv * Gaussian(random);
                }
            }

            leadIndex++;
        }

        var leads = new List<EcgLead>();
        foreach (var id in ids)
        {
            if (_o.EightLeadsOnly && !Eight.Contains(id))
            {
                continue;
            }

            var adu = new int[n];
            var x = values[id];
            bool flat = _o.FlatLeads.Contains(id);
            bool railed = _o.RailedLeads.Contains(id);
            for (int i = 0; i < n; i++)
            {
                adu[i] = railed ? short.MaxValue : flat ? 0 : (int)Math.Round(x[i] * _o.GainAduPerMv);
            }

            leads.Add(new EcgLead(id, id.ToString(), adu, _o.GainAduPerMv, 0));
        }

        return new EcgRecording(fs, leads, "synthetic");
    }

    private static double Gaussian(Random random)
    {
        double u1 = 1 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static (double X, double Y, double Z) Scale(double amplitude, double x, double y, double z) => (amplitude * x, amplitude * y, amplitude * z);

    /// <summary>Projection of a heart vector on a lead: hexaxial frame for limb leads, transverse directions for V1–V6.</summary>
    internal static double Project((double X, double Y, double Z) v, LeadId lead)
    {
        double leadI = v.X;
        double leadII = (v.X * 0.5) + (v.Y * Math.Sqrt(3) / 2);
        return lead switch
        {
            LeadId.I => leadI,
            LeadId.II => leadII,
            LeadId.III => leadII - leadI,
            LeadId.aVR => -(leadI + leadII) / 2,
            LeadId.aVL => leadI - (leadII / 2),
            LeadId.aVF => leadII - (leadI / 2),
            >= LeadId.V1 and <= LeadId.V6 => PrecordialGain * Transverse(v, PrecordialAngles[lead - LeadId.V1]),
            _ => 0,
        };
    }

    private static double Transverse((double X, double Y, double Z) v, double degrees) =>
        (v.X * Math.Cos(degrees * Math.PI / 180)) + (v.Z * Math.Sin(degrees * Math.PI / 180));

    private readonly record struct Wave(double Centre, double Sigma, (double X, double Y, double Z) Vector)
    {
        // Gaussians are cut at ±3σ so that onset and offset are defined (1 % of the peak is dropped).
        public double ValueAt(double t, double amplitude)
        {
            double z = (t - Centre) / Sigma;
            return Math.Abs(z) > 3 ? 0 : amplitude * Math.Exp(-0.5 * z * z);
        }
    }
}
