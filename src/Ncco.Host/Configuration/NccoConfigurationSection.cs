namespace Ncco.Host.Configuration;

/// <summary>
/// A configuration section under <c>Ncco:</c> and the options type it binds to. The host registers one for each of its
/// sections (<see cref="NccoOptionsExtensions.AddNccoOptions{TOptions}"/>); an extension that adds its own section under
/// <c>Ncco:</c> registers it the same way, so its keys are checked at start instead of being reported as unknown.
/// </summary>
/// <param name="Path">The section's path, such as <c>Ncco:Shutdown</c>.</param>
/// <param name="OptionsType">The type the section binds to; its public settable properties are the section's keys.</param>
public sealed record NccoConfigurationSection(string Path, Type OptionsType);
