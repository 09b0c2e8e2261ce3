using System.Text;
using Ncco.Sip.Messages;
using Ncco.Sip.Sdp;
using Ncco.Sip.Tests.Support;

namespace Ncco.Sip.Tests.Dialogs;

/// <summary>
/// Mutated INVITE/CANCEL/ACK/BYE/OPTIONS traffic thrown at the whole stack (transport layer → transactions → UA core) on
/// virtual time. Nothing may throw inside the stack, and once the timers have run out no transaction, dialog or timer may remain.
/// </summary>
public sealed class HostileInputTests
{
    [Fact]
    public void Mutated_dialog_traffic_never_breaks_the_stack_or_leaks_state()
    {
        var h = new UaHarness();
        var random = new Random(4028);
        var seeds = new List<byte[]>
        {
            UaHarness.Invite("z9hG4bKh1").ToBytes(),
            UaHarness.Invite("z9hG4bKh2", new SipHeader(HeaderNames.SessionExpires, "120"), new SipHeader(HeaderNames.Supported, "timer")).ToBytes(),
            Requests.Make("CANCEL", "z9hG4bKh1").ToBytes(),
            Requests.Make("ACK", "z9hG4bKh1", toTag: "x").ToBytes(),
            Requests.Make("BYE", "z9hG4bKh3", cseq: 2, toTag: "x").ToBytes(),
            Requests.Make("OPTIONS", "z9hG4bKh4").ToBytes(),
            Requests.Make("INVITE", "z9hG4bKh5", toTag: "x", body: UaHarness.Offer + "a=sendonly\r\n", contentType: "application/sdp").ToBytes(),
            Requests.Reply(Requests.Ours("INVITE", "z9hG4bKh6"), 200).ToBytes(),
        };
        var answered = 0;
        for (var i = 0; i < 3000; i++)
        {
            // Vary branch and Call-ID over a small range so some messages are new transactions and some hit existing ones.
            var seed = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(seeds[random.Next(seeds.Count)])
                .Replace("z9hG4bKh", "z9hG4bK" + random.Next(300).ToString(System.Globalization.CultureInfo.InvariantCulture) + "h", StringComparison.Ordinal)
                .Replace("call-1", "call-" + random.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
            var bytes = Mutate(seed, random);
            h.Transport.Deliver(bytes, new System.Net.IPEndPoint(System.Net.IPAddress.Parse("192.0.2." + (1 + random.Next(20))), 5060));
            // Answer, ring or reject some of the calls that got through, as an application would.
            while (h.TryAccept() is { } call)
            {
                switch (random.Next(4))
                {
                    case 0:
                        try
                        {
                            call.Answer(new LocalMedia("127.0.0.1", 20000));
                            answered++;
                        }
                        catch (SdpNegotiationException)
                        {
                            // A mutated offer without a usable codec: 488 was sent, the call ended.
                        }
                        break;
                    case 1:
                        call.Ring();
                        break;
                    case 2:
                        call.Reject(486);
                        break;
                }
            }
            if (i % 100 == 0)
            {
                h.At(random.Next(5));
            }
        }
        Assert.Equal(0, h.Agent.Layer.Transport.HandlerFailureCount);
        Assert.True(h.Agent.Layer.Transport.RejectedCount > 100, "the mutations should make many messages unparseable");
        Assert.True(answered > 10, $"only {answered} calls were answered; the mutations are too destructive to reach the dialog code");

        // Unanswered calls end after three minutes, answered ones without ACK after 64·T1, everything else sooner.
        for (var minute = 0; minute < 10; minute++)
        {
            h.At(60);
        }
        Assert.Null(h.Agent.Layer.Transport.LastHandlerFailure);
        Assert.Equal(0, h.Agent.Layer.ServerCount);
        Assert.Equal(0, h.Agent.Layer.ClientCount);
        Assert.Equal(0, h.Agent.DialogCount);
        Assert.Equal(0, h.Time.ActiveTimers);
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var text = Encoding.UTF8.GetString(seed);
        switch (random.Next(6))
        {
            case 0:
                return seed;
            case 1:
                {
                    var bytes = (byte[])seed.Clone();
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(32, 127);
                    return bytes;
                }
            case 2:
                {
                    string[] lines = ["Session-Expires: 1", "Require: timer", "CSeq: 0 INVITE", "To: <sip:bob@127.0.0.1>;tag=", "Content-Type: text/plain", "Contact: *", "Max-Forwards: 0", "Route: <sip:10.0.0.1;lr>"];
                    var at = text.IndexOf("\r\n", StringComparison.Ordinal) + 2;
                    return Encoding.UTF8.GetBytes(text.Insert(at, lines[random.Next(lines.Length)] + "\r\n"));
                }
            case 3:
                return seed.AsSpan(0, random.Next(seed.Length)).ToArray();
            case 4:
                {
                    var body = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                    return Encoding.UTF8.GetBytes(body < 0 ? text : text[..body] + "\r\n\r\n" + "v=0\r\no=- x\r\nm=audio 99999 RTP/AVP\r\n");
                }
            default:
                return Encoding.UTF8.GetBytes(text.Replace("z9hG4bKh", "z9hG4bK" + random.Next(3), StringComparison.Ordinal).Replace("call-1", "call-" + random.Next(3), StringComparison.Ordinal));
        }
    }
}
