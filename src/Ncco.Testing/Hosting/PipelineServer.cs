using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;

namespace Ncco.Testing.Hosting;

/// <summary>
/// The in-process app's server: the <see cref="TestServer"/> (for <see cref="InProcessApp.CreateClient"/>), which also
/// hands the app's request pipeline to the simulator when the host starts it, so webhooks can be delivered by calling
/// that pipeline directly (<see cref="InProcessPipeline"/>) instead of through an HTTP client and the test server's
/// request thread.
/// </summary>
internal sealed class PipelineServer(TestServer inner) : IServer
{
    /// <summary>The app's request pipeline, once the host has started the server.</summary>
    public InProcessPipeline? Pipeline { get; private set; }

    public IFeatureCollection Features => ((IServer)inner).Features;

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull
    {
        Pipeline = new InProcessPipeline<TContext>(application);
        return ((IServer)inner).StartAsync(application, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => ((IServer)inner).StopAsync(cancellationToken);

    // The test server is a service of its own and the container disposes it.
    public void Dispose()
    {
    }
}
