using Ncco.Legs;

namespace Ncco.Host.MediaPlane;

/// <summary>
/// What one <see cref="Ncco.Calls.NccoVm"/> needs for real media: set <see cref="Plane"/> as
/// <see cref="Ncco.Calls.NccoVmOptions.Media"/> and <see cref="Dialer"/> as <see cref="Ncco.Calls.NccoVmOptions.Dialer"/>.
/// </summary>
/// <param name="Plane">Mixing, recording files and speech recognition for the VM's legs.</param>
/// <param name="Dialer">Creates WebSocket legs; phone/sip/app/vbc legs fail at once with <c>failed</c>/<c>cannot_route</c>.</param>
public sealed record VmMediaWiring(IMediaPlane Plane, ILegDialer Dialer);
