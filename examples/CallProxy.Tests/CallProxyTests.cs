using Ncco.Testing;

namespace CallProxy.Tests;

public class CallProxyTests
{
    private static Task<VoiceSimulator> StartAsync() => VoiceSimulator.StartAsync<Program>();

    [Fact]
    public async Task Customer_is_connected_to_the_courier_with_the_virtual_number_shown()
    {
        await using var sim = await StartAsync();
        var customer = await sim.CallAsync(from: "447700900001", to: "447700900100");
        await customer.HearsAsync("Connecting you to your courier");
        var courier = await sim.ExpectOutboundCallAsync(to: "447700900200");
        Assert.Equal("447700900100", courier.Leg.From); // masked
        await courier.AnswerAsync();
        await customer.SaysAsync("Where is my parcel?");
        await courier.HearsPartyAsync(customer, "Where is my parcel");
        await courier.SaysAsync("Two minutes away");
        await customer.HearsPartyAsync(courier, "Two minutes away");
        await courier.HangUpAsync();
        await customer.HearsAsync("Your call has ended");
        await customer.EndsAsync();
    }

    [Fact]
    public async Task Busy_courier_falls_back_to_the_depot()
    {
        await using var sim = await StartAsync();
        var customer = await sim.CallAsync(from: "447700900001", to: "447700900100");
        var courier = await sim.ExpectOutboundCallAsync(to: "447700900200");
        await courier.BusyAsync();
        await courier.ReceivedEventAsync("busy");
        await customer.HearsAsync("Connecting you to the depot");
        var depot = await sim.ExpectOutboundCallAsync(to: "447700900999");
        await depot.AnswerAsync();
        await depot.SaysAsync("Depot here");
        await customer.HearsPartyAsync(depot, "Depot here");
        await customer.HangUpAsync();
        await depot.EndsAsync();
        await customer.Not.HearsAsync("Your call has ended");
        await depot.ReceivedEventAsync("completed");
    }

    [Fact]
    public async Task Courier_not_answering_times_out_after_20_seconds_then_depot()
    {
        await using var sim = await StartAsync();
        var customer = await sim.CallAsync(from: "447700900001", to: "447700900100");
        await sim.ExpectOutboundCallAsync(to: "447700900200");
        await customer.HearsAsync("Connecting you to the depot");
        var timeoutEvent = await sim.WebhookAsync(where: w => w.Status == "timeout");
        Assert.Equal("+00:22.000", timeoutEvent.RelativeTime); // 2 s greeting + 20 s ringing
    }

    [Fact]
    public async Task Unknown_number_is_not_in_service()
    {
        await using var sim = await StartAsync();
        var caller = await sim.CallAsync(from: "447700900001", to: "447700900555");
        await caller.HearsAsync("not in service");
        await caller.EndsAsync();
    }
}
