using System.Net;
using Ncco.Media.Wav;
using Ncco.Rtp.Ports;
using Ncco.Rtp.Sessions;
using Ncco.Rtp.Tests.Support;

namespace Ncco.Rtp.Tests.Interop;

/// <summary>Real-peer interop on loopback with ffmpeg's RTP muxer (sender) and SDP demuxer (receiver).</summary>
public sealed class FfmpegRtpTests
{
    private static readonly RtpPortAllocator Ports = new(new RtpPortRange(42600, 42799), IPAddress.Loopback);

    [Theory]
    [InlineData("PCMU", "pcm_mulaw", 8000)]
    [InlineData("PCMA", "pcm_alaw", 8000)]
    [InlineData("G722", "g722", 16000)]
    public async Task Ffmpeg_sends_rtp_and_we_decode_the_tone(string codec, string ffmpegCodec, int rate)
    {
        await using var session = new RtpSession(Ports.Allocate(), new RtpSessionOptions { Codec = codec });
        session.Start();
        var samplesPerFrame = session.SamplesPerFrame;
        using var ffmpeg = ExternalTool.Start("ffmpeg",
        [
            "-nostdin", "-hide_banner", "-loglevel", "error", "-re",
            "-f", "lavfi", "-i", $"sine=frequency=1000:sample_rate={rate}:duration=2",
            "-af", $"asetnsamples=n={samplesPerFrame}", "-c:a", ffmpegCodec, "-ar", rate.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-f", "rtp", $"rtp://127.0.0.1:{session.LocalRtpPort}",
        ]);
        try
        {
            // The media thread's job: one frame per 20 ms tick while ffmpeg streams in real time (bounded to 6 s).
            var audio = new List<short>();
            var frame = new short[samplesPerFrame];
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(6);
            var quietTicksAfterExit = 0;
            while (DateTime.UtcNow < deadline && quietTicksAfterExit < 10)
            {
                await timer.WaitForNextTickAsync();
                if (session.ReadFrame(frame))
                {
                    audio.AddRange(frame);
                }
                else if (ffmpeg.HasExited)
                {
                    quietTicksAfterExit++;
                }
            }
            var stats = session.Statistics;
            Assert.True(stats.Latched, "latched onto ffmpeg's source port");
            Assert.True(stats.PacketsReceived >= 90, $"received {stats.PacketsReceived} packets");
            Assert.True(audio.Count >= rate, $"decoded {audio.Count} samples");
            var middle = audio.ToArray().AsSpan(audio.Count / 4, audio.Count / 2);
            var share = Signals.ToneShare(middle, 1000, rate);
            Assert.True(share > 0.8, $"1 kHz share {share:F3}");
            Assert.InRange(Signals.ZeroCrossingFrequency(middle, rate), 980, 1020);
            // lavfi's sine source plays at 1/8 of full scale.
            Assert.InRange(Signals.Rms(middle), 4096 / Math.Sqrt(2) * 0.8, 4096 / Math.Sqrt(2) * 1.2);
        }
        finally
        {
            if (!ffmpeg.HasExited)
            {
                ffmpeg.Kill(entireProcessTree: true);
            }
        }
    }

    [Theory]
    [InlineData("PCMU", 0, 8000)]
    [InlineData("PCMA", 8, 8000)]
    [InlineData("G722", 9, 16000)]
    public async Task We_send_rtp_and_ffmpeg_records_the_tone(string codec, int payloadType, int rate)
    {
        using var dir = new TempDirectory();
        int port;
        using (var probe = Ports.Allocate())
        {
            port = probe.RtpPort; // a free pair for ffmpeg to bind; released just before it starts
        }
        var sdp = string.Join("\r\n",
            "v=0", "o=- 0 0 IN IP4 127.0.0.1", "s=ncco", "c=IN IP4 127.0.0.1", "t=0 0",
            $"m=audio {port} RTP/AVP {payloadType}", $"a=rtpmap:{payloadType} {codec}/8000", "") ;
        await File.WriteAllTextAsync(dir.File("in.sdp"), sdp);
        var wav = dir.File("out.wav");
        using var ffmpeg = ExternalTool.Start("ffmpeg",
        [
            "-nostdin", "-hide_banner", "-loglevel", "error", "-protocol_whitelist", "file,udp,rtp",
            "-i", dir.File("in.sdp"), "-t", "1.5", "-c:a", "pcm_s16le", "-ac", "1", wav,
        ]);
        try
        {
            await using var session = new RtpSession(Ports.Allocate(), new RtpSessionOptions { Codec = codec, RemoteRtp = new IPEndPoint(IPAddress.Loopback, port) });
            session.Start();
            var tone = Signals.Tone(800, rate, rate * 4, 12000);
            var frameSize = session.SamplesPerFrame;
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
            // Real-time pacing until ffmpeg has its 1.5 s (bounded: 4 s of audio at most).
            for (var offset = 0; offset + frameSize <= tone.Length && !ffmpeg.HasExited; offset += frameSize)
            {
                session.WriteFrame(tone.AsSpan(offset, frameSize));
                await timer.WaitForNextTickAsync();
            }
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await ffmpeg.WaitForExitAsync(exit.Token);
            Assert.Equal(0, ffmpeg.ExitCode);
        }
        finally
        {
            if (!ffmpeg.HasExited)
            {
                ffmpeg.Kill(entireProcessTree: true);
            }
        }

        var (info, samples) = WavReader.ReadAll(wav);
        Assert.Equal(rate, info.SampleRate);
        var count = samples.Length;
        Assert.InRange(count, rate * 1.2, rate * 1.6);
        var middle = samples.AsSpan(count / 4, count / 2);
        var share = Signals.ToneShare(middle, 800, rate);
        Assert.True(share > 0.8, $"800 Hz share {share:F3}");
        Assert.InRange(Signals.ZeroCrossingFrequency(middle, rate), 785, 815);
        Assert.InRange(Signals.Rms(middle), 12000 / Math.Sqrt(2) * 0.7, 12000 / Math.Sqrt(2) * 1.3);
    }
}
