using System.Globalization;
using BenchmarkDotNet.Running;
using Ncco.Host.Benchmarks;

// Usage:
//   dotnet run -c Release --project bench/Ncco.Host.Benchmarks -- tick [BenchmarkDotNet args]    (µs per media tick, allocations)
//   dotnet run -c Release --project bench/Ncco.Host.Benchmarks -- profile [legs] [ticks] [workers] [cache|nocache|warm]   (where a tick's time goes;
//     warm: the prompt is in the TTS cache before the calls start, so every leg plays the one shared buffer, as a stream prompt does)
//   dotnet run -c Release --project bench/Ncco.Host.Benchmarks -- sip-alloc [calls]   (bytes per call of SIP messages; another
//     build's Ncco.Sip.dll copied over the output's measures that build: see bench/side-by-side/RESULTS.md)
var command = args.Length > 0 ? args[0] : "help";
var rest = args.Skip(1).ToArray();
switch (command)
{
    case "tick":
        BenchmarkSwitcher.FromAssembly(typeof(MediaTickBenchmarks).Assembly).Run(rest.Length > 0 ? rest : ["--filter", "*"]);
        break;
    case "profile":
        var legs = rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 1000;
        var ticks = rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 500;
        var workers = rest.Length > 2 ? int.Parse(rest[2], CultureInfo.InvariantCulture) : 1;
        await StageProfileRun.RunAsync(legs, ticks, workers, ttsCache: rest.Length <= 3 || rest[3] != "nocache", promptCached: rest.Length > 3 && rest[3] == "warm");
        break;
    case "sip-alloc":
        SipCallAllocation.Run(rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 2000);
        break;
    default:
        Console.WriteLine("commands: tick [BenchmarkDotNet args] | profile [legs] [ticks] [workers] [cache|nocache|warm] | sip-alloc [calls]");
        break;
}
