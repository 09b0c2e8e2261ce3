using System.Text.RegularExpressions;
using Ncco.Legs;

namespace Ncco.Vm.Tests;

/// <summary>
/// Speech length counts words with SSML tags as white space. It is written out by hand (a fresh test process would
/// otherwise JIT-compile the regex's replace callback); it must count exactly what the regex formulation counted.
/// </summary>
public class PlaybackDurationTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Hello")]
    [InlineData("Welcome to the pharmacy. Press 1 for opening hours, 2 to talk to us.")]
    [InlineData("<speak>Hello <break time='1s'/>world</speak>")]
    [InlineData("<speak><prosody rate='slow'>one two</prosody>three</speak>")]
    [InlineData("a<b>c")]
    [InlineData("a < b and c")]
    [InlineData("unclosed <tag never ends")]
    [InlineData("x<a<b>y")]
    [InlineData("<><>< >tail>")]
    [InlineData("tab\tnew\nline\u00A0nbsp\u2003em")]
    [InlineData(">lead > and <trail")]
    public void Speech_counts_the_words_the_tag_regex_counted(string text)
    {
        var words = Regex.Replace(text, "<[^>]*>", " ").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        var expected = TimeSpan.FromSeconds(Math.Max(0.5, Math.Round(words * PlaybackDuration.SecondsPerWord, 1)));

        Assert.Equal(expected, PlaybackDuration.Speech(text));
    }

    [Fact]
    public void Dtmf_is_250_ms_a_digit_and_500_ms_a_pause()
    {
        Assert.Equal(TimeSpan.Zero, PlaybackDuration.Dtmf(""));
        Assert.Equal(TimeSpan.FromMilliseconds(250 * 4 + 500 * 2), PlaybackDuration.Dtmf("12p3P4"));
    }
}
