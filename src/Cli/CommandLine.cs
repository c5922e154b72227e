namespace Telemed.Cli;

/// <summary>Entry point of the <c>telemed</c> command: dispatches to the tool groups.</summary>
internal static class CommandLine
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("usage: telemed ecg <analyze|detect|eval> ...");
        return args.Length == 0 ? 2 : 2;
    }
}
