using Ncco.Sip.Messages;
using Ncco.Sip.Transactions;

namespace Ncco.Sip.Dialogs;

/// <summary>Turns a client transaction into a task of its final response (timeouts become 408, transport failures 503).</summary>
internal sealed class TransactionTask(Action<SipRequest, SipResponse>? onFinal = null) : IClientTransactionUser
{
    private readonly TaskCompletionSource<SipResponse> _final = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<SipResponse> Final => _final.Task;

    public void OnResponse(ClientTransaction transaction, SipResponse response)
    {
        if (!response.IsProvisional)
        {
            Complete(transaction.Request, response);
        }
    }

    public void OnFailure(ClientTransaction transaction, int statusCode, string reason) =>
        Complete(transaction.Request, SipResponse.For(transaction.Request, statusCode, reason));

    /// <summary>Completes without a transaction (the request could not even be sent). Call under the stack lock.</summary>
    public SipResponse Fail(SipRequest request, int statusCode, string reason)
    {
        var response = SipResponse.For(request, statusCode, reason);
        Complete(request, response);
        return response;
    }

    private void Complete(SipRequest request, SipResponse response)
    {
        // The callback runs under the stack lock, before any awaiting code, so state it updates is current when they resume.
        if (!_final.Task.IsCompleted)
        {
            onFinal?.Invoke(request, response);
        }
        _final.TrySetResult(response);
    }
}
