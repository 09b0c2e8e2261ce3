using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Http;

namespace Ncco.Host.Tests.Http;

/// <summary>
/// The host's endpoint filters are built once per process, not once per request (the REST hot path runs three of them on
/// every <c>GET /v1/calls/{uuid}</c>).
/// </summary>
public sealed class SingletonEndpointFilterTests
{
    [Fact]
    public async Task A_singleton_filter_is_built_once_and_runs_on_every_request_where_AddEndpointFilter_builds_one_per_request()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<Constructions>();
        builder.Services.AddSingleton<CountingFilter>();
        await using var app = builder.Build();
        app.MapGroup("/once").AddSingletonEndpointFilter<CountingFilter>().MapGet("/{id}", (string id) => "once " + id);
        app.MapGroup("/each").AddEndpointFilter<CountingFilter>().MapGet("/{id}", (string id) => "each " + id);
        await app.StartAsync();
        var constructions = app.Services.GetRequiredService<Constructions>();
        using var client = app.GetTestClient();

        for (var i = 0; i < 3; i++)
        {
            var response = await client.GetAsync($"/once/{i}");
            Assert.Equal("once " + i, await response.Content.ReadAsStringAsync());
            Assert.Equal("ran", Assert.Single(response.Headers.GetValues("x-filter")));
        }
        var built = constructions.Count;
        for (var i = 0; i < 3; i++) await client.GetAsync($"/each/{i}");

        Assert.Equal(1, built);
        // What the framework's AddEndpointFilter<T> does (why the host does not use it on hot paths): one per request.
        Assert.Equal(4, constructions.Count);
        await app.StopAsync();
    }

    private sealed class Constructions
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Add() => Interlocked.Increment(ref _count);
    }

    private sealed class CountingFilter : IEndpointFilter
    {
        public CountingFilter(Constructions constructions) => constructions.Add();

        public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            context.HttpContext.Response.Headers["x-filter"] = "ran";
            return next(context);
        }
    }
}
