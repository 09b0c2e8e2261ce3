using BenchmarkDotNet.Running;
using Ncco.Media.Benchmarks;

// Usage:
//   dotnet run -c Release --project bench/Ncco.Media.Benchmarks -- micro [BenchmarkDotNet args]   (G.711, resampling, mixer, DTMF)
//   dotnet run -c Release --project bench/Ncco.Media.Benchmarks -- tts
//   dotnet run -c Release --project bench/Ncco.Media.Benchmarks -- tts-first   (short prompt, time to first audio)
//   dotnet run -c Release --project bench/Ncco.Media.Benchmarks -- asr
//   dotnet run -c Release --project bench/Ncco.Media.Benchmarks -- asr-accuracy
//   dotnet run -c Release --project bench/Ncco.Media.Benchmarks -- asr-memory [calls] [rounds]   (RSS per concurrent speech call)
//   dotnet run -c Release --project bench/Ncco.Media.Benchmarks -- pipelines [seconds]
//   dotnet run -c Release --project bench/Ncco.Media.Benchmarks -- mixer-scale [10,50,500] [rounds]   (µs per conference tick at N parties)
var command = args.Length > 0 ? args[0] : "help";
var rest = args.Skip(1).ToArray();
switch (command)
{
    case "micro":
        BenchmarkSwitcher.FromAssembly(typeof(G711Benchmarks).Assembly).Run(rest.Length > 0 ? rest : ["--filter", "*"]);
        break;
    case "tts":
        await TtsLoad.RunAsync();
        break;
    case "tts-first":
        await TtsFirstAudio.RunAsync();
        break;
    case "asr":
        await AsrLoad.RunRealTimeFactorAsync();
        break;
    case "asr-memory":
        await AsrMemory.RunAsync(rest);
        break;
    case "asr-accuracy":
        await AsrLoad.RunAccuracyAsync(rest);
        break;
    case "pipelines":
        await PipelineLoad.RunAsync(rest.Length > 0 ? int.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture) : 10);
        break;
    case "mixer-scale":
        MixerScale.Run(rest);
        break;
    default:
        Console.WriteLine("commands: micro | tts | tts-first | asr | asr-accuracy | asr-memory [calls] [rounds] | pipelines [seconds] | mixer-scale [parties,...] [rounds]");
        break;
}
