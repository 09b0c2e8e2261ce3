using System.Globalization;
using Ncco.Control;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Model.Endpoints;
using Ncco.Testing;
using Ncco.Testing.Hosting;

namespace Ncco.Vm.Tests;

/// <summary>Reference §1.5.2 and the human/machine rows of §2.3: answering-machine detection modes and behaviours.</summary>
public class MachineDetectionTests
{
    private static CreateCallRequest Call(NccoBuilder ncco, MachineDetectionMode mode, MachineDetectionBehavior behavior = MachineDetectionBehavior.Continue, int? beepTimeout = null) =>
        new(CallEndpoint.Phone("447700900123"))
        {
            Ncco = ncco.Build(),
            AdvancedMachineDetection = new AdvancedMachineDetection { Behavior = behavior, Mode = mode, BeepTimeout = beepTimeout },
        };

    private static DateTimeOffset At(WebhookCall e) => DateTimeOffset.Parse(e.Field("timestamp")!, CultureInfo.InvariantCulture);

    private static List<WebhookCall> Amd(WebhookApp app, string uuid) =>
        app.StatusEvents(uuid).Where(e => e.Status is "human" or "machine").ToList();

    [Fact]
    public async Task Detect_beep_holds_the_ncco_until_the_beep_and_reports_the_verdict_then_beep_start()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create().Talk("unused"));
        await using var _s = sim;
        var party = await sim.CreateCallAsync(Call(NccoBuilder.Create().Talk("Please call us back"), MachineDetectionMode.DetectBeep));
        await party.AnswerAsync();
        await party.DetectedAsMachineAsync();
        await party.StaysSilentAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(party.Heard); // synchronous: the NCCO waits for the beep as well
        await party.BeepsAsync();
        await party.HearsAsync("call us back");
        var events = Amd(app, party.Uuid);
        Assert.Equal(["machine", "machine"], events.Select(e => e.Status));
        Assert.Null(events[0].Field("sub_state"));
        Assert.Equal("beep_start", events[1].Field("sub_state"));
        Assert.All(events, e => Assert.Equal(party.Uuid, e.Field("call_uuid")));
        Assert.All(events, e => Assert.Null(e.Field("uuid")));
    }

    [Fact]
    public async Task Detect_beep_without_a_beep_reports_beep_timeout_after_beep_timeout_seconds_then_runs_the_ncco()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create().Talk("unused"));
        await using var _s = sim;
        var party = await sim.CreateCallAsync(Call(NccoBuilder.Create().Talk("Please call us back"), MachineDetectionMode.DetectBeep, beepTimeout: 50));
        await party.AnswerAsMachineAsync(beep: false);
        await party.HearsAsync("call us back");
        var events = Amd(app, party.Uuid);
        Assert.Equal(2, events.Count);
        Assert.Null(events[0].Field("sub_state"));
        Assert.Equal("beep_timeout", events[1].Field("sub_state"));
        Assert.Equal(TimeSpan.FromSeconds(50), At(events[1]) - At(events[0]));
    }

    [Fact]
    public async Task Detect_mode_reports_only_the_verdict_even_when_a_beep_is_heard()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create().Talk("unused"));
        await using var _s = sim;
        var party = await sim.CreateCallAsync(Call(NccoBuilder.Create().Talk("Please call us back"), MachineDetectionMode.Detect));
        await party.AnswerAsMachineAsync(beep: true);
        await party.HearsAsync("call us back");
        var machine = Assert.Single(Amd(app, party.Uuid));
        Assert.Equal("machine", machine.Status);
        Assert.Null(machine.Field("sub_state"));
    }

    [Fact]
    public async Task Default_mode_runs_the_ncco_at_answer_and_an_ncco_answering_the_beep_event_replaces_the_flow()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", NccoBuilder.Create().Talk("unused").Build())
            .Map("/webhooks/event", r => r.Status == "machine" && r.Field("sub_state") == "beep_start"
                ? NccoBuilder.Create().Talk("Message after the beep").Build()
                : null);
        await using var sim = VoiceSimulator.Start(app);
        var party = await sim.CreateCallAsync(Call(NccoBuilder.Create().Talk("This is your reminder").Wait(60), MachineDetectionMode.Default));
        await party.AnswerAsync();
        await party.HearsAsync("your reminder"); // asynchronous: no verdict yet
        Assert.Empty(Amd(app, party.Uuid));
        await party.DetectedAsMachineAsync();
        await party.BeepsAsync();
        await party.HearsAsync("Message after the beep");
        var events = Amd(app, party.Uuid);
        Assert.Equal([null, "beep_start"], events.Select(e => e.Field("sub_state")));
        Assert.All(events, e => Assert.Equal("machine", e.Status));
    }

    [Fact]
    public async Task Default_mode_on_a_connect_bridges_at_answer_and_reports_human_later_without_beep_events()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create()
            .Connect(CallEndpoint.Phone("447700900099"), advancedMachineDetection: new AdvancedMachineDetection { Mode = MachineDetectionMode.Default }));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        var agent = await sim.ExpectOutboundCallAsync();
        await agent.AnswerAsync();
        await call.SaysAsync("hi agent");
        await agent.HearsPartyAsync(call, "hi agent");
        Assert.Empty(Amd(app, agent.Uuid));
        await agent.DetectedAsHumanAsync();
        await agent.StaysSilentAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(["human"], Amd(app, agent.Uuid).Select(e => e.Status));
    }

    [Fact]
    public async Task Default_mode_with_hangup_ends_a_running_call_when_the_machine_is_detected()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create().Talk("unused"));
        await using var _s = sim;
        var party = await sim.CreateCallAsync(Call(NccoBuilder.Create().Talk("This is your reminder").Wait(60), MachineDetectionMode.Default, MachineDetectionBehavior.Hangup));
        await party.AnswerAsync();
        await party.HearsAsync("your reminder");
        await party.DetectedAsMachineAsync();
        await party.EndsAsync();
        Assert.Equal(["started", "ringing", "answered", "machine", "completed"], app.Statuses(party.Uuid));
        Assert.Equal("platform", app.StatusEvents(party.Uuid).Last().Field("disconnected_by"));
    }

    [Fact]
    public async Task Without_a_verdict_the_call_is_human_at_the_deadline_and_the_ncco_then_runs()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create().Talk("unused"));
        await using var _s = sim;
        var party = await sim.CreateCallAsync(new CreateCallRequest(CallEndpoint.Phone("447700900123"))
        {
            Ncco = NccoBuilder.Create().Talk("Hello there").Build(),
            MachineDetection = MachineDetectionBehavior.Hangup,
        });
        await party.AnswerAsync();
        await party.HearsAsync("Hello there");
        var answered = app.StatusEvents(party.Uuid).Single(e => e.Status == "answered");
        var human = Assert.Single(Amd(app, party.Uuid));
        Assert.Equal("human", human.Status);
        Assert.Equal(TimeSpan.FromSeconds(5), At(human) - At(answered));
        Assert.Equal(["started", "ringing", "answered", "human", "completed"], app.Statuses(party.Uuid));
    }
}
