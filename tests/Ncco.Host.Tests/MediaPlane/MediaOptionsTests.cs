using Ncco.Host.Configuration;

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
}
