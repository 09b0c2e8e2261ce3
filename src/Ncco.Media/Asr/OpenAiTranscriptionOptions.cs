namespace Ncco.Media.Asr;

/// <summary>Settings for an OpenAI-compatible <c>POST /v1/audio/transcriptions</c> service (OpenAI, whisper.cpp server, faster-whisper servers, …).</summary>
/// <param name="BaseAddress">Service root, e.g. <c>http://127.0.0.1:8080/</c>; the path <c>v1/audio/transcriptions</c> is appended.</param>
/// <param name="Model">Model name sent in the <c>model</c> field.</param>
/// <param name="ApiKey">Sent as <c>Authorization: Bearer</c> when set.</param>
/// <param name="Timeout">Request timeout.</param>
public sealed record OpenAiTranscriptionOptions(Uri BaseAddress, string Model = "whisper-1", string? ApiKey = null, TimeSpan? Timeout = null);
