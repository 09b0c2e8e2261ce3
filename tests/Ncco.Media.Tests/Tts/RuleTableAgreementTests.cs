using Ncco.Media.Tts;

namespace Ncco.Media.Tests.Tts;

/// <summary>
/// The media engine may not reference Ncco.Runtime, so it keeps its own copy of the voice-name table; these tests
/// keep that copy equal to the rule table the validator uses, so an NCCO the validator accepts always plays.
/// </summary>
public class RuleTableAgreementTests
{
    [Fact]
    public void Every_voice_name_the_validator_accepts_maps_to_the_same_voice()
    {
        foreach (var name in Ncco.Rules.LegacyVoiceNames.Names)
        {
            Assert.True(Ncco.Rules.LegacyVoiceNames.TryMap(name, out var language, out var style));
            Assert.Equal((language, style), Media.Tts.LegacyVoiceNames.Resolve(name));
        }
        Assert.Equal(Ncco.Rules.LegacyVoiceNames.Names.Count, Media.Tts.LegacyVoiceNames.Map.Count);
    }
}

public class TtsLanguageAgreementTests
{
    [Fact]
    public void Every_language_the_validator_accepts_has_an_espeak_voice()
    {
        var missing = Ncco.Rules.TtsLanguages.Codes.Where(code => !EspeakVoiceMap.Languages.ContainsKey(code)).ToList();

        Assert.True(missing.Count == 0, "no espeak-ng voice for: " + string.Join(", ", missing));
    }
}
