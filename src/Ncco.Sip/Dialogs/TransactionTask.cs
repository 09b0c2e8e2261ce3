using Ncco.Sip.Messages;
using Ncco.Sip.Transactions;

namespace Ncco.Sip.Dialogs;

/// <summary>Turns a non-INVITE client transaction into a task of its final response (timeouts become 408, transport failures 503).</summary>
internal sealed class TransactionTask : IClientTransactionUser
{
    private readonly TaskCompletionSource<SipResponse> _final = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<SipResponse> Final => _final.Task;

    public void OnResponse(ClientTransaction transaction, SipResponse response)
    {
        if (!response.IsProvisional)
        {
            _final.TrySetResult(response);
        }
    }

    public void OnFailure(ClientTransaction transaction, int statusCode, string reason) =>
        _final.TrySetResult(SipResponse.For(transaction.Request, statusCode, reason));
}
