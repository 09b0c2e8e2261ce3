using BenchmarkDotNet.Running;
using Ncco.Runtime.Benchmarks;

if (args is ["profile", ..])
{
    // The baseline build (compare.sh) is next to this one but not in its deps.json: load it from there, as BenchmarkDotNet does.
    System.Runtime.Loader.AssemblyLoadContext.Default.Resolving += (context, name) =>
        File.Exists(Path.Combine(AppContext.BaseDirectory, name.Name + ".dll")) ? context.LoadFromAssemblyPath(Path.Combine(AppContext.BaseDirectory, name.Name + ".dll")) : null;
    Profile.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
