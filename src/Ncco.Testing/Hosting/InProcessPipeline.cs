using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Hosting.Server;
using Ncco.Webhooks;

namespace Ncco.Testing.Hosting;

/// <summary>
/// Delivers a webhook by running the app's own request pipeline (the <see cref="IHttpApplication{TContext}"/> the host
/// gave its server) on an in-memory request: no HTTP client, no test-server handler chain, no thread hand-off. An app
/// that answers without waiting answers on the caller's thread, so the simulator's step never has to wait for it.
/// </summary>
/// <remarks>
/// What the app sees is what a request through <c>TestServer</c>'s client gives it: method, scheme, host, path, query,
/// the webhook's headers, <c>Content-Type: application/json</c> and <c>Content-Length</c> with the body for POST, a
/// request-aborted token that fires when the simulator's guard gives up on the answer, OnStarting/OnCompleted
/// callbacks, and synchronous I/O disallowed. What the simulator sees is what <see cref="HttpWebhookTransport"/>
/// would return: the status and the body, bounded to <see cref="HttpWebhookTransport.DefaultMaxResponseBytes"/>
/// (<see cref="WebhookFailure.TooLarge"/> beyond it), <see cref="WebhookResponse.TimedOut"/> when the app does not
/// answer within the request's timeout, and an exception the app's pipeline lets escape thrown to the caller, as the
/// test server's client throws it (the simulator logs it and treats it as a 500).
/// </remarks>
internal abstract class InProcessPipeline
{
    public abstract Task<WebhookResponse> SendAsync(WebhookRequest request, long maxResponseBytes, CancellationToken cancellationToken);
}

/// <inheritdoc />
internal sealed class InProcessPipeline<TContext>(IHttpApplication<TContext> application) : InProcessPipeline where TContext : notnull
{
    // An async method, so whatever the app sets in async-locals while it runs (IHttpContextAccessor) stays with it.
    public override async Task<WebhookResponse> SendAsync(WebhookRequest request, long maxResponseBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var exchange = new InProcessExchange(request, maxResponseBytes);
        var context = application.CreateContext(exchange.Features);
        Task processing;
        try
        {
            processing = application.ProcessRequestAsync(context);
        }
        catch (Exception e)
        {
            processing = Task.FromException(e);
        }
        if (!processing.IsCompleted)
        {
            try
            {
                await processing.WaitAsync(request.Timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                exchange.Abort();
                _ = DisposeWhenDoneAsync(processing, context, exchange);
                return WebhookResponse.TimedOut;
            }
            catch (OperationCanceledException) when (!processing.IsCompleted)
            {
                exchange.Abort();
                _ = DisposeWhenDoneAsync(processing, context, exchange);
                throw;
            }
            catch
            {
                // The app's own failure: handled below from the task.
            }
        }
        Exception? error = processing.Exception?.InnerException;
        if (error is null && processing.IsCanceled) error = new OperationCanceledException("The app's request pipeline was canceled.");
        if (error is null)
        {
            try
            {
                await exchange.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                error = e;
            }
        }
        await exchange.FireOnCompletedAsync().ConfigureAwait(false);
        application.DisposeContext(context, error);
        if (error is not null)
        {
            // As HttpWebhookTransport reports them: an I/O failure is a broken connection; anything else is the app's bug.
            if (error is IOException or HttpRequestException) return WebhookResponse.ConnectionFailed;
            ExceptionDispatchInfo.Throw(error);
        }
        return exchange.ToResponse();
    }

    private async Task DisposeWhenDoneAsync(Task processing, TContext context, InProcessExchange exchange)
    {
        Exception? error = null;
        try
        {
            await processing.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error = e;
        }
        await exchange.FireOnCompletedAsync().ConfigureAwait(false);
        application.DisposeContext(context, error);
    }
}
