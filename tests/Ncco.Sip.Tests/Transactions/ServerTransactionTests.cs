using System.Text;
using Ncco.Sip.Messages;
using Ncco.Sip.Tests.Support;
using Ncco.Sip.Transactions;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Tests.Transactions;

public sealed class ServerTransactionTests
{
    [Fact]
    public void Invite_gets_100_at_once_and_a_retransmission_gets_the_last_provisional()
    {
        var h = new TransactionHarness();
        var invite = Requests.Make("INVITE", "z9hG4bKs1");
        h.Transport.Deliver(invite);
        Assert.Single(h.Transport.SentResponses(100));
        h.Requests.Single().Respond(Requests.Reply(h.Requests[0].Request, 180));

        h.Transport.Deliver(invite);
        Assert.Single(h.Requests);
        Assert.Equal(2, h.Transport.SentResponses(180).Count);
    }

    [Fact]
    public void Failure_is_retransmitted_on_timer_g_until_the_ack_then_timer_i_ends_it()
    {
        var h = new TransactionHarness();
        var invite = Requests.Make("INVITE", "z9hG4bKs2");
        h.Transport.Deliver(invite);
        var tx = h.Requests.Single();
        tx.Respond(Requests.Reply(tx.Request, 486));

        h.At(0.5);
        h.At(1.0);
        h.At(2.0);
        h.At(4.0);
        h.At(4.0);
        // G: 0.5, 1.5, 3.5, 7.5 (capped at T2 from then on), 11.5.
        Assert.Equal(6, h.Transport.SentResponses(486).Count);

        var ack = Requests.Make("ACK", "z9hG4bKs2", toTag: "totag");
        h.Transport.Deliver(ack);
        Assert.Equal(TransactionState.Confirmed, tx.State);
        h.Transport.Deliver(ack);
        Assert.Empty(h.Acks);
        h.At(8);
        Assert.Equal(6, h.Transport.SentResponses(486).Count);
        Assert.Equal(TransactionState.Terminated, tx.State);
        Assert.Equal(0, h.Layer.ServerCount);
    }

    [Fact]
    public void Missing_ack_ends_on_timer_h_and_tells_the_tu()
    {
        var h = new TransactionHarness(SipTransportKind.Tcp);
        h.Transport.Deliver(Requests.Make("INVITE", "z9hG4bKs3", transport: "TCP"));
        var tx = h.Requests.Single();
        tx.Respond(Requests.Reply(tx.Request, 603));
        h.At(31.9);
        Assert.Single(h.Transport.SentResponses(603)); // never retransmitted over TCP
        h.At(0.2);
        Assert.Same(tx, h.AckTimeouts.Single());
        Assert.Equal(0, h.Layer.ServerCount);
    }

    [Fact]
    public void Success_enters_accepted_hands_acks_to_the_tu_and_absorbs_invite_copies_until_timer_l()
    {
        var h = new TransactionHarness();
        var invite = Requests.Make("INVITE", "z9hG4bKs4");
        h.Transport.Deliver(invite);
        var tx = h.Requests.Single();
        tx.Respond(Requests.Reply(tx.Request, 200));
        Assert.Equal(TransactionState.Accepted, tx.State);

        h.Transport.Deliver(invite);
        Assert.Single(h.Requests);
        Assert.Single(h.Transport.SentResponses(200));

        h.Transport.Deliver(Requests.Make("ACK", "z9hG4bKs4", toTag: "totag"));
        Assert.Single(h.Acks);
        h.At(32.1);
        Assert.Equal(0, h.Layer.ServerCount);

        // An ACK for the 2xx on a new branch (the normal case) goes straight to the TU.
        h.Transport.Deliver(Requests.Make("ACK", "z9hG4bKother", toTag: "totag"));
        Assert.Equal(2, h.Acks.Count);
    }

    [Fact]
    public void Non_invite_final_is_resent_for_retransmissions_until_timer_j()
    {
        var h = new TransactionHarness();
        var options = Requests.Make("OPTIONS", "z9hG4bKs5");
        h.Transport.Deliver(options);
        var tx = h.Requests.Single();
        tx.Respond(Requests.Reply(tx.Request, 200));
        h.Transport.Deliver(options);
        h.Transport.Deliver(options);
        Assert.Single(h.Requests);
        Assert.Equal(3, h.Transport.SentResponses(200).Count);
        h.At(31.9);
        Assert.Equal(1, h.Layer.ServerCount);
        h.At(0.2);
        Assert.Equal(0, h.Layer.ServerCount);

        // Over TCP timer J is zero.
        var tcp = new TransactionHarness(SipTransportKind.Tcp);
        tcp.Transport.Deliver(Requests.Make("OPTIONS", "z9hG4bKs6", transport: "TCP"));
        tcp.Requests.Single().Respond(Requests.Reply(tcp.Requests[0].Request, 200));
        Assert.Equal(0, tcp.Layer.ServerCount);
    }

