using System.Diagnostics;
using System.Text;

namespace Ncco.Analyzers.Tests;

/// <summary>
/// Packs Ncco.Runtime, references the package from a deliberately bad sample project (restored from the local
/// folder plus the default NuGet source) and checks that <c>dotnet build</c> prints the analyzers' diagnostics.
/// </summary>
public class PackageEndToEndTests
{
    [Fact]
    public void Packed_runtime_brings_the_analyzers_into_dotnet_build()
    {
        var root = FindRoot();
        var work = Directory.CreateTempSubdirectory("ncco-e2e-").FullName;
        try
        {
            var feed = Path.Combine(work, "feed");
            var version = "0.0.0-e2e." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
            Run($"pack \"{Path.Combine(root, "src", "Ncco.Runtime", "Ncco.Runtime.csproj")}\" -c Release -o \"{feed}\" -p:Version={version}", root, out _);
            Assert.True(File.Exists(Path.Combine(feed, $"Ncco.Runtime.{version}.nupkg")));

            var sample = Path.Combine(work, "sample");
            Directory.CreateDirectory(sample);
            var template = Path.Combine(AppContext.BaseDirectory, "BadSample");
            File.WriteAllText(Path.Combine(sample, "BadSample.csproj"), File.ReadAllText(Path.Combine(template, "BadSample.csproj.txt")).Replace("$NCCO_VERSION$", version));
            File.Copy(Path.Combine(template, "Bad.cs.txt"), Path.Combine(sample, "Bad.cs"));
            File.Copy(Path.Combine(template, "editorconfig.txt"), Path.Combine(sample, ".editorconfig"));

            Run($"build \"{sample}\" --packages \"{Path.Combine(work, "packages")}\" --source \"{feed}\" --source https://api.nuget.org/v3/index.json",
                sample, out var output);

            foreach (var (id, line) in new[] { ("NCCO004", 12), ("NCCO007", 15), ("NCCO020", 15), ("NCCO003", 19), ("NCCO022", 22) })
            {
                Assert.Contains($"Bad.cs({line},", output.Split('\n').Where(l => l.Contains($"warning {id}:")).FirstOrDefault() ?? $"no warning {id} in:\n{output}");
            }
            Assert.Contains($"docs/rules/NCCO004.md", output);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    private static void Run(string arguments, string directory, out string output)
    {
        var start = new ProcessStartInfo("dotnet", arguments + " -nologo -nodeReuse:false -p:UseSharedCompilation=false")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Do not leak the test host's MSBuild settings into the child build.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "MSBUILD_EXE_PATH").ToList())
        {
            start.Environment.Remove(key);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var text = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (text) text.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (text) text.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromSeconds(150)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {arguments} timed out:\n{text}");
        }
        process.WaitForExit();
        output = text.ToString();
        Assert.True(process.ExitCode == 0, $"dotnet {arguments} failed ({process.ExitCode}):\n{output}");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ncco.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Ncco.sln not found");
    }
}
