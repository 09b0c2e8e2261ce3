using System.Diagnostics;
using System.Globalization;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>
/// Real speech for media tests, synthesised at test time by the espeak-ng command line and converted by sox (both
/// independent peers of the code under test), as 16-bit mono samples at the rate asked for.
/// </summary>
internal static class TestSpeech
{
    /// <summary>A short "hello" — what a person says on picking up.</summary>
    public const string Hello = "Hello?";

    /// <summary>A voicemail greeting: several seconds of continuous speech.</summary>
    public const string Voicemail = "Hi, you have reached the voicemail of John Smith. I cannot take your call right now. Please leave a message after the tone.";

    public static async Task<short[]> SynthesizeAsync(string text, int rate)
    {
        var dir = Directory.CreateTempSubdirectory("ncco-speech-");
        try
        {
            var raw = Path.Combine(dir.FullName, "raw.wav");
            var wav = Path.Combine(dir.FullName, "out.wav");
            await RunAsync("espeak-ng", "-v", "en-us", "-w", raw, text);
            await RunAsync("sox", raw, "-r", rate.ToString(CultureInfo.InvariantCulture), "-b", "16", "-c", "1", wav);
            return Ncco.Media.Wav.WavReader.ReadAll(wav).Samples;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stderr = p.StandardError.ReadToEndAsync();
        await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {await stderr}");
    }
}
