using System.Diagnostics;
using System.Net.Http.Json;
using Ncco.Testing;

namespace Ncco.Vm.Tests;

/// <summary>
/// The simulator drives a webhook app in another language over real HTTP on loopback: a small Node server (no npm
/// packages), started per test class. Virtual time still waits for every real request in flight.
/// </summary>
public sealed class NodeAppTests : IAsyncLifetime
{
    private Process _node = null!;
    private Uri _baseUrl = null!;

    public async Task InitializeAsync()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "NodeApp", "pizza.mjs");
        var start = new ProcessStartInfo("node", [script]) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        _node = Process.Start(start) ?? throw new InvalidOperationException("could not start node (is Node.js installed?)");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await _node.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("node exited before listening");
        _baseUrl = new Uri($"http://127.0.0.1:{line.Split(' ')[1]}/");
    }

    public async Task DisposeAsync()
    {
        _node.StandardInput.Close();
        if (!_node.WaitForExit(TimeSpan.FromSeconds(10))) _node.Kill();
        _node.Dispose();
        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_node_app_over_real_http_takes_an_order()
    {
        await using var sim = VoiceSimulator.Start(_baseUrl, app => app.AnswerUrl("/answer").EventUrl("/event"));

        var call = await sim.CallAsync(from: "447700900001", to: "447700900000");
        await call.HearsAsync("Hello 447700900001. Press 1 for a margherita");
        await call.PressAsync("2");
        await call.HearsAsync("One pepperoni is on its way.");
        await call.EndsAsync();

        using var http = new HttpClient();
        var statuses = await http.GetFromJsonAsync<string[]>(new Uri(_baseUrl, "/events"));
        Assert.Equal(["started", "ringing", "answered", "completed"], statuses!.Where(s => s is not null));
    }

    [Fact]
    public async Task Silence_times_out_on_virtual_time_even_with_a_real_server()
    {
        await using var sim = VoiceSimulator.Start(_baseUrl, app => app.AnswerUrl("/answer").EventUrl("/event"));

        var call = await sim.CallAsync(from: "447700900002", to: "447700900000");
        await call.HearsAsync("Press 1 for a margherita");
        await call.StaysSilentAsync(TimeSpan.FromSeconds(10));
        await call.HearsAsync("Sorry, I did not get that.");
    }
}
