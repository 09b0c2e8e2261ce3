using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Ncco.Diagnostics;
using Ncco.Host.Legs.Sip;
using Ncco.Host.Tests.Support;
using Ncco.Sip.Auth;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Transport;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// The SIP legs' spans beyond the INVITE: a peer's re-INVITEs (hold, resume), its BYE, the leg's media session with its
/// hold/resume events and counters, and a trunk's REGISTER. Recorded with an <see cref="ActivityListener"/> on the calls'
/// source, filtered to this test's call or trunk (the source is process-wide and other tests run in parallel).
/// </summary>
public sealed class SipTracingTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly ConcurrentQueue<Activity> _spans = new();
    private ActivityListener? _listener;
    private SipHostHarness _h = null!;

    public async Task InitializeAsync()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == NccoTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        _h = await SipHostHarness.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        _listener?.Dispose();
    }

    [Fact]
    public async Task A_callers_reinvites_bye_and_media_session_are_spans_of_the_calls_trace()
    {
        _h.App.Ncco("/answer", """[{"action":"talk","text":"Hold music would go here. This sentence is long enough to outlast the hold and the resume.","loop":0}]""");
        var target = $"127.0.0.1:{_h.Sip.Port.ToString(CultureInfo.InvariantCulture)}";
        var sipp = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("Sip/Scenarios/uac-reinvite-hold.xml"), "-s", SipHostHarness.User, target], Limit);

        var answer = await Sipp.Before(_h.App.WaitForAsync(w => w.Path == "/answer", Limit), sipp, Limit);
        var uuid = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(answer.Query)["uuid"].ToString();
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        await _h.App.WaitForStatusAsync(uuid, "completed", Limit);

        var media = await EventuallyAsync(() => Of(uuid).FirstOrDefault(s => s.OperationName == "media.rtp"), "the media span");
        var invite = Assert.Single(_spans, s => s.OperationName == "sip.invite" && s.Kind == ActivityKind.Server && s.TraceId == media.TraceId);
        var trace = _spans.Where(s => s.TraceId == invite.TraceId).ToList();

        var reinvites = trace.Where(s => s.OperationName == "sip.reinvite").OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal(2, reinvites.Count);
        Assert.All(reinvites, s => Assert.Equal(ActivityKind.Server, s.Kind));
        Assert.All(reinvites, s => Assert.Equal(invite.SpanId, s.ParentSpanId));
        Assert.Equal("RecvOnly", reinvites[0].GetTagItem("sip.media.direction"));   // ours: the caller sends only
        Assert.Equal("SendRecv", reinvites[1].GetTagItem("sip.media.direction"));

        var bye = Assert.Single(trace, s => s.OperationName == "sip.bye");
        Assert.Equal(ActivityKind.Server, bye.Kind);
        Assert.Equal("BYE", bye.GetTagItem("sip.method"));
        Assert.Equal(nameof(CallEndReason.RemoteHangup), bye.GetTagItem("sip.end.reason"));

        Assert.Equal(invite.SpanId, media.ParentSpanId);
        // This SIPp scenario sends no RTP of its own, which the span says when the session ends.
        Assert.Equal(["media.hold", "media.resume", "media.no_inbound_rtp"], media.Events.Select(e => e.Name));
        Assert.Equal(0L, media.GetTagItem("media.packets_received"));
        // How much of the talk went out before the hold depends on the machine's speed; that it is counted does not.
        Assert.IsType<long>(media.GetTagItem("media.packets_sent"));
        Assert.Equal("PCMU", media.GetTagItem("media.codec"));
        Assert.Equal(0, media.GetTagItem("media.dtmf_digits"));
    }

    [Fact]
    public async Task A_trunk_register_that_cannot_be_sent_is_an_error_span_naming_the_trunk()
    {
        var name = "trace-" + Guid.NewGuid().ToString("N")[..8];
        await using var agent = SipUserAgent.Create(new IPEndPoint(IPAddress.Loopback, 0), TimeProvider.System);
        agent.Start();
        // TLS to a trunk on a UA without a TLS listener: the REGISTER fails before it leaves.
        var trunk = new SipTrunk(name, "127.0.0.1", 5061, SipTransportKind.Tls, new DigestCredentials("u", "trunk-secret"),
            TimeSpan.FromSeconds(300), [""], null, null);
        using var stopping = new CancellationTokenSource();
        var registrations = new SipTrunkRegistrations(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, null, TimeProvider.System);
        registrations.Start(agent, [trunk], stopping.Token);

        var span = await EventuallyAsync(() => _spans.FirstOrDefault(s => s.OperationName == "sip.register" && (string?)s.GetTagItem("sip.trunk") == name), "the REGISTER span");
        await stopping.CancelAsync();
        await registrations.DisposeAsync();

        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal("REGISTER", span.GetTagItem("sip.method"));
        Assert.Equal(300, span.GetTagItem("sip.expires"));
        Assert.Equal(false, span.GetTagItem("sip.registered"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.DoesNotContain(span.TagObjects, t => t.Value?.ToString()?.Contains("trunk-secret", StringComparison.Ordinal) == true);
    }

    private IEnumerable<Activity> Of(string uuid) => _spans.Where(s => (string?)s.GetTagItem("ncco.call.uuid") == uuid);

    private static async Task<T> EventuallyAsync<T>(Func<T?> probe, string what) where T : class
    {
        using var limit = new CancellationTokenSource(Limit);
        while (true)
        {
            if (probe() is { } found) return found;
            if (limit.IsCancellationRequested) throw new TimeoutException("Timed out waiting for " + what);
            await Task.Delay(20, CancellationToken.None);
        }
    }
}
