using System.Runtime.CompilerServices;
using Ncco.Sip.Messages;
using Ncco.Sip.Tests.Support;
using Ncco.Sip.Transactions;

namespace Ncco.Sip.Tests.Transactions;

/// <summary>
/// A server transaction that has answered finally lingers (timers J and L, 32 s over UDP) only to absorb retransmissions:
/// it keeps its key and, where it may resend, the final response's bytes — not the parsed request or response (issue 19).
/// </summary>
public sealed class ServerTransactionTombstoneTests
{
    [Fact]
    public void Accepted_invite_transaction_lets_go_of_request_and_2xx_yet_absorbs_copies_and_hands_acks_to_the_tu()
    {
        var h = new TransactionHarness();
        var invite = Requests.Make("INVITE", "z9hG4bKt1", body: UaHarness.Offer, contentType: "application/sdp");
        h.Transport.Deliver(invite);
        var tx = h.Requests.Single();
        var (request, response) = AnswerAndForget(tx, 200);

        Assert.Equal(TransactionState.Accepted, tx.State);
        Assert.True(tx.HasFinalResponse);
        Assert.Equal(200, tx.LastStatusCode);
        Assert.Null(tx.LastResponse);
        Assert.False(tx.HoldsRequest);
        var error = Assert.Throws<InvalidOperationException>(() => tx.Request);
        Assert.Contains("answered finally", error.Message, StringComparison.Ordinal);
        Collect();
        Assert.False(request.IsAlive, "the parsed INVITE outlived its final response");
        Assert.False(response.IsAlive, "the 2xx outlived its sending");
        Assert.Equal(1, h.Layer.ServerCount);

        // RFC 6026 §8.7: copies of the INVITE are absorbed (not new requests, nothing resent: the TU repeats the 2xx)…
        h.Transport.Deliver(invite);
        h.Transport.Deliver(invite);
        Assert.Single(h.Requests);
        Assert.Single(h.Transport.SentResponses(200));
        Assert.Single(h.Transport.SentResponses(100));
        // …an ACK on the INVITE's branch still reaches the TU (§7.1), and timer L still ends it.
        h.Transport.Deliver(Requests.Make("ACK", "z9hG4bKt1", toTag: "totag"));
        Assert.Single(h.Acks);
        h.At(32.1);
        Assert.Equal(0, h.Layer.ServerCount);
        Assert.Equal(0, tx.TimerCount);
    }

    [Fact]
    public void Failed_invite_transaction_keeps_only_the_failure_bytes_and_still_resends_and_matches_the_ack()
    {
        var h = new TransactionHarness();
        var invite = Requests.Make("INVITE", "z9hG4bKt2");
        h.Transport.Deliver(invite);
        var tx = h.Requests.Single();
        var (request, _) = AnswerAndForget(tx, 486);
        Assert.Equal(TransactionState.Completed, tx.State);
        Collect();
        Assert.False(request.IsAlive);

        h.Transport.Deliver(invite); // a copy gets the failure again
        h.At(0.5); // timer G
        var resent = h.Transport.SentResponses(486);
        Assert.Equal(3, resent.Count);
        Assert.All(resent, r => Assert.Equal("z9hG4bKt2", r.TopVia.Branch));

        h.Transport.Deliver(Requests.Make("ACK", "z9hG4bKt2", toTag: "totag"));
        Assert.Equal(TransactionState.Confirmed, tx.State);
        Assert.Empty(h.Acks); // absorbed by the transaction, as before
        h.At(5.1); // timer I
        Assert.Equal(TransactionState.Terminated, tx.State);
        Assert.Equal(0, h.Layer.ServerCount);
    }

    [Fact]
    public void Completed_non_invite_transaction_resends_its_final_from_bytes_alone()
    {
        var h = new TransactionHarness();
        var bye = Requests.Make("BYE", "z9hG4bKt3", toTag: "totag", cseq: 2);
        h.Transport.Deliver(bye);
        var tx = h.Requests.Single();
        var (request, response) = AnswerAndForget(tx, 200);
        Collect();
        Assert.False(request.IsAlive);
        Assert.False(response.IsAlive);

        h.Transport.Deliver(bye);
        h.Transport.Deliver(bye);
        Assert.Single(h.Requests);
        var sent = h.Transport.SentResponses(200);
        Assert.Equal(3, sent.Count);
        Assert.All(sent, r => Assert.Equal(2, r.CSeq.Number));
        h.At(32.1); // timer J
        Assert.Equal(0, h.Layer.ServerCount);
    }

    [Fact]
    public void A_provisional_response_keeps_the_request_for_the_final_one()
    {
        var h = new TransactionHarness();
        h.Transport.Deliver(Requests.Make("INVITE", "z9hG4bKt4"));
        var tx = h.Requests.Single();
        tx.Respond(Requests.Reply(tx.Request, 180));
        Assert.True(tx.HoldsRequest);
        Assert.Equal(180, tx.LastResponse?.StatusCode);
        Assert.False(tx.HasFinalResponse);
        tx.Respond(Requests.Reply(tx.Request, 200));
        Assert.False(tx.HoldsRequest);
        // A second final response is ignored, as before (and cannot need the request).
        tx.Respond(new SipResponse { StatusCode = 500 });
        Assert.Empty(h.Transport.SentResponses(500));
    }

    [Fact]
    public void Many_accepted_transactions_hold_no_parsed_message_each()
    {
        // Bound by object identity rather than bytes (tests run in parallel in one process, so heap totals are noise):
        // 200 calls' worth of accepted INVITE transactions, every request and 2xx of which must be collectable.
        var h = new TransactionHarness();
        var kept = new List<WeakReference>();
        for (var i = 0; i < 200; i++)
        {
            h.Transport.Deliver(Requests.Make("INVITE", $"z9hG4bKmany{i}", callId: $"call-{i}", body: UaHarness.Offer, contentType: "application/sdp"));
            var (request, response) = AnswerAndForget(h.Requests[^1], 200);
            kept.Add(request);
            kept.Add(response);
        }
        Collect();
        Assert.Equal(200, h.Layer.ServerCount);
        Assert.Equal(0, kept.Count(w => w.IsAlive));
    }

    // Not inlined, so no local of the caller's frame keeps the request or response alive for the GC checks.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Request, WeakReference Response) AnswerAndForget(ServerTransaction tx, int status)
    {
        var request = tx.Request;
        var response = Requests.Reply(request, status);
        tx.Respond(response);
        return (new WeakReference(request), new WeakReference(response));
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
