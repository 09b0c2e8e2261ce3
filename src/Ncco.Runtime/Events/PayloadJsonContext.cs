using System.Text.Json.Serialization;

namespace Ncco.Events;

/// <summary>
/// Compile-time serializers for every webhook payload the VM sends (System.Text.Json's source-generated fast path:
/// one straight-line write method per record). Without it the first payload of a process built its serializer by
/// reflection and emitted property accessors — about 200 JIT-compiled and dynamic methods before a first webhook
/// could leave, and a metadata walk per payload afterwards. Wire names, order and null handling are those of the
/// records' attributes; the relaxed encoder is the writer's (<see cref="PayloadJson.Serialize"/>).
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(AnswerRequest))]
[JsonSerializable(typeof(CallStatusEvent))]
[JsonSerializable(typeof(InputEvent))]
[JsonSerializable(typeof(RecordEvent))]
[JsonSerializable(typeof(NotifyEvent))]
[JsonSerializable(typeof(TransferEvent))]
[JsonSerializable(typeof(ErrorEvent))]
[JsonSerializable(typeof(TranscriptionEvent))]
internal sealed partial class PayloadJsonContext : JsonSerializerContext;