    [Fact]
    public void Silent_application_does_not_leak_the_transaction()
    {
        var h = new TransactionHarness();
        h.Transport.Deliver(Requests.Make("OPTIONS", "z9hG4bKs7"));
        h.Transport.Deliver(Requests.Make("INVITE", "z9hG4bKs8"));
        h.At(32.1);
        Assert.Single(h.Transport.SentResponses(500));
        h.At(147.8);
        Assert.Empty(h.Transport.SentResponses(408));
        h.At(0.2); // three minutes after the INVITE
        Assert.Single(h.Transport.SentResponses(408));
        h.At(64);
        Assert.Single(h.AckTimeouts);
        Assert.Equal(0, h.Layer.ServerCount);
        Assert.Equal(0, h.Time.ActiveTimers);
    }

    [Fact]
    public void Cancel_finds_the_invite_transaction_by_branch()
    {
        var h = new TransactionHarness();
        h.Transport.Deliver(Requests.Make("INVITE", "z9hG4bKs9"));
        h.Transport.Deliver(Requests.Make("CANCEL", "z9hG4bKs9"));
        var cancel = h.Requests[1];
        Assert.Equal("CANCEL", cancel.Request.Method);
        Assert.Same(h.Requests[0], h.Layer.FindInviteFor(cancel.Request));
        Assert.Null(h.Layer.FindInviteFor(Requests.Make("CANCEL", "z9hG4bKnone")));
    }

    [Fact]
    public void Rfc2543_peer_without_magic_cookie_is_matched_by_its_fields()
    {
        var h = new TransactionHarness();
        var invite = Requests.Make("INVITE", "old1");
        h.Transport.Deliver(invite);
        var tx = h.Requests.Single();
        tx.Respond(Requests.Reply(tx.Request, 486));
        h.Transport.Deliver(invite);
        Assert.Single(h.Requests);
        Assert.Equal(2, h.Transport.SentResponses(486).Count);

        h.Transport.Deliver(Requests.Make("ACK", "old1", toTag: "totag"));
        Assert.Equal(TransactionState.Confirmed, tx.State);
    }

    [Fact]
    public void Flooding_source_gets_stateless_503_beyond_its_limit()
    {
        var h = new TransactionHarness(limits: new TransactionLimits { MaxServerTransactionsPerSource = 3 });
        for (var i = 0; i < 5; i++)
        {
            h.Transport.Deliver(Requests.Make("OPTIONS", $"z9hG4bKf{i}", callId: $"f{i}"));
        }
        Assert.Equal(3, h.Requests.Count);
        Assert.Equal(2, h.Transport.SentResponses(503).Count);
        Assert.Equal("5", h.Transport.SentResponses(503)[0].Header(HeaderNames.RetryAfter));

        // Another source is not affected.
        h.Transport.Deliver(Requests.Make("OPTIONS", "z9hG4bKother", callId: "o"), new System.Net.IPEndPoint(System.Net.IPAddress.Parse("192.0.2.99"), 5060));
        Assert.Equal(4, h.Requests.Count);
    }

    [Fact]
    public void Answered_transactions_lingering_for_retransmissions_no_longer_count_against_their_source()
    {
        // A trunk or proxy sends every call from one address; over UDP each answered transaction lingers 32 s, which
        // must not turn the flood bound into a cap of a few calls per second.
        var h = new TransactionHarness(limits: new TransactionLimits { MaxServerTransactionsPerSource = 2 });
        for (var i = 0; i < 6; i++)
        {
            h.Transport.Deliver(Requests.Make("OPTIONS", $"z9hG4bKa{i}", callId: $"a{i}"));
            var tx = h.Requests[^1];
            tx.Respond(Requests.Reply(tx.Request, 200));
        }
        Assert.Equal(6, h.Requests.Count);
        Assert.Empty(h.Transport.SentResponses(503));
        Assert.Equal(6, h.Layer.ServerCount); // still absorbing retransmissions

        // Unanswered ones still count.
        h.Transport.Deliver(Requests.Make("OPTIONS", "z9hG4bKu1", callId: "u1"));
        h.Transport.Deliver(Requests.Make("OPTIONS", "z9hG4bKu2", callId: "u2"));
        h.Transport.Deliver(Requests.Make("OPTIONS", "z9hG4bKu3", callId: "u3"));
        Assert.Single(h.Transport.SentResponses(503));
    }

    [Fact]
    public void Unparseable_request_is_answered_400_naming_the_header_and_received_rport_are_stamped()
    {
        var h = new TransactionHarness();
        var bad = Encoding.ASCII.GetString(Requests.Make("OPTIONS", "z9hG4bKb1").ToBytes()).Replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE", StringComparison.Ordinal);
        h.Transport.Deliver(Encoding.ASCII.GetBytes(bad));
        var reply = h.Transport.SentResponses(400).Single();
        Assert.Contains("CSeq", reply.ReasonPhrase, StringComparison.Ordinal);
        Assert.Empty(h.Requests);
        Assert.Equal(0, h.Layer.ServerCount);

        var natted = Requests.Make("OPTIONS", "z9hG4bKr1", viaHost: "10.0.0.5:5060").WithHeader(HeaderNames.Via, "SIP/2.0/UDP 10.0.0.5:5060;rport;branch=z9hG4bKr1");
        h.Transport.Deliver(natted);
        var via = h.Requests.Single().Request.TopVia;
        Assert.Equal("192.0.2.50", via.Parameters["received"]);
        Assert.Equal("5070", via.Parameters["rport"]);
    }
}
