using System.Globalization;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Telemed.Dicom.Data;
using Telemed.Dicom.Dictionary;
using Telemed.Dicom.Network;
using Telemed.Dicom.Text;

namespace Telemed.Cli.Dicom;

/// <summary><c>telemed dicom echo|send|find</c>: C-ECHO, C-STORE and C-FIND as SCU, for checking a gateway or a PACS by hand.</summary>
internal static class NetworkCommands
{
    public const string TlsUsage = "[--tls] [--tls-ca <pem>] [--tls-host <name>] [--tls-cert <pem> --tls-key <pem>]";

    public static int Echo(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = Options.Parse(args);
        if (options.Positional.Count != 2 || !int.TryParse(options.Positional[1], CultureInfo.InvariantCulture, out int port))
        {
            stderr.WriteLine($"usage: telemed dicom echo <host> <port> [--aet <calling>] [--aec <called>] {TlsUsage}");
            return 2;
        }

        try
        {
            ushort status = EchoScu.EchoAsync(options.Positional[0], port, options.Get("--aet") ?? "TELEMED_CLI", options.Get("--aec") ?? "ANY-SCP", null, Tls(options))
                .GetAwaiter().GetResult();
            stdout.WriteLine($"C-ECHO status 0x{status:X4}");
            return status == DicomStatus.Success ? 0 : 1;
        }
        catch (Exception e) when (e is DicomAssociationRejectedException or DicomAssociationAbortedException or System.Net.Sockets.SocketException or AuthenticationException or IOException)
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
            stderr.WriteLine($"usage: telemed dicom send <host> <port> <file>... [--aet <calling>] [--aec <called>] {TlsUsage}");
            return 2;
        }

        try
        {
            var scu = new StoreScu(options.Get("--aet") ?? "TELEMED_CLI", options.Get("--aec") ?? "ANY-SCP", tls: Tls(options));
            IReadOnlyList<StoreOutcome> outcomes = scu.SendAsync(options.Positional[0], port, options.Positional[2..]).GetAwaiter().GetResult();
            foreach (StoreOutcome outcome in outcomes)
            {
                string status = outcome.Status is { } s ? $"0x{s:X4}" : "------";
                stdout.WriteLine($"{status} {outcome.TransferSyntaxUid ?? "-"} {outcome.Path}{(outcome.Error is null ? "" : $" ({outcome.Error})")}");
            }

            return outcomes.All(o => o.Succeeded) ? 0 : 1;
        }
        catch (Exception e) when (e is DicomAssociationRejectedException or DicomAssociationAbortedException or System.Net.Sockets.SocketException or ArgumentException or AuthenticationException or IOException)
        {
            stderr.WriteLine($"telemed: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// C-FIND (Modality Worklist unless --sop names another model): the keys are Keyword=value pairs, an empty value
    /// asking for the attribute to be returned; one line per match, then the final status.
    /// </summary>
    public static int Find(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = Options.Parse(args);
        if (options.Positional.Count < 2 || !int.TryParse(options.Positional[1], CultureInfo.InvariantCulture, out int port))
        {
            stderr.WriteLine($"usage: telemed dicom find <host> <port> [Keyword=value]... [--sop <uid>] [--aet <calling>] [--aec <called>] {TlsUsage}");
            return 2;
        }

        try
        {
            // UTF-8 both ways: command-line text is Unicode, and ISO_IR 192 says so to the peer (PS3.5 §6.1.2.5.3).
            var identifier = new DicomDatasetBuilder(DicomCharacterSet.FromSpecificCharacterSet("ISO_IR 192"));
            var keywords = new List<string>();
            foreach (string key in options.Positional.Skip(2))
            {
                int equals = key.IndexOf('=', StringComparison.Ordinal);
                string keyword = equals < 0 ? key : key[..equals];
                identifier.Add(keyword, equals < 0 || equals == key.Length - 1 ? [] : [key[(equals + 1)..]]);
                keywords.Add(keyword);
            }

            var scu = new FindScu(options.Get("--aet") ?? "TELEMED_CLI", options.Get("--aec") ?? "ANY-SCP", tls: Tls(options));
            FindResult result = scu.FindAsync(options.Positional[0], port, options.Get("--sop") ?? FindSopClasses.ModalityWorklist, identifier.Build())
                .GetAwaiter().GetResult();
            foreach (DicomDataset match in result.Matches)
            {
                stdout.WriteLine(string.Join(" | ", keywords.Select(k => $"{k}={(match.GetStringOrNull(DicomDictionary.GetTag(k)) ?? "").Trim()}")));
            }

            stdout.WriteLine($"C-FIND status 0x{result.Status:X4}, {result.Matches.Count} match(es){(result.ErrorComment is null ? "" : $" ({result.ErrorComment})")}");
            return result.Status == DicomStatus.Success ? 0 : 1;
        }
        catch (Exception e) when (e is DicomAssociationRejectedException or DicomAssociationAbortedException or System.Net.Sockets.SocketException
            or AuthenticationException or IOException or Telemed.Dicom.DicomException)
        {
            stderr.WriteLine($"telemed: {e.Message}");
            return 1;
        }
    }

    /// <summary>TLS when any --tls option is given: pinned CA/certificate or the system store; an optional client identity.</summary>
    private static DicomTlsClientOptions? Tls(Options options)
    {
        if (!options.Has("--tls") && !options.Has("--tls-ca") && !options.Has("--tls-cert"))
        {
            return null;
        }

        var trusted = new X509Certificate2Collection();
        if (options.Get("--tls-ca") is { } ca)
        {
            trusted.ImportFromPemFile(ca);
        }

        X509Certificate2? client = null;
        if (options.Get("--tls-cert") is { } cert)
        {
            using X509Certificate2 pem = X509Certificate2.CreateFromPemFile(cert, options.Get("--tls-key"));
            // Through PKCS#12 so SslStream can use the key on every platform.
            client = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }

        return new DicomTlsClientOptions { TargetHost = options.Get("--tls-host"), TrustedCertificates = trusted, ClientCertificate = client };
    }
}
