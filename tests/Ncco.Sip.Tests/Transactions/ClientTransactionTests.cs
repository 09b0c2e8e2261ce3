using Ncco.Sip.Messages;
using Ncco.Sip.Tests.Support;
using Ncco.Sip.Transactions;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Tests.Transactions;

public sealed class ClientTransactionTests
{
    [Fact]
    public void Invite_over_udp_retransmits_on_timer_a_doubling_and_times_out_on_timer_b()
    {
        var h = new TransactionHarness();
        h.Layer.SendRequest(Requests.Ours("INVITE", "z9hG4bKa1"), h.Peer, h);

        var sentAt = new List<double>();
        for (var t = 0.0; t <= 40; t += 0.25)
        {
            if (h.Transport.SentRequests("INVITE").Count > sentAt.Count)
            {
                sentAt.Add(t);
            }
            h.At(0.25);
        }

        // A fires at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s (T1 doubling); B at 32 s ends it.
        Assert.Equal([0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5], sentAt);
        Assert.Equal([(408, "Request Timeout")], h.Failures);
        Assert.Equal(0, h.Layer.ClientCount);
        Assert.Equal(0, h.Time.ActiveTimers);
    }

    [Fact]
    public void Invite_over_tcp_is_sent_once_and_still_times_out()
    {
        var h = new TransactionHarness(SipTransportKind.Tcp);
        h.Layer.SendRequest(Requests.Ours("INVITE", "z9hG4bKa2", "TCP"), h.Peer, h);

        h.At(31.9);
        Assert.Single(h.Transport.SentRequests("INVITE"));
        Assert.Empty(h.Failures);
        h.At(0.2);
        Assert.Equal(408, h.Failures.Single().Status);
    }

    [Fact]
    public void Provisional_stops_retransmission_and_timer_b()
    {
        var h = new TransactionHarness();
        var invite = Requests.Ours("INVITE", "z9hG4bKa3");
        h.Layer.SendRequest(invite, h.Peer, h);
        h.Transport.Deliver(Requests.Reply(invite, 180));

        h.At(120);
        Assert.Single(h.Transport.SentRequests("INVITE"));
        Assert.Empty(h.Failures);
        Assert.Equal(180, h.Responses.Single().StatusCode);
        Assert.Equal(1, h.Layer.ClientCount);
    }

    [Fact]
    public void Failure_response_is_acked_on_the_same_branch_again_for_each_copy_until_timer_d()
    {
        var h = new TransactionHarness();
        var invite = Requests.Ours("INVITE", "z9hG4bKa4");
        h.Layer.SendRequest(invite, h.Peer, h);
        var busy = Requests.Reply(invite, 486);
        h.Transport.Deliver(busy);
        h.Transport.Deliver(busy);

        var acks = h.Transport.SentRequests("ACK");
        Assert.Equal(2, acks.Count);
        Assert.Equal("z9hG4bKa4", acks[0].TopVia.Branch);
        Assert.Equal("totag", acks[0].To.Tag);
        Assert.Equal(new CSeqHeader(1, "ACK"), acks[0].CSeq);
        Assert.Single(h.Responses);

        h.At(31.9);
        Assert.Equal(1, h.Layer.ClientCount);
        h.At(0.2);
        Assert.Equal(0, h.Layer.ClientCount);
    }

    [Fact]
    public void Success_enters_accepted_passes_retransmitted_2xx_up_and_ends_after_timer_m()
    {
        var h = new TransactionHarness();
        var invite = Requests.Ours("INVITE", "z9hG4bKa5");
        h.Layer.SendRequest(invite, h.Peer, h);
        var ok = Requests.Reply(invite, 200);
        h.Transport.Deliver(ok);
        h.Transport.Deliver(ok);

        Assert.Equal(2, h.Responses.Count(r => r.StatusCode == 200));
        Assert.Empty(h.Transport.SentRequests("ACK"));
        h.At(32.1);
        Assert.Equal(0, h.Layer.ClientCount);

        // After the transaction is gone a further 2xx reaches the UA core as a stray, so it can ACK again.
        h.Transport.Deliver(ok);
        Assert.Single(h.Strays);
    }

