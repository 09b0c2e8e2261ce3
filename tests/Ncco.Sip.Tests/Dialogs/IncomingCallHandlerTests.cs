using Ncco.Sip.Dialogs;
using Ncco.Sip.Sdp;
using Ncco.Sip.Tests.Support;

namespace Ncco.Sip.Tests.Dialogs;

/// <summary><see cref="SipUserAgentOptions.IncomingCallHandler"/>: new calls handed over as they are read, not queued.</summary>
public sealed class IncomingCallHandlerTests
{
    private static readonly LocalMedia AliceMedia = new("127.0.0.1", 40000);
    private static readonly LocalMedia BobMedia = new("127.0.0.1", 40002);

    [Fact]
    public async Task A_handler_gets_each_new_call_on_the_thread_that_read_it_and_the_accept_queue_stays_empty()
    {
        var handed = new TaskCompletionSource<(IncomingCall Call, bool OnPool, long Now)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var pair = new LoopbackPair(bob: new SipUserAgentOptions
        {
            User = "bob",
            IncomingCallHandler = c => handed.TrySetResult((c, Thread.CurrentThread.IsThreadPoolThread, TimeProvider.System.GetTimestamp())),
        });
        var call = await pair.Alice.CallAsync(pair.BobUri(), AliceMedia);

        var (incoming, onPool, now) = await handed.Task.WaitAsync(LoopbackPair.Wait);
        // The UDP transport's own receive thread, not a pool thread that a queue's reader would have waited for.
        Assert.False(onPool);
        Assert.InRange(incoming.Received, 1, now);
        // Handed over, not also queued: a reader of the queue would take the same call a second time.
        using (var nothing = new CancellationTokenSource(TimeSpan.FromMilliseconds(200)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pair.Bob.AcceptAsync(nothing.Token));
        }

        // The call it got is a call like any other: answered with SDP, hung up.
        incoming.Answer(BobMedia);
        Assert.Equal(200, (await call.Completion.WaitAsync(LoopbackPair.Wait)).StatusCode);
        await call.HangupAsync().WaitAsync(LoopbackPair.Wait);
        Assert.Equal(CallEndReason.RemoteHangup, (await incoming.Ended.WaitAsync(LoopbackPair.Wait)).Reason);
    }
}
