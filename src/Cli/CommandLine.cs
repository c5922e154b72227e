using Telemed.Cli.Dicom;
using Telemed.Cli.Ecg;
using Telemed.Cli.Hub;
using Telemed.Cli.Send;
using Telemed.Cli.Upload;

namespace Telemed.Cli;

/// <summary>Entry point of the <c>telemed</c> command: dispatches to the tool groups.</summary>
internal static class CommandLine
{
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length >= 1 && args[0] == "ecg")
        {
            return EcgCommands.Run(args[1..], stdout, stderr);
        }

        if (args.Length >= 1 && args[0] == "echo")
        {
            return DicomSendCommand.Echo(args[1..], stdout, stderr);
        }

        if (args.Length >= 1 && args[0] == "send")
        {
            return SendCommands.Run(args[1..], stdout, stderr);
        }

        if (args.Length >= 1 && args[0] == "dicom")
        {
            return DicomCommands.Run(args[1..], stdout, stderr);
        }

        switch (args.Length >= 1 ? args[0] : null)
        {
            case "login":
                return HubCommands.Login(args[1..], stdout, stderr);
            case "worklist":
                return HubCommands.Worklist(args[1..], stdout, stderr);
            case "case":
                return HubCommands.Case(args[1..], stdout, stderr);
            case "cases":
                return HubCommands.Cases(args[1..], stdout, stderr);
            case "dashboard":
                return HubCommands.Dashboard(args[1..], stdout, stderr);
            case "report":
                return HubCommands.Report(args[1..], stdout, stderr);
            case "upload":
                return UploadCommand.Run(args[1..], stdout, stderr);
            case "consult":
                return HubCommands.Consult(args[1..], Console.In, stdout, stderr);
        }

        stderr.WriteLine(Usage);
        return args.Length == 0 || args[0] is "-h" or "--help" ? 0 : 2;
    }

    public const string Usage = """
        usage: telemed <group> <command> [options]

        ecg analyze <record|file> [--json] [--start <s>] [--duration <s>] [--sex M|F] [--age <years>] [--mains 50|60]
                                            beats, measurements and urgency flags of a recording
        ecg detect <record> --out <ann> [--dir <folder>] [--force]
                                            write detected beats as WFDB annotations <record>.<ann>
        ecg eval --db <dir> [--records a,b] [--errors]
                                            EC57 beat-by-beat evaluation against .atr references
        ecg eval-rhythm --db <dir> [--window <s>] [--records a,b] [--errors] [--mains 50|60]
                                            AF and VT flags on consecutive windows against reference rhythms
        dicom dump <file>                   elements of a DICOM file: tag, VR, length, keyword, value (shortened)
        dicom render <file> --out <x.png|x.jpg> [--window <c>,<w>] [--frame <n>] [--thumbnail <max side>] [--quality <q>]
                                            one frame (from 1) as an 8-bit JPEG (.jpg/.jpeg, quality 90 by default) or PNG;
                                            window from the file or min/max by default; --thumbnail scales down
        dicom ecg <file> [--json]           the ECG of a DICOM waveform object: the same report as ecg analyze
        dicom echo <host> <port> [--aet <calling>] [--aec <called>] [tls]
                                            C-ECHO: associate, verify, release
        dicom send <host> <port> <file>... [--aet <calling>] [--aec <called>] [tls]
                                            C-STORE files on one association; one line per file: status, syntax, path
        dicom find <host> <port> [Keyword=value]... [--sop <uid>] [--aet <calling>] [--aec <called>] [tls]
                                            C-FIND (Modality Worklist by default); one line per match, then the status
        [tls] = [--tls] [--tls-ca <pem>] [--tls-host <name>] [--tls-cert <pem> --tls-key <pem>]
                                            TLS (PS3.15 B.1): system trust, or only the given CA/certificate
        echo [--host 127.0.0.1] [--port 11112] [--aet ECHOSCU] [--aec TELEMED]
                                            C-ECHO a hub (defaults: the local hub) and print the round trip
        send dicom <file|dir>... [--host 127.0.0.1] [--port 11112] [--aet STORESCU] [--aec TELEMED]
                                            C-STORE files and folders (recursively) as a modality would, 100 files per
                                            association; one line per file, a progress bar on a terminal
        send ecg-stream <record> --host <h> --port <p> --device <id> --token <t> [--realtime] [--drop-every <n>] [--seconds <s>]
                 [--block <frames>] [--recording <uuid>] [--patient <id>]
                                            stream a recording as a live device would (docs/protocols/ecg-stream.md),
                                            reconnecting and resuming; --drop-every cuts the link every n frames

        login --user <id> [--password <p>] [--name <token name>] [--hub <url>]
                                            sign in and print a new bearer token (shown once; keep it in TELEMED_TOKEN)
        worklist [--json] [hub]             the signed-in reader's open cases, Stat first
        case show <case id> [--json] [hub]  one case: status, priority, patient, reader, SLA, ECG flags, history
        cases list [--status s[,s]] [--priority p] [--kind k] [--institution i] [--reader r] [--patient p]
                   [--from t] [--to t] [--mine] [--limit n] [--offset n] [--json] [hub]
                                            the cases you may see, newest first: status, priority, institution, reader, SLA
        dashboard [--from t] [--to t] [--institution i] [--json] [hub]
                                            volumes, turnaround (median/p90 minutes) and SLA compliance per institution
        report sign <case id> [hub]         sign the case's current report draft (the version just read, If-Match)
        consult chat <case id> [hub]        chat in the case's consult session: history, then live; typed lines are sent
        upload <file> [--resume <upload id>] [--patient <id>] [--chunk-size <bytes>] [--retries <n>] [--json] [hub]
                                            resumable upload of a DICOM or ECG file (SCP-ECG, HL7 aECG, Philips XML, ZIP
                                            of a WFDB .hea + .dat) with a progress bar; retries and resumes after network
                                            errors; prints the stored SOP Instance UID and the case
        [hub] = [--hub <url>] [--token <t>]  defaults: TELEMED_HUB or http://127.0.0.1:5080, TELEMED_TOKEN

        <record> is a WFDB record path, with or without .hea (e.g. ../shared/ecg/mitdb/100); <file> is an SCP-ECG,
        HL7 aECG, Philips XML or DICOM ECG file, recognised by its content.
        """;
}
