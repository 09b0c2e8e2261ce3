using BenchmarkDotNet.Running;
using Ncco.Rtp.Benchmarks;

// Usage: dotnet run -c Release --project bench/Ncco.Rtp.Benchmarks -- [BenchmarkDotNet args, e.g. --filter '*' --job short]
//        dotnet run -c Release --project bench/Ncco.Rtp.Benchmarks -- --cpu [call-seconds]   (codec CPU per call-second)
if (args is ["--cpu", ..])
{
    CodecCpuCost.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(PacketBenchmarks).Assembly).Run(args.Length > 0 ? args : ["--filter", "*"]);
