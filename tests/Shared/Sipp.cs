using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Ncco.Tests.Shared;

/// <summary>
/// Runs SIPp (Debian package sip-tester, installed by .ci/deps/sip.sh) as a real peer, bounded in time. Compiled into
/// each test project that talks to SIPp (linked from tests/Shared).
/// </summary>
internal static class Sipp
{
    public sealed record Result(int ExitCode, string Output);

    public static string Binary
    {
        get
        {
            var path = new[] { "/usr/bin/sipp", "/usr/local/bin/sipp" }.FirstOrDefault(File.Exists);
            Assert.True(path is not null, "SIPp is not installed: run .ci/deps/sip.sh (Debian package 'sip-tester')");
            return path!;
        }
    }

    public static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>
    /// A base port for SIPp's <c>-mp</c>: even, and it and the three above it (SIPp binds audio RTP at the base, video at
    /// base + 2, and RTCP above each) free on loopback right now. Fixed picks in 48000–50000 collided with sockets that
    /// other tests bind to port 0, which the kernel takes from the same range (32768–60999): SIPp then exits with
    /// "Unable to bind audio RTP socket". Asking the kernel for the base leaves only the moment between our release and
    /// SIPp's bind, during which a new bind to port 0 would have to land on exactly these ports.
    /// </summary>
    public static int FreeMediaPort()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var held = new List<Socket>(4);
            try
            {
                held.Add(BoundUdp(0));
                var first = ((IPEndPoint)held[0].LocalEndPoint!).Port;
                if (first % 2 != 0 || first > IPEndPoint.MaxPort - 3) continue;
                for (var next = 1; next < 4; next++) held.Add(BoundUdp(first + next));
                return first;
            }
            catch (SocketException)
            {
                // One of the three above was taken: ask again.
            }
            finally
            {
                foreach (var socket in held) socket.Dispose();
            }
        }
        throw new InvalidOperationException("no four free UDP ports in a row on loopback in 200 tries");
    }

    private static Socket BoundUdp(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Waits until SIPp listens on TCP <paramref name="port"/> (our own bind there fails), so a call over TCP is not
    /// refused because SIPp is still starting. Probing by binding, not connecting, leaves SIPp's scenario untouched.
    /// </summary>
    public static async Task WaitForTcpListenerAsync(int port, Task<Result> sipp, TimeSpan limit)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                probe.Stop();
            }
            catch (SocketException)
            {
                return;
            }
            if (sipp.IsCompleted) Assert.Fail($"SIPp ended before it listened:\n{(await sipp).Output}");
            Assert.True(waited.Elapsed < limit, $"SIPp did not listen on TCP {port} within {limit}");
            await Task.Delay(20);
        }
    }

    /// <summary>Options every run shares: loopback, one call, bounded in time, no keyboard.</summary>
    public static string[] Common(int localPort) =>
        ["-i", "127.0.0.1", "-p", localPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-m", "1", "-nostdin",
         "-timeout", "20s", "-timeout_error", "-recv_timeout", "10s"];

    /// <summary>
    /// Awaits <paramref name="task"/>, failing at once with SIPp's output if SIPp fails first (bad scenario, bind
    /// error, unexpected message) rather than waiting out the limit. A SIPp that finished its scenario is fine: the
    /// host may report what happened a moment later.
    /// </summary>
    public static async Task<T> Before<T>(Task<T> task, Task<Result> sipp, TimeSpan limit)
    {
        var first = await Task.WhenAny(task, sipp).WaitAsync(limit);
        if (first == sipp && !task.IsCompleted)
        {
            var result = await sipp;
            if (result.ExitCode != 0) Assert.Fail($"SIPp failed ({result.ExitCode}) before the host did what it expected:\n{result.Output}");
        }
        return await task.WaitAsync(limit);
    }

    /// <summary>A scenario file copied to the test output, by its path there (e.g. <c>Sip/Scenarios/uas-busy.xml</c>).</summary>
    public static string Scenario(string relativePath) => Path.Combine(AppContext.BaseDirectory, relativePath);

    /// <summary>Starts SIPp; the returned task completes with its exit code and output, or kills it after <paramref name="limit"/>.</summary>
    public static async Task<Result> RunAsync(IEnumerable<string> arguments, TimeSpan limit)
    {
        var work = Directory.CreateTempSubdirectory("ncco-sipp-");
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = work.FullName,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["TERM"] = "dumb";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        var output = await stdout + await stderr;
        work.Delete(recursive: true);
        return new Result(process.ExitCode, output.Length > 4000 ? output[^4000..] : output);
    }
}
