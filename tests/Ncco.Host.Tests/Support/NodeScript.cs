using System.Diagnostics;
using System.Text.Json;

namespace Ncco.Host.Tests.Support;

/// <summary>Runs a node script that reports its steps as one JSON object per line, within a deadline.</summary>
public static class NodeScript
{
    /// <summary>
    /// Runs <c>node <paramref name="args"/></c> in <paramref name="directory"/> with <paramref name="environment"/>; fails
    /// the test with everything the script printed unless it exits 0 in time, and returns its JSON lines.
    /// </summary>
    public static async Task<IReadOnlyList<JsonElement>> RunAsync(string directory, string[] args, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("node", args)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using (var deadline = new CancellationTokenSource(timeout))
        {
            try
            {
                await node.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                node.Kill(entireProcessTree: true);
                throw new TimeoutException($"node {string.Join(' ', args)} ran longer than {timeout}:\n{await stdout}\n{await stderr}");
            }
        }
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(node.ExitCode == 0, $"node {string.Join(' ', args)} failed:\n{string.Join('\n', lines)}\n{await stderr}");
        return [.. lines.Select(l => JsonDocument.Parse(l).RootElement)];
    }
}
