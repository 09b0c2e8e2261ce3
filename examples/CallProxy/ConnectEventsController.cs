using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

/// <summary>
/// The connect action's synchronous events. If the courier is busy or does not answer, the NCCO returned here
/// replaces the rest of the call's NCCO and tries the depot instead.
/// </summary>
[ApiController]
[Route("webhooks/connect-events")]
public sealed class ConnectEventsController : ControllerBase
{
    /// <summary>The depot's real number: the fallback when a courier cannot take the call.</summary>
    public const string Depot = "447700900999";

    /// <summary>Answers a connect event: a fallback NCCO for a failed leg, an empty 200 otherwise.</summary>
    [HttpPost]
    public IActionResult Post([FromBody] JsonElement body)
    {
        var status = body.TryGetProperty("status", out var s) ? s.GetString() : null;
        if (status is not ("busy" or "unanswered" or "timeout" or "rejected" or "failed"))
            return Ok();
        return new JsonResult(new object[]
        {
            new { action = "talk", text = "Your courier is not available. Connecting you to the depot." },
            new { action = "connect", from = "447700900100", endpoint = new[] { new { type = "phone", number = Depot } } },
            new { action = "talk", text = "Goodbye." },
        });
    }
}
