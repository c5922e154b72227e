using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Telemed.Benchmarks.QrsDetectionBenchmarks).Assembly).Run(args);
