using System.Diagnostics;
using System.Globalization;

namespace Ncco.Host.Load;

/// <summary>
/// Runs <c>wrk</c> (Debian's <c>wrk</c> package, not needed by CI) against <c>GET /v1/calls/{uuid}</c> as a
/// separate process, so the load generator is measured apart from the host (the HttpClient phases share the host's
/// process). A Lua script cycles through the created uuids and, for the fresh-token phase, through pre-minted tokens
/// read from a file (each wrk thread its own slice, so no token is sent twice).
/// </summary>
internal sealed class WrkRunner(TextWriter output)
{
    /// <summary>True when <c>wrk</c> is on the PATH.</summary>
    public static bool Available() => FindOnPath("wrk") is not null;

    /// <summary>
    /// One wrk phase: <paramref name="connections"/> keep-alive connections over <paramref name="threads"/> threads for
    /// <paramref name="duration"/>. <paramref name="tokens"/> has one token (reused by every request) or many (one per
    /// request; a phase that runs out of them starts over, which the caller avoids by minting enough).
    /// </summary>
    public async Task<WrkResult?> RunAsync(string name, Uri baseUrl, IReadOnlyList<string> uuids, IReadOnlyList<string> tokens,
        int connections, int threads, TimeSpan duration, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("ncco-wrk-").FullName;
        try
        {
            var tokenFile = Path.Combine(directory, "tokens.txt");
            var uuidFile = Path.Combine(directory, "uuids.txt");
            await File.WriteAllLinesAsync(tokenFile, tokens, cancellationToken);
            await File.WriteAllLinesAsync(uuidFile, uuids, cancellationToken);
            var script = Path.Combine(directory, "get-call.lua");
            await File.WriteAllTextAsync(script, LuaScript(tokenFile, uuidFile, threads), cancellationToken);

            var start = new ProcessStartInfo("wrk")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "-t", threads.ToString(CultureInfo.InvariantCulture),
                "-c", connections.ToString(CultureInfo.InvariantCulture),
                "-d", ((int)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s",
                "--timeout", "10s",
                "--latency",
                "-s", script,
                baseUrl.ToString(),
            })
            {
                start.ArgumentList.Add(argument);
            }
            // This process's CPU while wrk runs: with the host in-process (its HttpClient idle meanwhile) that is the host's
            // CPU per request, which a shared, noisy machine disturbs far less than the request rate.
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            // Likewise the bytes this process allocated: the host's managed allocation per request, which no load disturbs.
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start");
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            // Bounded: wrk stops itself after -d; the extra minute only guards against a wedged run.
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(duration + TimeSpan.FromMinutes(1));
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            var text = await stdout;
            var result = WrkResult.Parse(name, text) is { } parsed ? parsed with { BenchCpuSeconds = cpu.TotalSeconds, BenchAllocatedBytes = allocated } : null;
            if (result is null) output.WriteLine($"{name}: could not read wrk's output (exit {process.ExitCode}): {text} {await stderr}");
            else output.WriteLine($"{name}: {result.Requests} requests in {result.Seconds:F1} s (wrk, out of process)");
            return result;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // Each wrk thread has its own Lua state: thread n of t takes tokens n, n+t, n+2t… so fresh tokens are never repeated
    // across threads. The uuids are shared round-robin.
    private static string LuaScript(string tokenFile, string uuidFile, int threads) => $$"""
        local counter = 0
        local threads = {}
        function setup(thread)
          thread:set("id", counter)
          counter = counter + 1
        end
        function init(args)
          local all = {}
          for line in io.lines("{{tokenFile}}") do table.insert(all, line) end
          tokens = {}
          if #all < {{threads}} then
            tokens = all
          else
            for i = id + 1, #all, {{threads}} do table.insert(tokens, all[i]) end
          end
          uuids = {}
          for line in io.lines("{{uuidFile}}") do table.insert(uuids, line) end
          n = 0
        end
        function request()
          n = n + 1
          local token = tokens[(n - 1) % #tokens + 1]
          local uuid = uuids[(n - 1) % #uuids + 1]
          return wrk.format("GET", "/v1/calls/" .. uuid, { ["Authorization"] = "Bearer " .. token })
        end
        """;

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
