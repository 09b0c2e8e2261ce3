using System.Diagnostics;

namespace Ncco.Host.Load;

/// <summary>Starts and stops <see cref="EchoApp"/> as a child process (<c>--echo-app-process</c>).</summary>
internal static class EchoAppProcess
{
    public static async Task<(Process Process, string Uri)> StartAsync(CancellationToken cancellationToken)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        // Run as `dotnet Ncco.Host.Load.dll` or as the apphost: the same program either way.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") info.ArgumentList.Add(typeof(EchoApp).Assembly.Location);
        info.ArgumentList.Add("--echo-app");
        // A small process: the workstation collector, not the host's server collector with a heap per core.
        info.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the echo app");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("echo-app ", StringComparison.Ordinal)) return (process, line["echo-app ".Length..]);
        }
        throw new InvalidOperationException("the echo app exited before printing its address");
    }

    public static async Task StopAsync(Process process)
    {
        try
        {
            process.StandardInput.Close();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            process.Kill();
        }
        finally
        {
            process.Dispose();
        }
    }
}
