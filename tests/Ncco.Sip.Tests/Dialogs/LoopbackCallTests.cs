using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Sdp;
using Ncco.Sip.Tests.Support;

namespace Ncco.Sip.Tests.Dialogs;

/// <summary>Two of our UAs calling each other over real loopback sockets.</summary>
public sealed class LoopbackCallTests
{
    private static readonly LocalMedia AliceMedia = new("127.0.0.1", 40000);
    private static readonly LocalMedia BobMedia = new("127.0.0.1", 40002) { Codecs = [SdpCodec.Pcmu, SdpCodec.Pcma] };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_rings_is_answered_with_sdp_and_ends_with_bye(bool tcp)
    {
        await using var pair = new LoopbackPair();
        var call = await pair.Alice.CallAsync(pair.BobUri(tcp), AliceMedia, new OutgoingCallOptions { Headers = [new("X-Customer", "42")] });
        var incoming = await pair.Bob.AcceptAsync().AsTask().WaitAsync(LoopbackPair.Wait);
        Assert.Equal("42", incoming.Invite.Header("X-Customer"));
        incoming.Ring();
        await call.Ringing.WaitAsync(LoopbackPair.Wait);

        var bobAudio = incoming.Answer(BobMedia);
        var answer = await call.Completion.WaitAsync(LoopbackPair.Wait);
        await incoming.Confirmed.WaitAsync(LoopbackPair.Wait);

        Assert.Equal(200, answer.StatusCode);
        Assert.Equal(SdpCodec.Pcmu, bobAudio!.Codec);
        Assert.Equal(40000, bobAudio.RemotePort);
        Assert.Equal(SdpCodec.Pcmu, call.Audio!.Codec);
        Assert.Equal(40002, call.Audio.RemotePort);
        Assert.Equal(101, call.Audio.TelephoneEventPayloadType);

        await call.HangupAsync().WaitAsync(LoopbackPair.Wait);
        Assert.Equal(CallEndReason.RemoteHangup, (await incoming.Ended.WaitAsync(LoopbackPair.Wait)).Reason);
        Assert.Equal(CallEndReason.LocalHangup, (await call.Ended).Reason);
        Assert.Equal(0, pair.Alice.DialogCount);
        Assert.Equal(0, pair.Bob.DialogCount);
    }

    [Fact]
    public async Task Cancel_before_answer_gives_487_on_both_sides()
    {
        await using var pair = new LoopbackPair();
        var call = await pair.Alice.CallAsync(pair.BobUri(), AliceMedia);
        var incoming = await pair.Bob.AcceptAsync().AsTask().WaitAsync(LoopbackPair.Wait);
        incoming.Ring();
        await call.Ringing.WaitAsync(LoopbackPair.Wait);

        await call.HangupAsync().WaitAsync(LoopbackPair.Wait);

        Assert.Equal(487, (await call.Completion).StatusCode);
        var end = await incoming.Ended.WaitAsync(LoopbackPair.Wait);
        Assert.Equal(new CallEnd(CallEndReason.Cancelled, 487), end);
        Assert.Equal(CallEndReason.LocalHangup, (await call.Ended.WaitAsync(LoopbackPair.Wait)).Reason);
    }

    [Theory]
    [InlineData(486)]
    [InlineData(603)]
    public async Task Rejection_reaches_the_caller_with_its_status(int status)
    {
        await using var pair = new LoopbackPair();
        var call = await pair.Alice.CallAsync(pair.BobUri(), AliceMedia);
        var incoming = await pair.Bob.AcceptAsync().AsTask().WaitAsync(LoopbackPair.Wait);
        incoming.Reject(status);

        Assert.Equal(status, (await call.Completion.WaitAsync(LoopbackPair.Wait)).StatusCode);
        Assert.Equal(new CallEnd(CallEndReason.Rejected, status), await call.Ended.WaitAsync(LoopbackPair.Wait));
    }

    [Fact]
    public async Task No_common_codec_is_refused_with_488()
    {
        await using var pair = new LoopbackPair();
        var call = await pair.Alice.CallAsync(pair.BobUri(), AliceMedia with { Codecs = [SdpCodec.G722] });
        var incoming = await pair.Bob.AcceptAsync().AsTask().WaitAsync(LoopbackPair.Wait);

        Assert.Throws<SdpNegotiationException>(() => incoming.Answer(BobMedia));
        Assert.Equal(488, (await call.Completion.WaitAsync(LoopbackPair.Wait)).StatusCode);
        Assert.Equal(CallEndReason.MediaNegotiationFailed, (await incoming.Ended).Reason);
    }

    [Fact]
    public async Task Reinvite_puts_the_peer_on_hold_and_takes_it_off()
    {
        await using var pair = new LoopbackPair();
        var call = await pair.Alice.CallAsync(pair.BobUri(), AliceMedia);
        var incoming = await pair.Bob.AcceptAsync().AsTask().WaitAsync(LoopbackPair.Wait);
        incoming.Answer(BobMedia);
        await call.Completion.WaitAsync(LoopbackPair.Wait);
        await incoming.Confirmed.WaitAsync(LoopbackPair.Wait);

        var hold = await pair.Alice.ReinviteAsync(call, AliceMedia with { Direction = MediaDirection.SendOnly }).WaitAsync(LoopbackPair.Wait);
        Assert.Equal(200, hold.StatusCode);
        var held = await incoming.MediaChanges.ReadAsync().AsTask().WaitAsync(LoopbackPair.Wait);
        Assert.True(held.IsOnHold);
        Assert.Equal(MediaDirection.RecvOnly, held.Direction);
        var aliceView = await call.MediaChanges.ReadAsync().AsTask().WaitAsync(LoopbackPair.Wait); // the initial answer
        aliceView = await call.MediaChanges.ReadAsync().AsTask().WaitAsync(LoopbackPair.Wait);
        Assert.Equal(MediaDirection.SendOnly, aliceView.Direction);

        await pair.Alice.ReinviteAsync(call, AliceMedia).WaitAsync(LoopbackPair.Wait);
        var resumed = await incoming.MediaChanges.ReadAsync().AsTask().WaitAsync(LoopbackPair.Wait);
        Assert.Equal(MediaDirection.SendRecv, resumed.Direction);
        Assert.True(incoming.LocalMedia!.SessionVersion > BobMedia.SessionVersion);

        await incoming.HangupAsync().WaitAsync(LoopbackPair.Wait);
        Assert.Equal(CallEndReason.RemoteHangup, (await call.Ended.WaitAsync(LoopbackPair.Wait)).Reason);
    }

