using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Ncco.Host.Configuration;
using Ncco.Host.MediaPlane;
using Ncco.Host.Recordings;

namespace Ncco.Host.Tests.MediaPlane;

public class MediaOptionsTests
{
    [Theory]
    [InlineData(-1, 64, "Ncco:Media:Workers")]
    [InlineData(65, 64, "Ncco:Media:Workers")]
    [InlineData(0, -1, "Ncco:Media:TtsCacheMegabytes")]
    [InlineData(0, 16385, "Ncco:Media:TtsCacheMegabytes")]
    public void Out_of_range_settings_stop_the_host_naming_the_setting(int workers, int megabytes, string setting)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new MediaOptions { Workers = workers, TtsCacheMegabytes = megabytes }.Validate());
        Assert.StartsWith(setting, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, 256, 10, "Ncco:Media:SpeechDecoders")]
    [InlineData(65, 256, 10, "Ncco:Media:SpeechDecoders")]
    [InlineData(0, 0, 10, "Ncco:Media:SpeechQueueLimit")]
    [InlineData(0, 100_001, 10, "Ncco:Media:SpeechQueueLimit")]
    [InlineData(0, 256, 0, "Ncco:Media:SpeechQueueTimeoutSeconds")]
    [InlineData(0, 256, 601, "Ncco:Media:SpeechQueueTimeoutSeconds")]
    [InlineData(0, 256, double.NaN, "Ncco:Media:SpeechQueueTimeoutSeconds")]
    public void Out_of_range_speech_decoder_settings_stop_the_host_naming_the_setting(int decoders, int queue, double timeout, string setting)
    {
        var error = Assert.Throws<InvalidOperationException>(
            () => new MediaOptions { SpeechDecoders = decoders, SpeechQueueLimit = queue, SpeechQueueTimeoutSeconds = timeout }.Validate());
        Assert.StartsWith(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Speech_decoders_default_to_one_per_processor_with_a_bounded_queue_and_wait()
    {
        var options = new MediaOptions();
        options.Validate();
        Assert.Equal(0, options.SpeechDecoders);
        Assert.Equal(256, options.SpeechQueueLimit);
        Assert.Equal(30, options.SpeechQueueTimeoutSeconds);
        Assert.Equal(0, options.SpeechDictationDecoders);
        Assert.Equal(30, options.SpeechDecoderIdleSeconds);
        Assert.Equal(1, options.SpeechDecodersKeptIdle);
    }

    [Theory]
    [InlineData(-1, 30, 1, "Ncco:Media:SpeechDictationDecoders")]
    [InlineData(65, 30, 1, "Ncco:Media:SpeechDictationDecoders")]
    [InlineData(0, -1, 1, "Ncco:Media:SpeechDecoderIdleSeconds")]
    [InlineData(0, 86_401, 1, "Ncco:Media:SpeechDecoderIdleSeconds")]
    [InlineData(0, double.NaN, 1, "Ncco:Media:SpeechDecoderIdleSeconds")]
    [InlineData(0, 30, -1, "Ncco:Media:SpeechDecodersKeptIdle")]
    [InlineData(0, 30, 65, "Ncco:Media:SpeechDecodersKeptIdle")]
    public void Out_of_range_decoder_memory_settings_stop_the_host_naming_the_setting(int dictation, double idleSeconds, int kept, string setting)
    {
        var error = Assert.Throws<InvalidOperationException>(
            () => new MediaOptions { SpeechDictationDecoders = dictation, SpeechDecoderIdleSeconds = idleSeconds, SpeechDecodersKeptIdle = kept }.Validate());
        Assert.StartsWith(setting, error.Message, StringComparison.Ordinal);
        new MediaOptions { SpeechDictationDecoders = 2, SpeechDecoderIdleSeconds = 0, SpeechDecodersKeptIdle = 0 }.Validate();
    }

    [Fact]
    public void Zero_workers_means_one_per_processor_up_to_eight()
    {
        var options = new MediaOptions();
        options.Validate();
        Assert.Equal(Math.Clamp(Environment.ProcessorCount, 1, 8), options.EffectiveWorkers);
        Assert.Equal(3, new MediaOptions { Workers = 3 }.EffectiveWorkers);
        Assert.Equal(64, options.TtsCacheMegabytes);
    }

    [Fact]
    public void Media_threads_ask_for_high_priority_by_default_and_an_unknown_priority_is_refused_by_name()
    {
        Assert.Equal(Ncco.Media.Pcm.MediaThreadPriority.High, new MediaOptions().ThreadPriority);
        var error = Assert.Throws<InvalidOperationException>(() => new MediaOptions { ThreadPriority = (Ncco.Media.Pcm.MediaThreadPriority)7 }.Validate());
        Assert.StartsWith("Ncco:Media:ThreadPriority", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_paced_senders_thread_asks_for_real_time_by_default_and_an_unknown_priority_is_refused_by_name()
    {
        Assert.Equal(Ncco.Media.Pcm.MediaThreadPriority.Realtime, new MediaOptions().PacerPriority);
        new MediaOptions { PacerPriority = Ncco.Media.Pcm.MediaThreadPriority.High }.Validate();
        var error = Assert.Throws<InvalidOperationException>(() => new MediaOptions { PacerPriority = (Ncco.Media.Pcm.MediaThreadPriority)7 }.Validate());
        Assert.StartsWith("Ncco:Media:PacerPriority is 7", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(16)]
    public void A_send_delay_outside_0_to_15_ms_is_refused_by_name(int milliseconds)
    {
        Assert.Equal(0, new MediaOptions().SendDelayMilliseconds);
        new MediaOptions { SendDelayMilliseconds = 0 }.Validate();
        new MediaOptions { SendDelayMilliseconds = 15 }.Validate();
        var error = Assert.Throws<InvalidOperationException>(() => new MediaOptions { SendDelayMilliseconds = milliseconds }.Validate());
        Assert.StartsWith("Ncco:Media:SendDelayMilliseconds", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(201)]
    [InlineData(int.MaxValue)]
    public void A_send_lead_outside_0_to_200_ms_is_refused_by_name(int milliseconds)
    {
        Assert.Equal(40, new MediaOptions().SendLeadMilliseconds);
        Assert.Equal(PacedSendMode.Auto, new MediaOptions().PacedSend);
        new MediaOptions { SendLeadMilliseconds = 0 }.Validate();
        new MediaOptions { SendLeadMilliseconds = 200 }.Validate();
        var error = Assert.Throws<InvalidOperationException>(() => new MediaOptions { SendLeadMilliseconds = milliseconds }.Validate());
        Assert.StartsWith("Ncco:Media:SendLeadMilliseconds", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, PacedSendMode.Auto)]
    [InlineData("false", PacedSendMode.Off)]
    [InlineData("true", PacedSendMode.On)]
    [InlineData("False", PacedSendMode.Off)]
    [InlineData("TRUE", PacedSendMode.On)]
    [InlineData("auto", PacedSendMode.Auto)]
    [InlineData("On", PacedSendMode.On)]
    [InlineData("off", PacedSendMode.Off)]
    [InlineData(" on ", PacedSendMode.On)]
    public void Paced_send_reads_auto_on_off_and_the_boolean_of_its_first_form(string? value, PacedSendMode expected)
    {
        var settings = new List<KeyValuePair<string, string?>> { new("Ncco:Media:SendLeadMilliseconds", "60") };
        if (value is not null) settings.Add(new("Ncco:Media:PacedSend", value));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        Assert.Empty(NccoConfigurationCheck.Problems(configuration, new NccoConfigurationSection("Ncco:Media", typeof(MediaOptions)), []));
        var media = configuration.GetSection("Ncco:Media").Get<MediaOptions>() ?? new MediaOptions();
        Assert.Equal(expected, media.PacedSend);
        Assert.Equal(60, media.SendLeadMilliseconds);
        media.Validate();
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("2")]
    [InlineData("-1")]
    [InlineData("Realtime")]
    [InlineData("Auto,On")]
    public void A_paced_send_value_that_is_not_auto_on_off_true_or_false_is_refused_naming_the_key(string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new KeyValuePair<string, string?>("Ncco:Media:PacedSend", value)]).Build();

        var problem = Assert.Single(NccoConfigurationCheck.Problems(configuration, new NccoConfigurationSection("Ncco:Media", typeof(MediaOptions)), []));
        Assert.Equal($"Ncco:Media:PacedSend '{value}' is not valid: it must be Auto, On or Off (true and false read as On and Off).", problem);
        var error = Assert.Throws<InvalidOperationException>(() => new MediaOptions { PacedSend = (PacedSendMode)7 }.Validate());
        Assert.StartsWith("Ncco:Media:PacedSend", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("false")]
    [InlineData("true")]
    [InlineData(null)]
    public async Task The_media_plane_paces_as_the_setting_says_with_the_configured_lead(string? value)
    {
        var settings = new List<KeyValuePair<string, string?>> { new("Ncco:Media:SendLeadMilliseconds", "60") };
        if (value is not null) settings.Add(new("Ncco:Media:PacedSend", value));
        var media = new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("Ncco:Media").Get<MediaOptions>() ?? new MediaOptions();
        var dir = Directory.CreateTempSubdirectory("ncco-media-options-").FullName;
        try
        {
            var options = Microsoft.Extensions.Options.Options.Create(new NccoHostOptions { DataDirectory = dir, Media = media });
            await using var services = new MediaServices(options, new RecordingStore(options, new InMemoryRecordingRepository(), TimeProvider.System), TimeProvider.System,
                Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
            // io_uring works on the Linux machines the suite runs on (kernel 6.x); the fallback is covered in Ncco.Rtp.Tests
            // and PacedSendStartupTests. Auto paces where this process may run a SCHED_FIFO thread (root here; maybe not in CI).
            var expected = media.PacedSend switch
            {
                PacedSendMode.On => true,
                PacedSendMode.Off => false,
                _ => MayRunRealtime(),
            };
            Assert.Equal(expected, services.Pacer is not null);
            if (expected) Assert.Equal(TimeSpan.FromMilliseconds(60), services.Pacer!.Lead);
            if (expected) Assert.Equal(Ncco.Media.Pcm.MediaThreadPriority.Realtime, services.Pacer!.Priority);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // Whether a thread of this process is granted SCHED_FIFO: asked on a throwaway sender with the same request.
    private static bool MayRunRealtime()
    {
        using var probe = Ncco.Rtp.Sessions.PacedSender.TryCreate(TimeSpan.FromMilliseconds(20), 16, Ncco.Media.Pcm.MediaThreadPriority.Realtime, out _);
        return probe?.EffectivePriority == Ncco.Media.Pcm.MediaThreadPriority.Realtime;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void A_realtime_budget_outside_1_to_100_percent_is_refused_by_name(int percent)
    {
        Assert.Equal(50, new MediaOptions().RealtimeBudgetPercent);
        new MediaOptions { RealtimeBudgetPercent = 1 }.Validate();
        new MediaOptions { RealtimeBudgetPercent = 100 }.Validate();
        var error = Assert.Throws<InvalidOperationException>(() => new MediaOptions { RealtimeBudgetPercent = percent }.Validate());
        Assert.StartsWith("Ncco:Media:RealtimeBudgetPercent", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".NET Tiered Com", true)]
    [InlineData(".NET Server GC", false)]
    [InlineData(".NET TP Worker", false)]
    public void The_tiering_compilers_thread_is_known_by_its_name(string name, bool compiler)
    {
        Assert.Equal(compiler, GcThreadPriority.IsCompilerThread(name));
    }

    [Theory]
    [InlineData(".NET Server GC", true)]
    [InlineData(".NET BGC", true)]
    [InlineData(".NET TP Worker", false)]
    [InlineData("ncco-media-0", false)]
    public void The_collectors_threads_are_known_by_their_names(string name, bool collector)
    {
        Assert.True(new MediaOptions().RaiseGcThreads);
        Assert.Equal(collector, GcThreadPriority.IsCollectorThread(name));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public async Task Direct_socket_calls_are_on_unless_the_setting_turns_them_off(string? value, bool expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(value is null ? [] : [new KeyValuePair<string, string?>("Ncco:Media:DirectSocketCalls", value)])
            .Build();
        var media = configuration.GetSection("Ncco:Media").Get<MediaOptions>() ?? new MediaOptions();
        var dir = Directory.CreateTempSubdirectory("ncco-media-options-").FullName;
        try
        {
            var options = Microsoft.Extensions.Options.Options.Create(new NccoHostOptions { DataDirectory = dir, Media = media });
            await using var services = new MediaServices(options, new RecordingStore(options, new InMemoryRecordingRepository(), TimeProvider.System), TimeProvider.System,
                Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
            Assert.Equal(expected, services.DirectSocketCalls);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Tts_warm_voices_default_to_the_ncco_default_language_and_take_codes_with_optional_styles()
    {
        Assert.Equal([("en-US", 0)], new MediaOptions().ParseTtsWarmVoices());
        Assert.Equal([("en-GB", 3), ("de-DE", 0)], new MediaOptions { TtsWarmVoices = " en-GB/3 , de-DE ," }.ParseTtsWarmVoices());
        Assert.Empty(new MediaOptions { TtsWarmVoices = "" }.ParseTtsWarmVoices());
    }

    [Theory]
    [InlineData("en US")]
    [InlineData("en-US/x")]
    [InlineData("en-US/-1")]
    [InlineData("en-US/1/2")]
    [InlineData("/3")]
    public void A_malformed_warm_voice_stops_the_host_naming_the_setting_and_the_entry(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new MediaOptions { TtsWarmVoices = value }.Validate());
        Assert.StartsWith("Ncco:Media:TtsWarmVoices entry '", error.Message, StringComparison.Ordinal);
        Assert.Contains(value.Trim(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_host_warms_the_configured_voices_at_start_and_logs_one_it_cannot_warm()
    {
        var logs = new Ncco.Host.Tests.Support.ListLoggerProvider();
        using var loggers = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(logs));
        var options = Microsoft.Extensions.Options.Options.Create(new NccoHostOptions { DataDirectory = Directory.CreateTempSubdirectory("ncco-warm").FullName });
        options.Value.Media.TtsWarmVoices = "zz-ZZ, en-GB/2";
        await using var services = new Ncco.Host.MediaPlane.MediaServices(options, new Ncco.Host.Recordings.RecordingStore(options, new Ncco.Host.Recordings.InMemoryRecordingRepository(), TimeProvider.System), TimeProvider.System, loggers);
        await services.TtsWarmUp.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Contains(logs.Messages, m => m.Contains("zz-ZZ/0 not warmed", StringComparison.Ordinal) && m.Contains("has no espeak-ng voice", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, m => m.Contains("en-GB", StringComparison.Ordinal));
    }
}
