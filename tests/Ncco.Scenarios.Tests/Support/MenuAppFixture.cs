namespace Ncco.Scenarios.Tests.Support;

/// <summary>One <see cref="MenuApp"/> shared by the tests of a class (scenarios do not share state through it).</summary>
public sealed class MenuAppFixture : IAsyncLifetime
{
    private MenuApp? _app;

    public Uri BaseUrl => _app!.BaseUrl;

    public async Task InitializeAsync() => _app = await MenuApp.StartAsync();

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
