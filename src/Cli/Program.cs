return Telemed.Cli.CommandLine.Run(args);
