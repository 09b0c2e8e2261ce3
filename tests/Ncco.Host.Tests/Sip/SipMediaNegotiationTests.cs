using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ncco.Host.Tests.MediaPlane;
using Ncco.Sip.Sdp;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// How the host agrees media with SIP callers: a late offer (INVITE without SDP, answer in the ACK) and G.722
/// wideband, checked by decoding the audio the caller receives.
/// </summary>
public sealed class SipMediaNegotiationTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private SipHostHarness _h = null!;

    public async Task InitializeAsync() => _h = await SipHostHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private string Target => $"127.0.0.1:{_h.Sip.Port.ToString(CultureInfo.InvariantCulture)}";

    private const string Speech = "Hello from the gateway. This sentence is long enough to be heard for a couple of seconds.";

    [Fact]
    public async Task A_late_offer_is_answered_with_our_offer_in_the_200_and_media_flows_to_the_address_in_the_ack()
    {
        _h.App.Ncco("/answer", $$"""[{"action":"talk","text":"{{Speech}}"}]""");
        using var rtp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var rtpPort = ((IPEndPoint)rtp.Client.LocalEndPoint!).Port;
        var sipp = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("Sip/Scenarios/uac-late-offer.xml"),
            "-set", "rtpport", rtpPort.ToString(CultureInfo.InvariantCulture), "-s", SipHostHarness.Number, Target], Limit);

        // The host's RTP (PCMU, the codec the ACK chose) reaches the address the ACK gave, carrying the talk.
        var heard = new List<short>();
        var codec = new Ncco.Rtp.Codecs.PcmuCodec();
        var pcm = new short[1600];
        using (var limit = new CancellationTokenSource(Limit))
        {
            while (TestAudio.VoicedSeconds(heard.ToArray(), 8000) < 0.5)
            {
                var received = await Sipp.Before(rtp.ReceiveAsync(limit.Token).AsTask(), sipp, Limit);
                var packet = received.Buffer;
                Assert.Equal(0, packet[1] & 0x7f);
                var header = 12 + ((packet[0] & 0x0f) * 4);
                heard.AddRange(pcm.AsSpan(0, codec.Decode(packet.AsSpan(header), pcm)).ToArray());
            }
        }
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        var answer = await _h.App.WaitForAsync(w => w.Path == "/answer", Limit);
        var uuid = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(answer.Query)["uuid"].ToString();
        var completed = (await _h.App.WaitForStatusAsync(uuid, "completed", Limit)).Json!.Value;
        Assert.Equal("user", completed.GetProperty("disconnected_by").GetString());
    }

    [Fact]
    public async Task A_late_offer_whose_ack_carries_no_answer_is_ended_by_the_host_with_bye()
    {
        _h.App.Ncco("/answer", $$"""[{"action":"talk","text":"{{Speech}}"}]""");
        var sipp = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("Sip/Scenarios/uac-late-offer-no-answer.xml"),
            "-s", SipHostHarness.Number, Target], Limit);

        var answer = await Sipp.Before(_h.App.WaitForAsync(w => w.Path == "/answer", Limit), sipp, Limit);
        var uuid = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(answer.Query)["uuid"].ToString();
        await _h.App.WaitForStatusAsync(uuid, "completed", Limit);
        // SIPp ends cleanly only when our BYE came after its body-less ACK.
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
    }

    [Fact]
    public async Task A_phone_offering_only_g722_is_answered_with_g722_and_hears_the_talk_and_a_stream_tone_undistorted()
    {
        var tone = TestAudio.Tone(1000, 1.5, 16000);
        var wav = TestAudio.WavBytes(tone, 16000);
        _h.App.Handle("/tone.wav", async c =>
        {
            c.Response.ContentType = "audio/wav";
            await c.Response.Body.WriteAsync(wav);
        });
        _h.App.Ncco("/answer", $$"""
            [{"action":"talk","text":"{{Speech}}"},{"action":"stream","streamUrl":["{{_h.App.Url("tone.wav")}}"]},
             {"action":"input","type":["dtmf"],"dtmf":{"timeOut":10} }]
            """);
        await using var phone = await TestSoftphone.CallAsync(_h.Sip, SipHostHarness.User, 10000 + (Random.Shared.Next(0, 450) * 20), codecs: [SdpCodec.G722]);
        await phone.AnsweredAsync(Limit);
        Assert.Equal("G722", phone.Codec);
        Assert.Equal(16000, phone.SampleRate);

        // Speech first: voiced, with most of its energy below 4 kHz (a G.722 stream decoded wrongly is loud broadband noise).
        await WaitUntilAsync(() => TestAudio.VoicedSeconds(phone.Received(), 16000) >= 1.0, () => $"talk not heard: {phone.FramesVoiced} voiced frames");
        var speech = phone.Received();
        Assert.True(LowBandShare(speech) > 0.7, $"speech energy below 4 kHz is only {LowBandShare(speech):P0}");

        // Then the 1 kHz tone of the stream, at the right pitch (a wrong sample rate would move it to 500 Hz or 2 kHz).
        var mark = 0;
        await WaitUntilAsync(() =>
        {
            var since = phone.ReceivedSince(mark);
            if (since.Length < 16000) return false;
            // Look at the newest half second only, sliding forward until it is all tone.
            var window = since.AsSpan(since.Length - 8000);
            if (TestAudio.ToneShare(window, 1000, 16000) > 0.8) return true;
            mark += since.Length - 8000;
            return false;
        }, () => "the stream's 1 kHz tone was not heard at its pitch");
    }

    [Fact]
    public async Task A_phone_offering_g722_before_pcmu_gets_g722_and_one_offering_pcmu_first_gets_pcmu()
    {
        // The answer follows the offerer's order (RFC 3264 §6.1): the host supports both, so the phone's preference wins.
        _h.App.Ncco("/answer", $$"""[{"action":"talk","text":"{{Speech}}"}]""");
        await using (var wideband = await TestSoftphone.CallAsync(_h.Sip, SipHostHarness.User, 10000 + (Random.Shared.Next(0, 450) * 20), codecs: [SdpCodec.G722, SdpCodec.Pcmu]))
        {
            await wideband.AnsweredAsync(Limit);
            Assert.Equal("G722", wideband.Codec);
            await WaitUntilAsync(() => wideband.FramesVoiced >= 25, () => $"G.722 phone heard {wideband.FramesVoiced} voiced frames");
        }
        await using var narrowband = await TestSoftphone.CallAsync(_h.Sip, SipHostHarness.User, 10000 + (Random.Shared.Next(0, 450) * 20), codecs: [SdpCodec.Pcmu, SdpCodec.G722]);
        await narrowband.AnsweredAsync(Limit);
        Assert.Equal("PCMU", narrowband.Codec);
        await WaitUntilAsync(() => narrowband.FramesVoiced >= 25, () => $"PCMU phone heard {narrowband.FramesVoiced} voiced frames");
    }

    /// <summary>Share of the energy in 0–4 kHz of 16 kHz audio (a crude two-band split by a 2-tap average).</summary>
    private static double LowBandShare(short[] samples)
    {
        double low = 0, high = 0;
        for (var i = 1; i < samples.Length; i++)
        {
            // (x[n] + x[n-1]) / 2 passes low frequencies, (x[n] − x[n-1]) / 2 high ones; their energies add up to the total.
            double sum = (samples[i] + samples[i - 1]) / 2.0, difference = (samples[i] - samples[i - 1]) / 2.0;
            low += sum * sum;
            high += difference * difference;
        }
        return low + high == 0 ? 0 : low / (low + high);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> explain)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < Limit, explain());
            await Task.Delay(50);
        }
    }
}
