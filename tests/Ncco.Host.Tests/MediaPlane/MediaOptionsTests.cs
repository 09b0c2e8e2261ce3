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
}
