using BenchmarkDotNet.Running;

// make-cr-corpus writes the data for the store-throughput comparison (bench/store-load.sh); anything else goes to
// BenchmarkDotNet.
if (args.Length > 0 && args[0] == "make-cr-corpus")
{
    return Telemed.Benchmarks.StoreLoad.CrCorpus.Run(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Telemed.Benchmarks.QrsDetectionBenchmarks).Assembly).Run(args);
return 0;
