using Ncco.Calls;
using Ncco.Diagnostics;
using Ncco.Webhooks;

namespace Ncco.Runtime.Tests.Webhooks;

/// <summary>
/// The span names and tags built per webhook and per activity line are constants (issue 19), and exactly the text they
/// were built as before: the enum's name in lower case.
/// </summary>
public sealed class TracingNamesTests
{
    [Fact]
    public void Every_webhook_kind_has_its_lower_case_name_and_span_name()
    {
        foreach (var kind in Enum.GetValues<WebhookKind>())
        {
            var name = kind.ToString().ToLowerInvariant();
            Assert.Equal((name, "webhook " + name), NccoTracing.NamesOf(kind));
        }
    }

    [Fact]
    public void Every_activity_line_has_its_lower_case_event_name()
    {
        foreach (var activity in Enum.GetValues<VmActivity>())
        {
            Assert.Equal("ncco." + activity.ToString().ToLowerInvariant(), NccoTracing.EventNameOf(activity));
        }
    }

    [Fact]
    public void The_names_are_the_same_strings_every_time()
    {
        Assert.Same(NccoTracing.NamesOf(WebhookKind.Event).Name, NccoTracing.NamesOf(WebhookKind.Event).Name);
        Assert.Same(NccoTracing.EventNameOf(VmActivity.Status), NccoTracing.EventNameOf(VmActivity.Status));
    }
}
