using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Ncco.Model;
using Ncco.Webhooks;

namespace Ncco.Testing.Hosting;

/// <summary>
/// One webhook as an in-memory HTTP exchange: the request and response features an ASP.NET pipeline runs on. The
/// response body is kept in one growing buffer, never beyond the transport's limit.
/// </summary>
internal sealed class InProcessExchange : IHttpResponseFeature, IHttpResponseBodyFeature, IHttpRequestLifetimeFeature,
    IHttpRequestBodyDetectionFeature, IHttpBodyControlFeature
{
    private const string SynchronousIoDisallowed = "Synchronous operations are disallowed. Call WriteAsync or set AllowSynchronousIO to true instead.";
    private readonly HeaderDictionary _responseHeaders = new();
    private readonly ResponseBuffer _body;
    private readonly bool _hasBody;
    private List<(Func<object, Task> Callback, object State)>? _onStarting;
    private List<(Func<object, Task> Callback, object State)>? _onCompleted;
    private CancellationTokenSource? _aborted;
    private PipeWriter? _writer;

    public InProcessExchange(WebhookRequest request, long maxResponseBytes)
    {
        var uri = request.Uri;
        _hasBody = request.Method == WebhookMethod.Post;
        var headers = new HeaderDictionary { { "Host", uri.IsDefaultPort ? uri.Host : uri.Authority } };
        foreach (var (k, v) in request.Headers) headers.Append(k, v);
        if (_hasBody)
        {
            headers["Content-Type"] = "application/json";
            headers.ContentLength = request.Body.Length;
        }
        var requestFeature = new HttpRequestFeature
        {
            Protocol = "HTTP/1.1",
            Method = _hasBody ? HttpMethods.Post : HttpMethods.Get,
            Scheme = uri.Scheme,
            PathBase = "",
            Path = PathString.FromUriComponent(uri).Value ?? "",
            QueryString = QueryString.FromUriComponent(uri).Value ?? "",
            RawTarget = uri.PathAndQuery,
            Headers = headers,
            Body = _hasBody ? new MemoryStream(request.Body, writable: false) : Stream.Null,
        };
        _body = new ResponseBuffer(this, maxResponseBytes);
        Features = new FeatureCollection(8);
        Features.Set<IHttpRequestFeature>(requestFeature);
        Features.Set<IHttpResponseFeature>(this);
        Features.Set<IHttpResponseBodyFeature>(this);
        Features.Set<IHttpRequestLifetimeFeature>(this);
        Features.Set<IHttpRequestBodyDetectionFeature>(this);
        Features.Set<IHttpBodyControlFeature>(this);
    }

    public FeatureCollection Features { get; }

    // ---- response ---------------------------------------------------------------------------------------------

    public int StatusCode { get; set; } = 200;

    public string? ReasonPhrase { get; set; }

    public IHeaderDictionary Headers
    {
        get => _responseHeaders;
        set => throw new NotSupportedException("The in-process webhook exchange keeps its own response headers.");
    }

    Stream IHttpResponseFeature.Body
    {
        get => _body;
        set => throw new NotSupportedException("Replace IHttpResponseBodyFeature to wrap the response body.");
    }

    public bool HasStarted { get; private set; }

    public void OnStarting(Func<object, Task> callback, object state)
    {
        if (HasStarted) throw new InvalidOperationException("The response has already started.");
        (_onStarting ??= []).Add((callback, state));
    }

    public void OnCompleted(Func<object, Task> callback, object state) => (_onCompleted ??= []).Add((callback, state));

    public Stream Stream => _body;

    public PipeWriter Writer => _writer ??= PipeWriter.Create(_body, new StreamPipeWriterOptions(leaveOpen: true));

    public void DisableBuffering()
    {
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (HasStarted) return;
        if (_onStarting is { } callbacks)
        {
            // Last registered runs first, as on Kestrel.
            for (var i = callbacks.Count - 1; i >= 0; i--) await callbacks[i].Callback(callbacks[i].State).ConfigureAwait(false);
        }
        HasStarted = true;
        _responseHeaders.IsReadOnly = true;
    }

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(_body, path, offset, count, cancellationToken);

    public async Task CompleteAsync()
    {
        if (_writer is not null) await _writer.CompleteAsync().ConfigureAwait(false);
        await StartAsync().ConfigureAwait(false);
    }

    public async Task FireOnCompletedAsync()
    {
        if (_onCompleted is not { } callbacks) return;
        for (var i = callbacks.Count - 1; i >= 0; i--)
        {
            try
            {
                await callbacks[i].Callback(callbacks[i].State).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // A failing completion callback does not change an answer already given (Kestrel only logs it).
            }
        }
    }

    public WebhookResponse ToResponse()
    {
        if (_body.Overflowed || _responseHeaders.ContentLength > _body.Limit) return WebhookResponse.TooLarge(StatusCode, _body.Limit);
        return new WebhookResponse(StatusCode, _body.Written);
    }

    // ---- request ----------------------------------------------------------------------------------------------

    public CancellationToken RequestAborted
    {
        get => (_aborted ??= new CancellationTokenSource()).Token;
        set => throw new NotSupportedException("The in-process webhook exchange owns its request-aborted token.");
    }

    public void Abort()
    {
        _aborted?.Cancel();
    }

    public bool CanHaveBody => _hasBody;

    public bool AllowSynchronousIO { get; set; }

    /// <summary>The response body: bytes kept up to the limit, the rest counted and dropped.</summary>
    private sealed class ResponseBuffer(InProcessExchange owner, long limit) : Stream
    {
        private byte[] _buffer = [];
        private int _length;

        public long Limit { get; } = limit;

        public bool Overflowed { get; private set; }

        public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (!owner.AllowSynchronousIO) throw new InvalidOperationException(SynchronousIoDisallowed);
            if (!owner.HasStarted) owner.StartAsync().GetAwaiter().GetResult();
            Append(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (owner.HasStarted)
            {
                Append(buffer.Span);
                return ValueTask.CompletedTask;
            }
            return StartThenWriteAsync(buffer, cancellationToken);
        }

        private async ValueTask StartThenWriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
        {
            await owner.StartAsync(cancellationToken).ConfigureAwait(false);
            Append(buffer.Span);
        }

        public override void Flush()
        {
            if (!owner.AllowSynchronousIO) throw new InvalidOperationException(SynchronousIoDisallowed);
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => owner.HasStarted ? Task.CompletedTask : owner.StartAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private void Append(ReadOnlySpan<byte> data)
        {
            if (Overflowed) return;
            if (_length + (long)data.Length > Limit)
            {
                // Over the limit: keep nothing more (the answer becomes TooLarge), as the HTTP transport stops reading.
                Overflowed = true;
                _buffer = [];
                _length = 0;
                return;
            }
            if (_length + data.Length > _buffer.Length)
            {
                var size = (int)Math.Min(Limit, Math.Max(Math.Max(256, _buffer.Length * 2L), _length + (long)data.Length));
                Array.Resize(ref _buffer, size);
            }
            data.CopyTo(_buffer.AsSpan(_length));
            _length += data.Length;
        }
    }
}
