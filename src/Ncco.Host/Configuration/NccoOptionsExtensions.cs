using Microsoft.Extensions.Options;

namespace Ncco.Host.Configuration;

/// <summary>
/// Binds a section under <c>Ncco:</c> with the options pattern and checks it when the host starts
/// (<see cref="OptionsBuilderExtensions.ValidateOnStart{TOptions}"/>): keys no property matches and values that cannot
/// be read are reported as <see cref="OptionsValidationException"/> failures naming the key, one per problem, never as
/// the binder's exception from deep inside the first service that reads the options.
/// </summary>
public static class NccoOptionsExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/> of <paramref name="configuration"/>,
    /// registers the section (<see cref="NccoConfigurationSection"/>) so its keys are known, and validates it at start.
    /// Chain <c>.Validate(…)</c> or register an <see cref="IValidateOptions{TOptions}"/> for rules of its values.
    /// </summary>
    public static OptionsBuilder<TOptions> AddNccoOptions<TOptions>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(section);
        var builder = services.AddOptions<TOptions>();
        var registered = new NccoConfigurationSection(section, typeof(TOptions));
        if (services.Any(d => d.ServiceType == typeof(NccoConfigurationSection) && registered.Equals(d.ImplementationInstance))) return builder;

        services.AddSingleton(registered);
        var bound = configuration.GetSection(section);
        builder.Configure(options =>
        {
            try
            {
                bound.Bind(options);
            }
            catch (InvalidOperationException)
            {
                // A value the binder cannot convert: SectionValidator reports it by key; the options keep their defaults
                // for the rest, which no one reads because validation fails.
            }
        });
        services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(new ConfigurationChangeTokenSource<TOptions>(Options.DefaultName, bound));
        services.AddSingleton<IValidateOptions<TOptions>>(provider => new SectionValidator<TOptions>(configuration, registered, provider.GetServices<NccoConfigurationSection>()));
        builder.ValidateOnStart();
        return builder;
    }

    /// <summary>
    /// Sections the host's own options types declare (a public <c>Section</c> constant under <c>Ncco:</c>), known even
    /// when bound without <see cref="AddNccoOptions{TOptions}"/>: their keys are then not checked, but never reported as
    /// unknown either. Read once from this assembly's metadata; never changes.
    /// </summary>
    private static readonly string[] DeclaredSections = [.. typeof(NccoOptionsExtensions).Assembly.GetTypes()
        .Select(type => type.GetField("Section", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
        .Where(field => field is { IsLiteral: true } && field.FieldType == typeof(string))
        .Select(field => (string)field!.GetRawConstantValue()!)
        .Where(path => path.StartsWith(NccoHostOptions.Section + ":", StringComparison.OrdinalIgnoreCase))];

    private sealed class SectionValidator<TOptions>(IConfiguration configuration, NccoConfigurationSection section, IEnumerable<NccoConfigurationSection> all)
        : IValidateOptions<TOptions> where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            if (name != Options.DefaultName) return ValidateOptionsResult.Skip;
            var problems = NccoConfigurationCheck.Problems(configuration, section, all.Select(s => s.Path).Concat(DeclaredSections).Distinct(StringComparer.OrdinalIgnoreCase));
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
