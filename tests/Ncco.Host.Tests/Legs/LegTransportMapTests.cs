using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Ncco.Host.Browser;
using Ncco.Host.Legs;
using Ncco.Host.Legs.Sip;
using Ncco.Host.Legs.WebSockets;
using Ncco.Legs;
using Ncco.Model.Endpoints;
using Ncco.Webhooks;

namespace Ncco.Host.Tests.Legs;

/// <summary>
/// The endpoint-type → transport map without a running host: every registration order gives the same map, one endpoint
/// type has one transport (a second is an error naming both, a replacement wins whatever the order), and the dialer a
/// VM gets sends each leg to its type's transport.
/// </summary>
public sealed class LegTransportMapTests
{
    private static readonly Dictionary<string, Action<WebApplicationBuilder>> Transports = new()
    {
        ["websockets"] = b => b.AddNccoWebSockets(),
        ["sip"] = b => b.AddNccoSip(),
        ["browser"] = b => b.AddNccoBrowserPhone(),
    };

    public static TheoryData<string[]> Orders()
    {
        var data = new TheoryData<string[]>();
        foreach (var a in Transports.Keys)
            foreach (var b in Transports.Keys.Where(k => k != a))
                foreach (var c in Transports.Keys.Where(k => k != a && k != b))
                    data.Add([a, b, c]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task Every_order_of_the_transport_registrations_before_or_after_the_host_builds_the_same_map(string[] order)
    {
        foreach (var hostFirst in new[] { false, true })
        {
            var builder = Builder("--Ncco:Sip:Trunks:0:Name=carrier", "--Ncco:Sip:Trunks:0:Address=127.0.0.1");
            if (hostFirst) builder.AddNccoHost();
            foreach (var name in order) Transports[name](builder);
            if (!hostFirst) builder.AddNccoHost();
            await using var app = builder.Build();
            var map = app.Services.GetRequiredService<LegTransportMap>();

            Assert.Equal(["app", "phone", "sip", "websocket"], map.RoutableEndpointTypes);
            Assert.Equal(typeof(BrowserPhoneLegTransport), map.RegistrationFor("app")!.TransportType);
            Assert.Equal(typeof(SipLegTransport), map.RegistrationFor("phone")!.TransportType);
            Assert.Equal(typeof(SipLegTransport), map.RegistrationFor("sip")!.TransportType);
            Assert.Equal(typeof(WebSocketLegTransport), map.RegistrationFor("websocket")!.TransportType);
            Assert.Null(map.RegistrationFor("vbc"));
            // Each extension ran twice (once here, once inside AddNccoHost) and registered once.
            Assert.Equal(4, app.Services.GetServices<LegTransportRegistration>().Count());
        }
    }

    [Fact]
    public async Task Sip_takes_phone_endpoints_only_when_the_configuration_lists_trunks_and_nothing_when_it_is_off()
    {
        await using (var noTrunks = Build(Builder()))
            Assert.Equal(["app", "sip", "websocket"], noTrunks.Services.GetRequiredService<LegTransportMap>().RoutableEndpointTypes);
        await using var off = Build(Builder("--Ncco:Sip:Enabled=false"));
        Assert.Equal(["app", "websocket"], off.Services.GetRequiredService<LegTransportMap>().RoutableEndpointTypes);
    }

    [Fact]
    public void A_second_transport_for_one_endpoint_type_is_an_error_naming_both_in_either_order()
    {
        var first = Assert.Throws<InvalidOperationException>(() => new ServiceCollection()
            .AddNccoLegTransport<RecordingTransport>("vbc")
            .AddNccoLegTransport<OtherTransport>("vbc"));
        var second = Assert.Throws<InvalidOperationException>(() => new ServiceCollection()
            .AddNccoLegTransport<OtherTransport>("vbc")
            .AddNccoLegTransport<RecordingTransport>("vbc"));
        foreach (var e in new[] { first, second })
        {
            Assert.Contains("'vbc'", e.Message, StringComparison.Ordinal);
            Assert.Contains(typeof(RecordingTransport).FullName!, e.Message, StringComparison.Ordinal);
            Assert.Contains(typeof(OtherTransport).FullName!, e.Message, StringComparison.Ordinal);
            Assert.Contains("ReplaceNccoLegTransport", e.Message, StringComparison.Ordinal);
        }

        // The host's own transports are no exception: a second websocket transport is refused at its registration.
        var builder = Builder();
        builder.AddNccoHost();
        var websocket = Assert.Throws<InvalidOperationException>(() => builder.Services.AddNccoLegTransport<RecordingTransport>(EndpointTypes.WebSocket));
        Assert.Contains(typeof(WebSocketLegTransport).FullName!, websocket.Message, StringComparison.Ordinal);
        var sip = Assert.Throws<InvalidOperationException>(() => builder.Services.AddNccoLegTransport<RecordingTransport>(EndpointTypes.Sip));
        Assert.Contains("Ncco:Sip:Enabled=false", sip.Message, StringComparison.Ordinal);

        var twice = Assert.Throws<InvalidOperationException>(() => new ServiceCollection()
            .ReplaceNccoLegTransport<RecordingTransport>("app")
            .ReplaceNccoLegTransport<OtherTransport>("app"));
        Assert.Contains("replaced twice", twice.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("webscoket")]
    [InlineData("WebSocket")]
    [InlineData("")]
    public void A_registration_for_something_that_is_not_an_endpoint_type_is_refused_with_the_types(string type)
    {
        var e = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddNccoLegTransport<RecordingTransport>(type));
        Assert.Equal("endpointType", e.ParamName);
        Assert.Contains($"'{type}' is not an endpoint type", e.Message, StringComparison.Ordinal);
        Assert.Contains("app, phone, sip, vbc, websocket", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_replacement_takes_a_built_in_endpoint_type_whether_registered_before_or_after_it(bool replaceFirst)
    {
        var builder = Builder();
        if (replaceFirst) builder.Services.ReplaceNccoLegTransport<RecordingTransport>(EndpointTypes.WebSocket);
        builder.AddNccoHost();
        if (!replaceFirst) builder.Services.ReplaceNccoLegTransport<RecordingTransport>(EndpointTypes.WebSocket);
        await using var app = builder.Build();
        var map = app.Services.GetRequiredService<LegTransportMap>();
        Assert.Equal(typeof(RecordingTransport), map.RegistrationFor("websocket")!.TransportType);
        Assert.True(map.RegistrationFor("websocket")!.Replaces);

        var dialer = map.CreateDialer(new VoiceApplication { ApplicationId = "app-1" });
        var leg = dialer.CreateTransport(new OutboundLegRequest("leg-1", CallEndpoint.WebSocket("ws://127.0.0.1:9/x"), null, false));
        var recording = app.Services.GetRequiredService<RecordingTransport>();
        Assert.Same(recording.Created.Single().Leg, leg);
        Assert.Equal("app-1", recording.Created.Single().Context.Application.ApplicationId);
    }

    [Fact]
    public void The_dialer_sends_each_leg_to_its_types_transport_and_fails_the_rest_at_once()
    {
        var recording = new RecordingTransport();
        var map = new ServiceCollection()
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddNccoLegTransport("vbc", recording)
            .AddNccoLegTransport<ThrowingTransport>("phone")
            .BuildServiceProvider()
            .GetRequiredService<LegTransportMap>();
        var dialer = map.CreateDialer(new VoiceApplication { ApplicationId = "app-2" });

        var vbc = dialer.CreateTransport(new OutboundLegRequest("leg-vbc", CallEndpoint.Vbc("1234"), "447700900000", false));
        Assert.Same(recording.Created.Single().Leg, vbc);
        Assert.Equal("leg-vbc", recording.Created.Single().Request.LegId);

        Assert.Equal("cannot_route", FailureOf(dialer.CreateTransport(new OutboundLegRequest("leg-sip", CallEndpoint.Sip("sip:a@example.com"), null, false))));
        // A transport that throws costs its leg, reported as the platform reports its own faults.
        Assert.Equal("internal_error", FailureOf(dialer.CreateTransport(new OutboundLegRequest("leg-phone", CallEndpoint.Phone("447700900001"), null, false))));
    }

    private static string? FailureOf(ILegTransport leg)
    {
        var sink = new FailureSink();
        leg.Attach(sink);
        leg.Dial();
        return sink.Detail;
    }

    private static WebApplicationBuilder Builder(params string[] args)
    {
        var dir = Directory.CreateTempSubdirectory("ncco-transports-").FullName;
        var builder = WebApplication.CreateBuilder([$"--Ncco:DataDirectory={dir}", "--Ncco:Sip:Listen=127.0.0.1:0", .. args]);
        builder.Logging.ClearProviders();
        return builder;
    }

    private static WebApplication Build(WebApplicationBuilder builder)
    {
        builder.AddNccoHost();
        return builder.Build();
    }

    private sealed class FailureSink : Support.LegEventSinkBase
    {
        public string? Detail { get; private set; }

        public override void Failed(string detail = "cannot_route") => Detail = detail;
    }

    private sealed class OtherTransport : ILegTransportFactory
    {
        public ILegTransport CreateTransport(OutboundLegRequest request, LegTransportContext context) => throw new NotSupportedException();
    }

    private sealed class ThrowingTransport : ILegTransportFactory
    {
        public ILegTransport CreateTransport(OutboundLegRequest request, LegTransportContext context) => throw new InvalidOperationException("broken transport");
    }
}
