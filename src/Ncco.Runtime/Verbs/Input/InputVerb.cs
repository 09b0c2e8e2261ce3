using Ncco.Handlers;
using Ncco.Model;
using Ncco.Model.Actions;

namespace Ncco.Verbs;

/// <summary>The <c>input</c> verb's entry in <see cref="NccoVerbs"/>.</summary>
internal static class InputVerb
{
    public static NccoVerb Entry { get; } = NccoVerb.Of<InputAction>(ActionNames.Input, InputJson.Read, InputJson.Write, () => new InputHandler(), i => $"input {i.Type}" + (i.Mode == InputMode.Asynchronous ? " async" : ""));
}
