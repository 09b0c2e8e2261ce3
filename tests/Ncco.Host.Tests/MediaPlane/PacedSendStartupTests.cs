using Microsoft.Extensions.Logging;
using Ncco.Host.Configuration;
using Ncco.Host.MediaPlane;
using Ncco.Host.Tests.Support;
using Ncco.Media.Pcm;
using Ncco.Rtp.Sessions;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>
/// <see cref="PacedSendStartup"/>: what <c>Ncco:Media:PacedSend</c> comes to at start. The capability check (making the
/// ring, the sender's thread asking for SCHED_FIFO) is injected, so the fallbacks are tested without root: a sender
/// asked for nice −10 stands for one whose SCHED_FIFO was refused.
/// </summary>
public sealed class PacedSendStartupTests
{
    private sealed class Factory(Func<TimeSpan, MediaThreadPriority, (PacedSender? Pacer, string? Failure)> make)
    {
        public List<(TimeSpan Lead, MediaThreadPriority Priority)> Calls { get; } = [];

        public PacedSender? Create(TimeSpan lead, MediaThreadPriority priority, out string? failure)
        {
            Calls.Add((lead, priority));
            var (pacer, why) = make(lead, priority);
            failure = why;
            return pacer;
        }
    }

    private static PacedSender RealSender(TimeSpan lead, MediaThreadPriority priority) =>
        PacedSender.TryCreate(lead, 64, priority, out var failure) ?? throw new InvalidOperationException($"this machine runs io_uring (kernel 6.x): {failure}");

    // The thread was refused SCHED_FIFO: whatever was asked, it runs at nice −10 (or normal, unprivileged).
    private static Factory RefusedRealtime() => new((lead, _) => (RealSender(lead, MediaThreadPriority.High), null));

    private static Factory NoIoUring() => new((_, _) => (null, "io_uring_setup failed: errno 38 (Function not implemented)"));

    private static (PacedSender? Pacer, IReadOnlyList<LogLine> Lines) Start(MediaOptions settings, Factory factory, bool systemClock = true)
    {
        var logs = new CapturingLoggerProvider();
        var pacer = PacedSendStartup.Create(settings, systemClock, logs.CreateLogger("Ncco.Host.Media"), factory.Create);
        return (pacer, logs.Lines);
    }

    [Fact]
    public void Auto_where_the_sender_thread_is_refused_real_time_sends_at_once_and_says_so_once()
    {
        var factory = RefusedRealtime();
        var (pacer, lines) = Start(new MediaOptions(), factory);

        Assert.Null(pacer);
        var call = Assert.Single(factory.Calls);
        Assert.Equal(MediaThreadPriority.Realtime, call.Priority);
        Assert.Equal(TimeSpan.FromMilliseconds(new MediaOptions().SendLeadMilliseconds), call.Lead);
        var line = Assert.Single(lines);
        Assert.Equal(3009, line.EventId.Id);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Contains("PacedSend=Auto", line.Message, StringComparison.Ordinal);
        Assert.Contains("refused SCHED_FIFO", line.Message, StringComparison.Ordinal);
        Assert.Contains("CAP_SYS_NICE", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_without_io_uring_sends_at_once_and_names_the_reason_once()
    {
        var (pacer, lines) = Start(new MediaOptions { PacedSend = PacedSendMode.Auto }, NoIoUring());

        Assert.Null(pacer);
        var line = Assert.Single(lines);
        Assert.Equal(3009, line.EventId.Id);
        Assert.Contains("io_uring unavailable: io_uring_setup failed: errno 38", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_with_a_pacer_priority_below_real_time_does_not_make_the_sender_and_names_the_setting()
    {
        var factory = RefusedRealtime();
        var (pacer, lines) = Start(new MediaOptions { PacerPriority = MediaThreadPriority.High }, factory);

        Assert.Null(pacer);
        Assert.Empty(factory.Calls);
        var line = Assert.Single(lines);
        Assert.Equal(3009, line.EventId.Id);
        Assert.Contains("Ncco:Media:PacerPriority is High", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void On_keeps_the_sender_whatever_priority_its_thread_got_and_logs_that_it_is_on()
    {
        var (pacer, lines) = Start(new MediaOptions { PacedSend = PacedSendMode.On, SendLeadMilliseconds = 30 }, RefusedRealtime());
        using var kept = pacer;

        Assert.NotNull(kept);
        Assert.Equal(TimeSpan.FromMilliseconds(30), kept.Lead);
        Assert.Contains(lines, l => l.EventId.Id == 3007 && l.Message.Contains("30 ms ahead", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.EventId.Id == 3009);
    }

    [Fact]
    public void On_without_io_uring_warns_that_what_was_asked_for_is_unavailable()
    {
        var (pacer, lines) = Start(new MediaOptions { PacedSend = PacedSendMode.On }, NoIoUring());

        Assert.Null(pacer);
        var line = Assert.Single(lines);
        Assert.Equal(3006, line.EventId.Id);
        Assert.Equal(LogLevel.Warning, line.Level);
    }

    [Theory]
    [InlineData(PacedSendMode.Off, true)]
    [InlineData(PacedSendMode.Auto, false)]
    [InlineData(PacedSendMode.On, false)]
    public void Off_or_a_test_clock_makes_no_sender_and_logs_nothing(PacedSendMode mode, bool systemClock)
    {
        var factory = RefusedRealtime();
        var (pacer, lines) = Start(new MediaOptions { PacedSend = mode }, factory, systemClock);

        Assert.Null(pacer);
        Assert.Empty(factory.Calls);
        Assert.Empty(lines);
    }

    [Theory]
    [InlineData(PacedSendMode.Auto, MediaThreadPriority.Realtime, false)]
    [InlineData(PacedSendMode.Auto, MediaThreadPriority.High, true)]
    [InlineData(PacedSendMode.Auto, MediaThreadPriority.Normal, true)]
    [InlineData(PacedSendMode.On, MediaThreadPriority.High, false)]
    [InlineData(PacedSendMode.On, MediaThreadPriority.Normal, false)]
    [InlineData(PacedSendMode.On, MediaThreadPriority.Realtime, false)]
    public void Only_auto_drops_a_sender_and_only_one_whose_thread_is_below_real_time(PacedSendMode mode, MediaThreadPriority effective, bool dropped)
    {
        var reason = PacedSendStartup.AutoRefusal(mode, effective, "EPERM");
        Assert.Equal(dropped, reason is not null);
        if (dropped) Assert.Contains("(EPERM)", reason, StringComparison.Ordinal);
    }
}
