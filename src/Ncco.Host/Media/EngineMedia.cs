using Ncco.Legs;

namespace Ncco.Host.Media;

/// <summary>
/// What one <see cref="Ncco.Calls.VoiceEngine"/> needs for real media: set <see cref="Plane"/> as
/// <see cref="Ncco.Calls.VoiceEngineOptions.Media"/> and <see cref="Dialer"/> as <see cref="Ncco.Calls.VoiceEngineOptions.Dialer"/>.
/// </summary>
/// <param name="Plane">Mixing, recording files and speech recognition for the engine's legs.</param>
/// <param name="Dialer">Creates WebSocket legs; phone/sip/app/vbc legs fail at once with <c>failed</c>/<c>cannot_route</c>.</param>
public sealed record EngineMedia(IMediaPlane Plane, ILegDialer Dialer);
