using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ncco.Testing.Hosting;

namespace Ncco.Scenarios.Tests.Support;

/// <summary>
/// A minimal ASP.NET app served in process the way <c>InProcessApp</c> serves one: a <see cref="TestServer"/> behind a
/// <see cref="PipelineServer"/>, so once started its request pipeline can be called directly.
/// </summary>
internal static class PipelineApp
{
    /// <summary>A slim app without log providers, ready for its endpoints to be mapped.</summary>
    public static WebApplication Create()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(sp => new TestServer(sp));
        builder.Services.AddSingleton<IServer>(sp => new PipelineServer(sp.GetRequiredService<TestServer>()));
        return builder.Build();
    }

    /// <summary>The request pipeline of an app made by <see cref="Create"/>, once it has started.</summary>
    public static InProcessPipeline Pipeline(WebApplication app) =>
        ((PipelineServer)app.Services.GetRequiredService<IServer>()).Pipeline
            ?? throw new InvalidOperationException("the app has not started, so its pipeline is not there yet");
}