    [Fact]
    public async Task Options_is_answered_with_what_we_allow()
    {
        await using var pair = new LoopbackPair();
        var response = await pair.Alice.OptionsAsync(pair.BobUri(tcp: true)).WaitAsync(LoopbackPair.Wait);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal(SipUserAgent.AllowedMethods, response.Header(HeaderNames.Allow));
    }

    [Fact]
    public async Task Invite_too_large_for_udp_goes_over_tcp_to_the_same_address()
    {
        await using var pair = new LoopbackPair();
        var bulky = new OutgoingCallOptions { Headers = [new("X-Context", new string('x', 1200))] };
        var call = await pair.Alice.CallAsync(pair.BobUri(), AliceMedia, bulky);
        var incoming = await pair.Bob.AcceptAsync().AsTask().WaitAsync(LoopbackPair.Wait);

        Assert.Equal(Ncco.Sip.Transport.SipTransportKind.Tcp, incoming.Source.Transport);
        Assert.Equal("TCP", incoming.Invite.TopVia.Transport);
        incoming.Answer(BobMedia);
        Assert.Equal(200, (await call.Completion.WaitAsync(LoopbackPair.Wait)).StatusCode);
        await call.HangupAsync().WaitAsync(LoopbackPair.Wait);
        Assert.Equal(CallEndReason.RemoteHangup, (await incoming.Ended.WaitAsync(LoopbackPair.Wait)).Reason);
    }

    [Fact]
    public async Task Call_over_ipv6_loopback_uses_bracketed_hosts_and_ip6_sdp()
    {
        await using var alice = SipUserAgent.Create(new System.Net.IPEndPoint(System.Net.IPAddress.IPv6Loopback, 0), TimeProvider.System, new() { User = "alice" });
        await using var bob = SipUserAgent.Create(new System.Net.IPEndPoint(System.Net.IPAddress.IPv6Loopback, 0), TimeProvider.System, new() { User = "bob" });
        alice.Start();
        bob.Start();

        var call = await alice.CallAsync(SipUri.Parse($"sip:bob@[::1]:{bob.Layer.Transport.PortOf(Ncco.Sip.Transport.SipTransportKind.Udp)}"), new LocalMedia("::1", 40010));
        var incoming = await bob.AcceptAsync().AsTask().WaitAsync(LoopbackPair.Wait);
        Assert.Equal("[::1]", incoming.Invite.TopVia.Host);
        incoming.Answer(new LocalMedia("::1", 40012));

        Assert.Equal(200, (await call.Completion.WaitAsync(LoopbackPair.Wait)).StatusCode);
        Assert.Equal("::1", call.Audio!.RemoteAddress);
        Assert.Contains("c=IN IP6 ::1", call.Answer!.BodyText, StringComparison.Ordinal);
        await call.HangupAsync().WaitAsync(LoopbackPair.Wait);
        Assert.Equal(CallEndReason.RemoteHangup, (await incoming.Ended.WaitAsync(LoopbackPair.Wait)).Reason);
    }

    [Fact]
    public async Task Caller_behind_nat_with_an_unreachable_contact_is_answered_and_hung_up_on_via_its_source()
    {
        // Alice advertises an address nobody can reach (as a phone behind NAT does with its private one).
        await using var alice = SipUserAgent.Create(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), TimeProvider.System,
            new() { User = "alice" }, advertisedHost: "192.0.2.99");
        await using var bob = SipUserAgent.Create(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), TimeProvider.System, new() { User = "bob" });
        alice.Start();
        bob.Start();

        var call = await alice.CallAsync(SipUri.Parse($"sip:bob@127.0.0.1:{bob.Layer.Transport.PortOf(Ncco.Sip.Transport.SipTransportKind.Udp)}"), AliceMedia);
        var incoming = await bob.AcceptAsync().AsTask().WaitAsync(LoopbackPair.Wait);
        var via = incoming.Invite.TopVia;
        Assert.Equal("192.0.2.99", via.Host);
        Assert.Equal("127.0.0.1", via.Parameters["received"]);
        Assert.Equal(incoming.Source.Address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), via.Parameters["rport"]);
        Assert.Equal("192.0.2.99", incoming.Invite.Contacts[0].Uri.Host);

        incoming.Answer(BobMedia);
        Assert.Equal(200, (await call.Completion.WaitAsync(LoopbackPair.Wait)).StatusCode);
        await incoming.Confirmed.WaitAsync(LoopbackPair.Wait);
        await incoming.HangupAsync().WaitAsync(LoopbackPair.Wait);
        Assert.Equal(CallEndReason.RemoteHangup, (await call.Ended.WaitAsync(LoopbackPair.Wait)).Reason);
    }
}
