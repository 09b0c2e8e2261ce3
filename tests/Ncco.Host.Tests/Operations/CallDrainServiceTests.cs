using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ncco.Host.Calls;
using Ncco.Host.Operations;

namespace Ncco.Host.Tests.Operations;

public sealed class CallDrainServiceTests
{
    private readonly FakeLiveCalls _calls = new();

    [Fact]
    public async Task Calls_that_end_within_the_budget_are_not_hung_up()
    {
        _calls.SetActive(2);
        var service = Create(TimeSpan.FromSeconds(10));

        var stopping = service.StoppingAsync(CancellationToken.None);
        await Task.Delay(250);
        Assert.True(_calls.IsDraining);
        Assert.False(stopping.IsCompleted);
        _calls.SetActive(0);
        await stopping.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(0, _calls.HangupAllCalls);
    }

    [Fact]
    public async Task Calls_still_up_after_the_budget_are_hung_up()
    {
        _calls.SetActive(1);
        var service = Create(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        await service.StoppingAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(_calls.IsDraining);
        Assert.Equal(1, _calls.HangupAllCalls);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task The_hosts_shutdown_token_cuts_the_wait_short_but_still_hangs_up()
    {
        _calls.SetActive(1);
        var service = Create(TimeSpan.FromMinutes(10));
        using var shutdown = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await service.StoppingAsync(shutdown.Token).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(1, _calls.HangupAllCalls);
    }

    [Fact]
    public async Task Zero_budget_hangs_up_at_once_and_stop_after_stopping_does_nothing_more()
    {
        _calls.SetActive(3);
        var service = Create(TimeSpan.Zero);

        await service.StoppingAsync(CancellationToken.None);
        await service.StopAsync(CancellationToken.None);

        Assert.Equal(1, _calls.HangupAllCalls);
    }

    [Fact]
    public async Task Without_live_calls_there_is_nothing_to_drain()
    {
        var service = new CallDrainService(new ServiceCollection().BuildServiceProvider(), Options.Create(new ShutdownOptions()), TimeProvider.System, NullLogger<CallDrainService>.Instance);

        await service.StoppingAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task The_host_shutdown_timeout_covers_the_drain_budget()
    {
        await using var host = await TestHostFixture.StartAsync(extraArgs: ["--Ncco:Shutdown:DrainTimeout=00:01:00"], configure: b => b.AddNccoOperability());

        Assert.Equal(TimeSpan.FromSeconds(65), host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    [Fact]
    public async Task Stopping_the_host_drains_live_calls()
    {
        var host = await TestHostFixture.StartAsync(extraArgs: ["--Ncco:Shutdown:DrainTimeout=00:00:00.2"], configure: b =>
        {
            b.AddNccoOperability();
            b.Services.AddSingleton<ILiveCalls>(_calls);
        });
        _calls.SetActive(1);

        await host.DisposeAsync();

        Assert.True(_calls.IsDraining);
        Assert.Equal(1, _calls.HangupAllCalls);
    }

    private CallDrainService Create(TimeSpan budget) =>
        new(new ServiceCollection().AddSingleton<ILiveCalls>(_calls).BuildServiceProvider(), Options.Create(new ShutdownOptions { DrainTimeout = budget }),
            TimeProvider.System, NullLogger<CallDrainService>.Instance);
}
