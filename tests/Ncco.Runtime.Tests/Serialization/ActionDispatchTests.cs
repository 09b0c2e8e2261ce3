using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Validation;
using Ncco.Verbs;

namespace Ncco.Runtime.Tests.Serialization;

/// <summary>
/// The reader finds a plain action name's verb by its length and first letter (issue 19). The table's slot ignores the
/// letter's case and knows nothing of escapes, so these pin what the per-verb comparison decided before: every
/// built-in name, escaped or not, reads as its verb; any other name, including one that lands in a verb's slot or
/// differs from a verb only in case, reads as a custom action.
/// </summary>
public class ActionDispatchTests
{
    // One valid action per built-in verb, keyed by its wire name; "{0}" is where the name goes.
    public static TheoryData<string, string> Actions => new()
    {
        { "talk", """[{"action":"{0}","text":"hi"}]""" },
        { "stream", """[{"action":"{0}","streamUrl":["https://x.example/a.mp3"]}]""" },
        { "input", """[{"action":"{0}","type":["dtmf"]}]""" },
        { "record", """[{"action":"{0}"}]""" },
        { "conversation", """[{"action":"{0}","name":"room"}]""" },
        { "connect", """[{"action":"{0}","endpoint":[{"type":"phone","number":"447700900000"}]}]""" },
        { "notify", """[{"action":"{0}","payload":{"a":1},"eventUrl":["https://x.example/n"]}]""" },
        { "wait", """[{"action":"{0}","timeout":1}]""" },
        { "transfer", """[{"action":"{0}","conversation_id":"CON-1"}]""" },
    };

    private static NccoAction ReadOne(string template, string name, NccoValidationOptions? options = null) =>
        Assert.Single(NccoDocument.Parse(template.Replace("{0}", name, StringComparison.Ordinal), options).Actions);

    [Fact]
    public void Every_built_in_verb_has_a_case()
    {
        var covered = Actions.Select(row => (string)row[0]).Order(StringComparer.Ordinal);
        Assert.Equal(NccoVerbs.BuiltIn.Select(v => v.Name).Order(StringComparer.Ordinal), covered);
    }

    [Theory]
    [MemberData(nameof(Actions))]
    public void A_plain_name_reads_as_its_verb(string name, string template)
    {
        var verb = NccoVerbs.BuiltIn.Single(v => v.Name == name);
        Assert.IsType(verb.ActionType, ReadOne(template, name));
    }

    [Theory]
    [MemberData(nameof(Actions))]
    public void A_name_with_escapes_reads_as_its_verb(string name, string template)
    {
        var verb = NccoVerbs.BuiltIn.Single(v => v.Name == name);
        // The first letter escaped ("\u0074alk"), and every letter escaped.
        var first = $"\\u{(int)name[0]:x4}{name[1..]}";
        var all = string.Concat(name.Select(c => $"\\u{(int)c:X4}"));
        Assert.IsType(verb.ActionType, ReadOne(template, first));
        Assert.IsType(verb.ActionType, ReadOne(template, all));
    }

    [Theory]
    [InlineData("Talk")]
    [InlineData("TALK")]
    [InlineData("tall")]
    [InlineData("Wait")]
    [InlineData("Connect")]
    [InlineData("conversatioN")]
    [InlineData("4alk")]
    [InlineData("ring")]
    public void Any_other_name_reads_as_a_custom_action_with_that_name(string name)
    {
        var options = new NccoValidationOptions { CustomActions = new HashSet<string> { name } };
        var action = Assert.IsType<CustomAction>(ReadOne("""[{"action":"{0}","times":3}]""", name, options));
        Assert.Equal(name, action.ActionName);
        Assert.Equal(3, action.Json.Element.GetProperty("times").GetInt32());
    }

    [Fact]
    public void An_escaped_custom_name_reads_as_its_text()
    {
        var options = new NccoValidationOptions { CustomActions = new HashSet<string> { "Talk" } };
        var action = Assert.IsType<CustomAction>(ReadOne("""[{"action":"{0}"}]""", "\\u0054alk", options));
        Assert.Equal("Talk", action.ActionName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("t")]
    [InlineData("talks")]
    [InlineData("Talk")]
    [InlineData("conversations")]
    [InlineData("averyveryverylongname")]
    public void FindUtf8_answers_null_for_a_name_that_is_not_a_verb(string name) =>
        Assert.Null(NccoVerbs.FindUtf8(System.Text.Encoding.UTF8.GetBytes(name)));
}
