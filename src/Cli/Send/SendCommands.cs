using System.Globalization;
using Telemed.DeviceGateway.EcgStreams.Client;
using Telemed.DeviceGateway.EcgStreams.Protocol;
using Telemed.Ecg.Wfdb;

namespace Telemed.Cli.Send;

/// <summary><c>telemed send …</c>: device simulators that send recordings to a Telemed hub as a device would.</summary>
internal static class SendCommands
{
    public const string EcgStreamUsage =
        "usage: telemed send ecg-stream <record> --host <h> --port <p> --device <id> --token <t> [--realtime] [--drop-every <n>] " +
        "[--seconds <s>] [--block <frames>] [--recording <uuid>] [--patient <id>]";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length > 0 && args[0] == "dicom")
        {
            return DicomSendCommand.Send(args[1..], stdout, stderr);
        }

        if (args.Length == 0 || args[0] != "ecg-stream")
        {
            stderr.WriteLine(args.Length == 0 ? CommandLine.Usage : $"telemed send: unknown command '{args[0]}'.");
            return 2;
        }

        try
        {
            return EcgStream(args[1..], stdout, stderr);
        }
        catch (Exception e) when (e is WfdbFormatException or IOException or UnauthorizedAccessException or ArgumentException
            or EcgStreamRefusedException or EcgStreamProtocolException)
        {
            stderr.WriteLine($"telemed send ecg-stream: {e.Message}");
            return 1;
        }
    }

    private static int EcgStream(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = Options.Parse(args);
        if (options.Positional.Count != 1 || options.Get("--host") is not string host || options.Get("--port") is not string portText
            || options.Get("--device") is not string device || options.Get("--token") is not string token)
        {
            stderr.WriteLine(EcgStreamUsage);
            return 2;
        }

        string recordPath = options.Positional[0];
        if (recordPath.EndsWith(".hea", StringComparison.OrdinalIgnoreCase))
        {
            recordPath = recordPath[..^4];
        }

        var recording = WfdbRecordReader.Read(recordPath);
        int? samples = options.Get("--seconds") is string s ? (int)Math.Round(Number(s, "--seconds") * recording.SamplingRate) : null;
        if (samples is <= 0)
        {
            throw new ArgumentException("--seconds must cover at least one sample.");
        }

        Guid recordingId = options.Get("--recording") is string id
            ? Guid.TryParse(id, out var parsed) ? parsed : throw new ArgumentException($"--recording needs a UUID, not '{id}'.")
            : Guid.NewGuid();
        var source = EcgStreamSource.FromRecording(recording, recordingId, device, token, DateTime.UtcNow, options.Get("--patient") ?? "", samples);
        var client = new EcgStreamClient(new EcgStreamClientOptions
        {
            Host = host,
            Port = (int)Number(portText, "--port"),
            Realtime = options.Has("--realtime"),
            DropEvery = options.Get("--drop-every") is string d ? (int)Number(d, "--drop-every") : 0,
            FramesPerBlock = options.Get("--block") is string b ? (int)Number(b, "--block") : 0,
        });

        stdout.WriteLine($"recording {recordingId}: {Path.GetFileName(recordPath)}, {source.SamplesPerLead} samples x {source.Hello.Leads.Count} leads at {source.Hello.SamplingRateHz} Hz");
        var result = client.SendAsync(source).GetAwaiter().GetResult();
        double seconds = result.Elapsed.TotalSeconds;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sent in {seconds:0.00} s over {result.Connections} connection(s), {result.FramesSent} SAMPLES frames, {result.SamplesPerLead * source.Hello.Leads.Count / Math.Max(seconds, 1e-9):0} samples/s"));
        stdout.WriteLine($"stored as blob {result.Completion.BlobHash}; urgency {result.Completion.Urgency}; flags [{string.Join(", ", result.Completion.Flags)}]");
        return 0;
    }

    private static double Number(string text, string option) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0 && double.IsFinite(v)
            ? v
            : throw new ArgumentException($"{option} needs a non-negative number, not '{text}'.");
}