    [Fact]
    public void Non_invite_retransmits_doubling_to_t2_and_times_out_on_timer_f()
    {
        var h = new TransactionHarness();
        h.Layer.SendRequest(Requests.Ours("OPTIONS", "z9hG4bKn1"), h.Peer, h);

        var sentAt = new List<double>();
        for (var t = 0.0; t <= 40; t += 0.25)
        {
            if (h.Transport.SentRequests("OPTIONS").Count > sentAt.Count)
            {
                sentAt.Add(t);
            }
            h.At(0.25);
        }

        Assert.Equal([0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5], sentAt);
        Assert.Equal(408, h.Failures.Single().Status);
        Assert.Equal(0, h.Layer.ClientCount);
    }

    [Fact]
    public void Non_invite_after_provisional_retransmits_every_t2()
    {
        var h = new TransactionHarness();
        var bye = Requests.Ours("BYE", "z9hG4bKn2");
        h.Layer.SendRequest(bye, h.Peer, h);
        h.At(0.1);
        h.Transport.Deliver(Requests.Reply(bye, 100, null));
        h.At(0.4); // first E at 0.5 s
        Assert.Equal(2, h.Transport.SentRequests("BYE").Count);
        h.At(3.9);
        Assert.Equal(2, h.Transport.SentRequests("BYE").Count);
        h.At(0.2); // next at 0.5 + T2
        Assert.Equal(3, h.Transport.SentRequests("BYE").Count);
    }

    [Fact]
    public void Non_invite_final_response_ends_after_timer_k_on_udp_and_at_once_on_tcp()
    {
        var udp = new TransactionHarness();
        var bye = Requests.Ours("BYE", "z9hG4bKn3");
        udp.Layer.SendRequest(bye, udp.Peer, udp);
        udp.Transport.Deliver(Requests.Reply(bye, 200));
        udp.Transport.Deliver(Requests.Reply(bye, 200));
        Assert.Single(udp.Responses);
        udp.At(4.9);
        Assert.Equal(1, udp.Layer.ClientCount);
        udp.At(0.2);
        Assert.Equal(0, udp.Layer.ClientCount);

        var tcp = new TransactionHarness(SipTransportKind.Tcp);
        var tcpBye = Requests.Ours("BYE", "z9hG4bKn4", "TCP");
        tcp.Layer.SendRequest(tcpBye, tcp.Peer, tcp);
        tcp.Transport.Deliver(Requests.Reply(tcpBye, 200));
        Assert.Equal(0, tcp.Layer.ClientCount);
    }

    [Fact]
    public void Transport_failure_is_reported_as_503()
    {
        var h = new TransactionHarness();
        h.Layer.SendRequest(Requests.Ours("OPTIONS", "z9hG4bKn5"), h.Peer, h);
        h.Layer.OnTransportError(h.Peer, new IOException("refused"));
        Assert.Equal(503, h.Failures.Single().Status);
        Assert.Equal(0, h.Layer.ClientCount);
    }

    [Fact]
    public void Cancel_reuses_the_invite_branch_and_matches_its_own_transaction()
    {
        var h = new TransactionHarness();
        var invite = Requests.Ours("INVITE", "z9hG4bKc1");
        h.Layer.SendRequest(invite, h.Peer, h);
        var cancel = RequestBuilder.Cancel(invite);
        h.Layer.SendRequest(cancel, h.Peer, h);
        Assert.Equal("z9hG4bKc1", cancel.TopVia.Branch);
        Assert.Equal(2, h.Layer.ClientCount);

        h.Transport.Deliver(Requests.Reply(cancel, 200));
        h.Transport.Deliver(Requests.Reply(invite, 487));
        Assert.Equal(["CANCEL", "INVITE"], h.Responses.Select(r => r.CSeq.Method));
        Assert.Single(h.Transport.SentRequests("ACK"));
    }
}
