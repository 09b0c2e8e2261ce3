namespace Ncco.Host.Errors;

/// <summary>
/// A request field that failed validation: the type the host's REST body readers (<c>src/Ncco.Host/Rest</c>, compiled
/// into this assembly for the simulator's Voice API) report problems with. The host's own is public and serialised by
/// attributes; this one is internal and written by hand.
/// </summary>
/// <param name="Name">The field, dotted for nested ones (<c>destination.ncco[0].text</c>).</param>
/// <param name="Reason">Why it is invalid.</param>
internal sealed record InvalidParameter(string Name, string Reason);
