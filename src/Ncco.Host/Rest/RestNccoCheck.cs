using Ncco.Calls;
using Ncco.Validation;

namespace Ncco.Host.Rest;

/// <summary>
/// How one REST request checks the NCCO fragments it carries (<c>ncco</c> and <c>to</c> of <c>POST /v1/calls</c>,
/// <c>destination.ncco</c> of a transfer) and the warnings it collected. With <c>Ncco:Validation:Strict</c> an unknown
/// property is an error like any other: the request gets 400 with <c>invalid_parameters</c> naming it
/// (<c>ncco[0].voice_name</c>). Without it (the default, as on Vonage, whose schema does not forbid extra
/// properties) the property is ignored and the warning, named the same way, goes on the call's timeline, the dashboard
/// and the host's log once the call exists — the same treatment as an NCCO an answer webhook returned.
/// </summary>
internal sealed class RestNccoCheck(bool strict)
{
    private readonly List<string> _warnings = [];

    /// <summary>The validation options the NCCO rule table runs with.</summary>
    public NccoValidationOptions Validation { get; } = new() { Strict = strict };

    /// <summary>Warnings collected, each naming its REST field (<c>ncco[0].voice_name</c>), the code and the reason.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Adds the parser's warnings, their pointers under the REST field <paramref name="restField"/>.</summary>
    public void AddWarnings(string restField, IEnumerable<NccoError> warnings)
    {
        foreach (var w in warnings) _warnings.Add($"{restField}{PointerPath.Suffix(w.Pointer)} {w.Code}: {w.Message}");
    }

    /// <summary>Adds warnings already named by REST field.</summary>
    public void AddWarning(string restName, NccoError warning) => _warnings.Add($"{restName} {warning.Code}: {warning.Message}");

    /// <summary>Shows the warnings on leg <paramref name="legId"/>'s timeline (runs on the VM thread).</summary>
    public Task ReportAsync(NccoVm vm, string legId, string request)
    {
        if (_warnings.Count == 0) return Task.CompletedTask;
        return vm.InvokeAsync(() =>
        {
            foreach (var w in _warnings)
            {
                vm.Observer.OnActivity(vm.Scheduler.UtcNow, legId, VmActivity.Warning, $"NCCO from {request}: {w} (ignored)");
            }
            return true;
        });
    }
}
