using Ncco.Model.Actions;

namespace Ncco;

public sealed partial class NccoBuilder
{
    /// <summary>
    /// Adds a custom action <c>{"action": name, …properties}</c> (see <see cref="CustomAction.Create"/>); the VM
    /// that runs the NCCO needs a handler registered under <paramref name="name"/>.
    /// </summary>
    /// <param name="name">The wire name; not a built-in verb's.</param>
    /// <param name="properties">Anything that serialises to a JSON object (a record, an anonymous object); camelCased.</param>
    public NccoBuilder Custom(string name, object? properties = null) => Add(CustomAction.Create(name, properties));
}
