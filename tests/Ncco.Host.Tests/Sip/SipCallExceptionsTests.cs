using System.Collections.Concurrent;
using System.Globalization;
using Ncco.Tests.Shared;
using Xunit.Abstractions;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// The tests that count first-chance exceptions process-wide run alone: another test class's host throwing in
/// parallel would be counted too.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FirstChanceExceptionCollection
{
    public const string Name = "First-chance exceptions (alone)";
}

/// <summary>
/// A normal SIP call — answered, its prompt playing, the caller hanging up — throws no exception anywhere in the host's
/// process. Under load every exception costs (a stack trace captured and walked, on the setup path's threads: 4–6 per
/// call measured at 200 cps before this test), and on the normal path each one was control flow or a bug: cancellation
/// thrown at the hang-up, a stopped span restored as the current one, the RTCP receive loop cancelled at close.
/// </summary>
[Collection(FirstChanceExceptionCollection.Name)]
public sealed class SipCallExceptionsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Calls = 4;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly ConcurrentQueue<string> _thrown = new();
    private SipHostHarness _h = null!;
    private volatile bool _counting;

    public async Task InitializeAsync()
    {
        _h = await SipHostHarness.StartAsync();
        AppDomain.CurrentDomain.FirstChanceException += OnFirstChance;
    }

    public async Task DisposeAsync()
    {
        AppDomain.CurrentDomain.FirstChanceException -= OnFirstChance;
        await _h.DisposeAsync();
    }

    private void OnFirstChance(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
    {
        if (!_counting) return;
        var stack = Environment.StackTrace;
        // Only what the product's code is on the stack of. The test process also holds what earlier test classes left:
        // IHttpClientFactory cleanup timers of disposed service providers (ObjectDisposedException asking for their
        // logger), HTTP connection pools scavenging connections to app servers already shut down (IOException,
        // connection reset). Those throw on timer threads with no Ncco frame and are caught inside .NET.
        if (!stack.Split('\n').Any(IsProductFrame)) return;
        _thrown.Enqueue($"{e.Exception.GetType().FullName}: {e.Exception.Message}\n{stack}");
    }

    private static bool IsProductFrame(string line)
    {
        var frame = line.TrimStart();
        return frame.StartsWith("at Ncco.", StringComparison.Ordinal)
            && !frame.StartsWith("at Ncco.Host.Tests.", StringComparison.Ordinal)
            && !frame.StartsWith("at Ncco.Tests.", StringComparison.Ordinal);
    }

    /// <summary>The hang-up comes while the caller is in an <c>input</c> (with barge-in audio playing) or in a blocking
    /// <c>stream</c>: the two places a call usually ends.</summary>
    [Theory]
    [InlineData("input")]
    [InlineData("stream")]
    public async Task Normal_calls_hung_up_by_the_caller_throw_no_first_chance_exception_in_the_host_process(string endsDuring)
    {
        _h.App.Handle("/prompt.wav", async c =>
        {
            c.Response.ContentType = "audio/wav";
            await c.Response.Body.WriteAsync(Prompt());
        });
        var prompt = _h.App.Url("prompt.wav");
        _h.App.Ncco("/answer", endsDuring == "input"
            ? $$$"""
              [{"action":"stream","streamUrl":["{{{prompt}}}"],"loop":0,"bargeIn":true},
               {"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1,"timeOut":10}}]
              """
            : $$$"""[{"action":"stream","streamUrl":["{{{prompt}}}"],"loop":0}]""");

        // One call first: what runs once per process or per host (first connections, code compiled, caches filled) is
        // not the per-call path.
        await CallAsync(1);
        _counting = true;
        await CallAsync(Calls);
        _counting = false;

        foreach (var e in _thrown.Take(5)) output.WriteLine(e);
        Assert.True(_thrown.IsEmpty, $"{_thrown.Count} first-chance exceptions in {Calls} normal calls; the first:\n{_thrown.FirstOrDefault()}");
    }

    private async Task CallAsync(int calls)
    {
        var completedBefore = Completed();
        var sipp = await Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-mp", Sipp.FreeMediaPort().ToString(CultureInfo.InvariantCulture),
            "-sf", Sipp.Scenario("Sip/Scenarios/uac-answer-hold-bye.xml"), "-r", "2", "-m", calls.ToString(CultureInfo.InvariantCulture),
            "-s", SipHostHarness.Number, $"127.0.0.1:{_h.Sip.Port.ToString(CultureInfo.InvariantCulture)}"], Limit);
        Assert.True(sipp.ExitCode == 0, $"SIPp exit {sipp.ExitCode}:\n{sipp.Output}");
        // The host's side of the hang-up (completed events, RTP sessions closed) finishes after SIPp's 200 to its BYE.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Completed() < completedBefore + calls && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(Completed() == completedBefore + calls, $"{Completed() - completedBefore} of {calls} calls reported completed");
        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    private int Completed() => _h.App.All.Count(w => w.Json is { } j && j.TryGetProperty("status", out var s) && s.GetString() == "completed");

    /// <summary>2 s of a 400 Hz tone at 8 kHz.</summary>
    private static byte[] Prompt()
    {
        var samples = new short[16000];
        for (var i = 0; i < samples.Length; i++) samples[i] = (short)(6000 * Math.Sin(2 * Math.PI * 400 * i / 8000));
        return MediaPlane.TestAudio.WavBytes(samples, 8000);
    }
}
