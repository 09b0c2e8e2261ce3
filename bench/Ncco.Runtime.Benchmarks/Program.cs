using BenchmarkDotNet.Running;
using Ncco.Runtime.Benchmarks;

if (args is ["profile", ..])
{
    Profile.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
