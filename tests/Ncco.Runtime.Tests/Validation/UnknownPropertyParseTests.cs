using Ncco.Model.Actions;
using Ncco.Serialization;
using Ncco.Validation;

namespace Ncco.Runtime.Tests.Validation;

/// <summary>
/// Issue 15 "NCCOs at run time": an unknown property is a warning that is ignored (never read as the known property it
/// resembles); <see cref="NccoValidationOptions.Strict"/> makes it an error again; wrong types and ranges stay errors.
/// </summary>
public class UnknownPropertyParseTests
{
    [Fact]
    public void A_deprecated_property_is_a_warning_and_the_rest_binds()
    {
        var result = NccoParser.Parse("""[{"action":"talk","text":"Hello","voice_name":"Kimberly"}]""");
        Assert.True(result.IsValid);
        Assert.Empty(result.Errors);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("/0/voice_name", warning.Pointer);
        Assert.Equal(NccoErrorCodes.UnknownProperty, warning.Code);
        Assert.Equal(NccoSeverity.Warning, warning.Severity);
        Assert.Equal("Hello", Assert.IsType<TalkAction>(Assert.Single(result.Document!.Actions)).Text);
    }

    [Fact]
    public void A_near_miss_is_not_read_as_the_known_property_and_the_warning_names_it()
    {
        var result = NccoParser.Parse("""[{"action":"talk","text":"Hello","bargein":true},{"action":"input","type":["dtmf"]}]""");
        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("/0/bargein", warning.Pointer);
        Assert.Contains("did you mean \"bargeIn\"", warning.Message, StringComparison.Ordinal);
        Assert.False(Assert.IsType<TalkAction>(result.Document!.Actions[0]).BargeIn);
    }

    [Fact]
    public void Unknown_properties_of_nested_objects_are_warnings_too()
    {
        var result = NccoParser.Parse("""[{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":2,"maxdigits":4}}]""");
        Assert.True(result.IsValid);
        Assert.Equal("/0/dtmf/maxdigits", Assert.Single(result.Warnings).Pointer);
        Assert.Equal(2, Assert.IsType<InputAction>(result.Document!.Actions[0]).Dtmf!.MaxDigits);
    }

    [Theory]
    [InlineData("""[{"action":"input","type":["dtmf"],"maxDigits":1,"submitOnHash":true}]""", "/0/maxDigits", "dtmf")]
    [InlineData("""[{"action":"input","type":["dtmf"],"maxDigits":1,"submitOnHash":true}]""", "/0/submitOnHash", "dtmf")]
    [InlineData("""[{"action":"input","type":["speech"],"language":"en-GB"}]""", "/0/language", "speech")]
    public void A_setting_written_on_the_action_instead_of_its_settings_object_says_where_it_belongs(string json, string pointer, string owner)
    {
        // The legacy input of old guides put maxDigits, timeOut and submitOnHash on the action itself; they are read
        // only inside "dtmf" (as language only inside "speech"), so the warning says where to move them.
        var result = NccoParser.Parse(json);
        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Warnings, w => w.Pointer == pointer);
        var name = pointer[(pointer.LastIndexOf('/') + 1)..];
        Assert.Equal($"unknown property \"{name}\" on the input action; it belongs inside \"{owner}\": {{ \"{name}\": … }}", warning.Message);
        Assert.Null(Assert.IsType<InputAction>(result.Document!.Actions[0]).Dtmf);
    }

    [Fact]
    public void Strict_makes_an_unknown_property_an_error()
    {
        var result = NccoParser.Parse("""[{"action":"talk","text":"Hello","voice_name":"Kimberly"}]""", new NccoValidationOptions { Strict = true });
        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.Equal("/0/voice_name", error.Pointer);
        Assert.Equal(NccoSeverity.Error, error.Severity);
    }

    [Theory]
    [InlineData("""[{"action":"talk","text":"Hello","loop":"many","voice_name":"x"}]""", "/0/loop")]
    [InlineData("""[{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":99},"extra":1}]""", "/0/dtmf/maxDigits")]
    public void Wrong_types_and_ranges_stay_errors_beside_a_warning(string json, string pointer)
    {
        var result = NccoParser.Parse(json);
        Assert.False(result.IsValid);
        Assert.Equal(pointer, Assert.Single(result.Errors).Pointer);
        Assert.Single(result.Warnings);
    }

    [Fact]
    public void The_validator_reports_unknown_properties_with_warning_severity()
    {
        var findings = NccoValidator.Validate("""[{"action":"talk","text":"hi","bargein":true}]""");
        Assert.Equal(NccoSeverity.Warning, Assert.Single(findings).Severity);
    }
}
