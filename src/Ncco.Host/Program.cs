using Ncco.Host;

var builder = WebApplication.CreateBuilder(args);
builder.AddNccoHost();

var app = builder.Build();
await app.UseNccoHostAsync();
await app.RunAsync();

/// <summary>The host's entry point; public so tests can start it with a test server.</summary>
public partial class Program;
