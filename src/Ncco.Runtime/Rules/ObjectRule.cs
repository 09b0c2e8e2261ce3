namespace Ncco.Rules;

/// <summary>What an action, an endpoint or a settings object may contain.</summary>
public sealed class ObjectRule
{
    /// <summary>Creates a rule.</summary>
    public ObjectRule(string name, string description, PropertyRule[] properties, CrossFieldRule[]? crossFieldRules = null)
    {
        Name = name;
        Description = description;
        Properties = properties;
        CrossFieldRules = crossFieldRules ?? [];
    }

    /// <summary>
    /// The rule's name: an action name (<c>talk</c>), <c>endpoint.&lt;type&gt;</c> for endpoints, or the name of
    /// a settings object (<c>dtmfSettings</c>).
    /// </summary>
    public string Name { get; }

    /// <summary>A sentence for people.</summary>
    public string Description { get; }

    /// <summary>Every property the object defines (the discriminator included).</summary>
    public PropertyRule[] Properties { get; }

    /// <summary>Rules that relate several properties.</summary>
    public CrossFieldRule[] CrossFieldRules { get; }

    /// <summary>Finds a property by any accepted spelling (exact match).</summary>
    public PropertyRule? Find(string name)
    {
        foreach (var property in Properties)
        {
            if (property.Name == name) return property;
            foreach (var alias in property.Aliases)
            {
                if (alias == name) return property;
            }
        }
        return null;
    }

    /// <summary>Finds a property whose spelling differs only in case or separators, for "did you mean" hints.</summary>
    public PropertyRule? FindSimilar(string name)
    {
        var wanted = Normalize(name);
        foreach (var property in Properties)
        {
            foreach (var spelling in property.AllNames())
            {
                if (Normalize(spelling) == wanted) return property;
            }
        }
        return null;
    }

    private static string Normalize(string name) =>
        name.Replace("_", string.Empty).Replace("-", string.Empty).ToLowerInvariant();
}
