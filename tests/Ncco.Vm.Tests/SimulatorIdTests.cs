using System.Collections.Concurrent;
using Ncco.Testing;
using Ncco.Testing.Hosting;

namespace Ncco.Vm.Tests;

/// <summary>Uuids are deterministic per simulator and never collide between simulators sharing an app.</summary>
public class SimulatorIdTests
{
    // An app that keeps state by call uuid, as real apps do: the caller's number from the answer webhook, read back
    // when the input result of the same uuid arrives.
    private static WebhookApp StatefulApp()
    {
        var callers = new ConcurrentDictionary<string, string>();
        return new WebhookApp()
            .Map("/webhooks/answer", r =>
            {
                callers[r.Field("uuid")!] = r.Field("from")!;
                return """[{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1},"eventUrl":["https://app.example/key"]}]""";
            })
            .Map("/key", r => $$"""[{"action":"talk","text":"Hello {{callers[r.Field("uuid")!]}}"}]""")
            .Map("/webhooks/event", _ => null);
    }

    [Fact]
    public async Task Two_simulators_sharing_an_app_get_different_uuids_and_the_app_keeps_their_calls_apart()
    {
        var app = StatefulApp();
        await using var first = VoiceSimulator.Start(app);
        await using var second = VoiceSimulator.Start(app);
        var alice = await first.CallAsync("447700900001", "447700900000");
        var bob = await second.CallAsync("447700900002", "447700900000");
        Assert.NotEqual(alice.Uuid, bob.Uuid);
        Assert.NotEqual(alice.ConversationUuid, bob.ConversationUuid);
        await alice.PressAsync("1");
        await bob.PressAsync("1");
        await alice.HearsAsync("Hello 447700900001");
        await bob.HearsAsync("Hello 447700900002");
        Assert.Equal("aaaaaaaa-0000-4000-8000-000000000001", alice.Uuid); // the first simulator on an app: seed 0
        Assert.Equal("aaaaaaaa-0000-4001-8000-000000000001", bob.Uuid);
    }

    [Fact]
    public async Task A_seed_gives_the_same_ids_every_run_and_is_a_valid_uuid()
    {
        async Task<string> Run()
        {
            await using var sim = VoiceSimulator.Start(StatefulApp(), o => o.IdSeed = 0x1234567);
            var call = await sim.CallAsync("447700900001", "447700900000");
            return call.Uuid + " " + call.ConversationUuid;
        }
        var a = await Run();
        Assert.Equal(a, await Run());
        Assert.Equal("aaaaaaaa-1234-4567-8000-000000000001", a.Split(' ')[0]);
        Assert.True(Guid.TryParse(a.Split(' ')[0], out var g));
        Assert.Equal(4, g.Version);
    }

    [Fact]
    public void An_out_of_range_seed_is_refused_naming_the_option()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => VoiceSimulator.Start(StatefulApp(), o => o.IdSeed = -1));
        Assert.Equal("IdSeed", e.ParamName);
        Assert.Contains("SimulatorOptions.IdSeed must be between 0 and 268,435,455", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_runtime_sequential_generator_is_the_simulator_generator_seed_zero_is_the_parameterless_one()
    {
        var plain = new Ncco.Scheduling.SequentialIdGenerator();
        var zero = new Ncco.Scheduling.SequentialIdGenerator(0);
        var seeded = new Ncco.Scheduling.SequentialIdGenerator(Ncco.Scheduling.SequentialIdGenerator.MaxSeed);
        Assert.Equal("aaaaaaaa-0000-4000-8000-000000000001", plain.NewId(Ncco.Scheduling.IdKind.Leg));
        Assert.Equal("aaaaaaaa-0000-4000-8000-000000000001", zero.NewId(Ncco.Scheduling.IdKind.Leg));
        Assert.Equal("cccccccc-0000-4000-8000-000000000001", zero.NewId(Ncco.Scheduling.IdKind.Conversation));
        Assert.Equal("aaaaaaaa-ffff-4fff-8000-000000000001", seeded.NewId(Ncco.Scheduling.IdKind.Leg));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ncco.Scheduling.SequentialIdGenerator(Ncco.Scheduling.SequentialIdGenerator.MaxSeed + 1));
    }
}
