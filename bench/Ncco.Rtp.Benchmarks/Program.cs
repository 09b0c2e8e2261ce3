using BenchmarkDotNet.Running;
using Ncco.Rtp.Benchmarks;

// Usage: dotnet run -c Release --project bench/Ncco.Rtp.Benchmarks -- [BenchmarkDotNet args, e.g. --filter '*' --job short]
BenchmarkSwitcher.FromAssembly(typeof(PacketBenchmarks).Assembly).Run(args.Length > 0 ? args : ["--filter", "*"]);
