using System.Diagnostics;

namespace Ncco.Media.Tests.Support;

/// <summary>Runs the real command-line tools the tests use as independent peers (sox, espeak-ng).</summary>
internal static class Tools
{
    public static string TempDir { get; } = CreateTempDir();

    public static string TempFile(string name) => Path.Combine(TempDir, name);

    public static void Sox(params string[] args) => Run("sox", args);

    public static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr}");
        }
        return stdout.Result;
    }

    /// <summary>Speech from the espeak-ng command line, as a WAV file at the given rate (via sox).</summary>
    public static string EspeakWav(string text, int rate, string voice = "en-us", string? name = null)
    {
        var raw = TempFile($"{name ?? Guid.NewGuid().ToString("N")}-raw.wav");
        Run("espeak-ng", "-v", voice, "-w", raw, text);
        var outPath = TempFile($"{name ?? Guid.NewGuid().ToString("N")}-{rate}.wav");
        Sox(raw, "-r", rate.ToString(System.Globalization.CultureInfo.InvariantCulture), "-b", "16", "-c", "1", outPath);
        return outPath;
    }

    private static string CreateTempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ncco-media-tests-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
