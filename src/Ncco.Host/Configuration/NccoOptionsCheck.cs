using Microsoft.Extensions.Options;

namespace Ncco.Host.Configuration;

/// <summary>
/// Validates every registered <see cref="NccoConfigurationSection"/> at once, before any service reads its options, so a
/// start with several mistakes reports them all in one go (one line each) instead of the first one some constructor
/// happened to read. <c>ValidateOnStart</c> alone cannot: hosted services are built — and read their options — before
/// its check runs, so the first section a constructor touches wins.
/// </summary>
public static class NccoOptionsCheck
{
    /// <summary>
    /// Creates each section's options through its <see cref="IOptionsFactory{TOptions}"/> (binding and every validator)
    /// and throws one <see cref="OptionsValidationException"/> holding every failure of every section, if any failed.
    /// </summary>
    public static void ThrowIfAnyInvalid(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var failures = new List<string>();
        foreach (var type in services.GetServices<NccoConfigurationSection>().Select(s => s.OptionsType).Distinct())
        {
            var factory = services.GetService(typeof(IOptionsFactory<>).MakeGenericType(type));
            if (factory is null) continue;
            try
            {
                typeof(IOptionsFactory<>).MakeGenericType(type).GetMethod(nameof(IOptionsFactory<object>.Create))!.Invoke(factory, [Options.DefaultName]);
            }
            catch (System.Reflection.TargetInvocationException e) when (e.InnerException is OptionsValidationException validation)
            {
                failures.AddRange(validation.Failures);
            }
        }
        if (failures.Count > 0) throw new OptionsValidationException(Options.DefaultName, typeof(NccoHostOptions), [.. failures.Distinct(StringComparer.Ordinal)]);
    }
}
