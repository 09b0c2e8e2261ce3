namespace Ncco.Host.Demo;

/// <summary>The provisioned demo application: what a newcomer needs to mint a token and place a call.</summary>
/// <param name="ApplicationId">The application's id.</param>
/// <param name="PrivateKeyPath">The full path of its PEM private key.</param>
/// <param name="PublicUrl">The base URL its webhooks point to.</param>
public sealed record DemoApplicationInfo(string ApplicationId, string PrivateKeyPath, Uri PublicUrl)
{
    /// <summary>The echo bot's WebSocket URL (<c>ws://…/demo/bot</c>).</summary>
    public Uri BotUrl => DemoNccos.BotUrl(PublicUrl);
}
