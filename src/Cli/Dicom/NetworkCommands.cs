using System.Globalization;
using Telemed.Dicom.Network;

namespace Telemed.Cli.Dicom;

/// <summary><c>telemed dicom echo|send</c>: C-ECHO and C-STORE as SCU, for checking a gateway or a PACS by hand.</summary>
internal static class NetworkCommands
{
    public static int Echo(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = Options.Parse(args);
        if (options.Positional.Count != 2 || !int.TryParse(options.Positional[1], CultureInfo.InvariantCulture, out int port))
        {
            stderr.WriteLine("usage: telemed dicom echo <host> <port> [--aet <calling>] [--aec <called>]");
            return 2;
        }

        try
        {
            ushort status = EchoScu.EchoAsync(options.Positional[0], port, options.Get("--aet") ?? "TELEMED_CLI", options.Get("--aec") ?? "ANY-SCP")
                .GetAwaiter().GetResult();
            stdout.WriteLine($"C-ECHO status 0x{status:X4}");
            return status == DicomStatus.Success ? 0 : 1;
        }
        catch (Exception e) when (e is DicomAssociationRejectedException or DicomAssociationAbortedException or System.Net.Sockets.SocketException)
        {
            stderr.WriteLine($"telemed: {e.Message}");
            return 1;
        }
    }

    public static int Send(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = Options.Parse(args);
        if (options.Positional.Count < 3 || !int.TryParse(options.Positional[1], CultureInfo.InvariantCulture, out int port))
        {
            stderr.WriteLine("usage: telemed dicom send <host> <port> <file>... [--aet <calling>] [--aec <called>]");
            return 2;
        }

        try
        {
            var scu = new StoreScu(options.Get("--aet") ?? "TELEMED_CLI", options.Get("--aec") ?? "ANY-SCP");
            IReadOnlyList<StoreOutcome> outcomes = scu.SendAsync(options.Positional[0], port, options.Positional[2..]).GetAwaiter().GetResult();
            foreach (StoreOutcome outcome in outcomes)
            {
                string status = outcome.Status is { } s ? $"0x{s:X4}" : "------";
                stdout.WriteLine($"{status} {outcome.TransferSyntaxUid ?? "-"} {outcome.Path}{(outcome.Error is null ? "" : $" ({outcome.Error})")}");
            }

            return outcomes.All(o => o.Succeeded) ? 0 : 1;
        }
        catch (Exception e) when (e is DicomAssociationRejectedException or DicomAssociationAbortedException or System.Net.Sockets.SocketException or ArgumentException)
        {
            stderr.WriteLine($"telemed: {e.Message}");
            return 1;
        }
    }
}
