using Microsoft.Extensions.Diagnostics.HealthChecks;
using Ncco.Host.Calls;
using Ncco.Host.Legs.Sip;
using Ncco.Host.MediaPlane;
using Ncco.Host.Persistence;

namespace Ncco.Host.Operations;

/// <summary>
/// The host's own health checks, registered with <c>Microsoft.Extensions.Diagnostics.HealthChecks</c> by
/// <see cref="OperabilityExtensions.AddNccoOperability"/>. <c>/health/ready</c> runs every registered check — these and
/// any an app adds with <c>builder.Services.AddHealthChecks().AddCheck(…)</c>; <c>/health/live</c> runs only checks
/// tagged <see cref="LiveTag"/>.
/// </summary>
public static class NccoHealthChecks
{
    /// <summary>The tag of checks that also decide liveness (<c>/health/live</c>); none of the host's own has it.</summary>
    public const string LiveTag = "live";

    /// <summary>The tag every check of the host carries.</summary>
    public const string NccoTag = "ncco";

    /// <summary>Started: unhealthy until the start-up artifacts are in place (the demo application and its key file, when the demo is on).</summary>
    public const string Starting = "ncco-starting";

    /// <summary>Not draining: unhealthy from the moment the host was asked to stop (new calls are refused).</summary>
    public const string Draining = "ncco-draining";

    /// <summary>Admitting: unhealthy while <see cref="NodeAdmission"/> is suspended (in a cluster, the node lost the shared database).</summary>
    public const string Admission = "ncco-admission";

    /// <summary>The store answers a query within <see cref="HealthEndpoints.DatabaseTimeout"/>.</summary>
    public const string Store = "ncco-store";

    /// <summary>The SIP listener is up (only when SIP is enabled).</summary>
    public const string SipListener = "ncco-sip";

    /// <summary>The media clock runs and ticks on time.</summary>
    public const string MediaClock = "ncco-media-clock";

    /// <summary>The text-to-speech and speech-recognition engines are loaded.</summary>
    public const string SpeechEngines = "ncco-speech-engines";

    /// <summary>How long without a media tick before the media clock is reported degraded.</summary>
    public static readonly TimeSpan MediaClockLateAfter = TimeSpan.FromSeconds(1);

    internal static IHealthChecksBuilder AddNccoChecks(this IHealthChecksBuilder checks)
    {
        string[] tags = [NccoTag];
        checks.Add(new HealthCheckRegistration(Starting, services => new StartingCheck(services), HealthStatus.Unhealthy, tags));
        checks.Add(new HealthCheckRegistration(Draining, services => new DrainingCheck(services), HealthStatus.Unhealthy, tags));
        checks.Add(new HealthCheckRegistration(Admission, services => new AdmissionCheck(services), HealthStatus.Unhealthy, tags));
        checks.Add(new HealthCheckRegistration(Store, services => new StoreCheck(services), HealthStatus.Unhealthy, tags));
        checks.Add(new HealthCheckRegistration(SipListener, services => new SipCheck(services), HealthStatus.Unhealthy, tags));
        checks.Add(new HealthCheckRegistration(MediaClock, services => new MediaClockCheck(services), HealthStatus.Unhealthy, tags));
        checks.Add(new HealthCheckRegistration(SpeechEngines, services => new SpeechEnginesCheck(services), HealthStatus.Degraded, tags));
        return checks;
    }

    private sealed class StartingCheck(IServiceProvider services) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
            Task.FromResult(services.GetService<Demo.DemoProvisioner>() is { Settled: false }
                ? HealthCheckResult.Unhealthy("starting: the demo application and its key file are being provisioned")
                : HealthCheckResult.Healthy());
    }

    private sealed class DrainingCheck(IServiceProvider services) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
            Task.FromResult(services.GetService<ILiveCalls>() is { IsDraining: true }
                ? HealthCheckResult.Unhealthy("draining: the host is stopping and refuses new calls")
                : HealthCheckResult.Healthy());
    }

    private sealed class AdmissionCheck(IServiceProvider services) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
            Task.FromResult(services.GetService<NodeAdmission>() is { SuspendedBecause: { } reason }
                ? HealthCheckResult.Unhealthy("this node takes no new calls: " + reason)
                : HealthCheckResult.Healthy());
    }

    private sealed class StoreCheck(IServiceProvider services) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            if (services.GetService<INccoStore>() is not { } store) return HealthCheckResult.Healthy("no store in this host");
            var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
            using var timeout = new CancellationTokenSource(HealthEndpoints.DatabaseTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            try
            {
                await store.PingAsync(linked.Token).ConfigureAwait(false);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("the database did not answer: " + e.Message);
            }
        }
    }

    private sealed class SipCheck(IServiceProvider services) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
            Task.FromResult(services.GetService<SipGateway>() switch
            {
                null => HealthCheckResult.Healthy("SIP is off"),
                { LocalEndPoint: { } endPoint } => HealthCheckResult.Healthy($"listening on {endPoint}"),
                _ => HealthCheckResult.Unhealthy("the SIP listener is not up"),
            });
    }

    private sealed class MediaClockCheck(IServiceProvider services) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            if (services.GetService<MediaServices>() is not { } media) return Task.FromResult(HealthCheckResult.Healthy("no media plane in this host"));
            var thread = media.MediaThread;
            if (!thread.ClockRunning) return Task.FromResult(HealthCheckResult.Unhealthy("the media clock has stopped"));
            var since = thread.SinceLastTick;
            return Task.FromResult(since > MediaClockLateAfter
                ? HealthCheckResult.Degraded($"the media clock last ticked {since.TotalMilliseconds:0} ms ago ({media.FramesLate} frames late since start)")
                : HealthCheckResult.Healthy($"{media.FramesLate} frames late since start"));
        }
    }

    private sealed class SpeechEnginesCheck(IServiceProvider services) : IHealthCheck
    {
        // Degraded, not unhealthy: without the engines calls still work (talk plays silence of its length, speech input
        // ends with its start timeout), which is how the host is documented to behave.
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
            Task.FromResult(services.GetService<MediaServices>() switch
            {
                null => HealthCheckResult.Healthy("no media plane in this host"),
                { MissingEngines.Count: 0 } => HealthCheckResult.Healthy("text-to-speech and speech recognition loaded"),
                var media => HealthCheckResult.Degraded(string.Join("; ", media.MissingEngines)),
            });
    }
}
