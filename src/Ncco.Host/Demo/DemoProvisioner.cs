using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Ncco.Host.Applications;
using Ncco.Host.Configuration;

namespace Ncco.Host.Demo;

/// <summary>
/// Creates (or repairs) the built-in demo application once the host has started: a fixed id, a private key kept in
/// <c>&lt;DataDirectory&gt;/demo-application.key</c> across restarts so tokens can be minted with it, and webhooks
/// pointing at this host's <c>/demo/answer</c> and <c>/demo/events</c>.
/// </summary>
/// <remarks>
/// It runs in <see cref="StartedAsync"/> because only then does the server know the address it listens on (a
/// configured port 0 becomes a real one), which is the default public URL. It is idempotent: an existing
/// application keeps its other settings and only gets its key and the two webhook URLs put right. A failure is
/// logged and leaves the host running: the demo must never keep the real API from serving.
/// </remarks>
public sealed class DemoProvisioner(
    IApplicationRepository applications,
    IOptions<DemoOptions> demoOptions,
    IOptions<NccoHostOptions> hostOptions,
    IServiceProvider services,
    ILogger<DemoProvisioner> logger) : IHostedLifecycleService
{
    /// <summary>Used when neither <c>Ncco:PublicUrl</c> nor a listening address is known.</summary>
    public const string DefaultPublicUrl = HostPublicUrl.Default;

    /// <summary>The demo application once provisioned; null before, when disabled, or when provisioning failed.</summary>
    public DemoApplicationInfo? Application { get; private set; }

    /// <summary>
    /// False until the start-up provisioning has run (its key file written and its row stored, or its failure
    /// logged); <c>/health/ready</c> answers 503 until then. True at once when the demo is disabled.
    /// </summary>
    public bool Settled => !demoOptions.Value.Enabled || _settled;

    private volatile bool _settled;

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        if (demoOptions.Value.OffForRemoteBind)
        {
            logger.LogInformation("The demo is off because the host listens beyond loopback; set Ncco:Demo:Enabled=true to serve it there");
        }
        if (!demoOptions.Value.Enabled) return;
        try
        {
            await EnsureAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "The demo application could not be provisioned; the host runs without it. Set Ncco:Demo:Enabled=false to skip it");
        }
        finally
        {
            _settled = true;
        }
    }

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Creates the demo application, or puts its key and webhooks right; returns what was provisioned.</summary>
    public async Task<DemoApplicationInfo> EnsureAsync(CancellationToken cancellationToken)
    {
        var options = demoOptions.Value;
        if (!Guid.TryParse(options.ApplicationId, out _))
        {
            throw new InvalidOperationException($"Ncco:Demo:ApplicationId '{options.ApplicationId}' is not a UUID.");
        }
        var id = options.ApplicationId.ToLowerInvariant();
        var baseUrl = DemoNccos.BaseUrl(PublicUrl());
        var keyPath = Path.Combine(Path.GetFullPath(hostOptions.Value.DataDirectory), DemoOptions.KeyFileName);
        var publicKey = await LoadOrCreateKeyAsync(keyPath, cancellationToken);

        var answer = new Webhook(new Uri(baseUrl, "demo/answer"), "GET");
        var events = new Webhook(new Uri(baseUrl, "demo/events"), "POST");
        var existing = await applications.FindAsync(id, cancellationToken);
        if (existing is null)
        {
            await applications.AddAsync(new Application(id, options.Name, publicKey) { Voice = new VoiceCapability { AnswerUrl = answer, EventUrl = events } }, cancellationToken);
            logger.LogInformation("Demo application {ApplicationId} created; its private key is {KeyPath}", id, keyPath);
        }
        else if (existing.PublicKey.Trim() != publicKey.Trim() || existing.Voice?.AnswerUrl != answer || existing.Voice?.EventUrl != events)
        {
            var voice = (existing.Voice ?? new VoiceCapability()) with { AnswerUrl = answer, EventUrl = events };
            await applications.ReplaceAsync(existing with { PublicKey = publicKey, Voice = voice }, cancellationToken);
            logger.LogInformation("Demo application {ApplicationId} updated to this host's key and webhooks ({BaseUrl})", id, baseUrl);
        }

        Application = new DemoApplicationInfo(id, keyPath, baseUrl);
        return Application;
    }

    private string PublicUrl()
    {
        if (!string.IsNullOrWhiteSpace(demoOptions.Value.PublicUrl)) return demoOptions.Value.PublicUrl;
        return services.GetRequiredService<HostPublicUrl>().Resolve() + "/";
    }

    // The private key outlives the database row: a newcomer who minted tokens keeps minting them after a restart, and
    // a deleted application comes back with the same key.
    private async Task<string> LoadOrCreateKeyAsync(string keyPath, CancellationToken cancellationToken)
    {
        if (!File.Exists(keyPath))
        {
            var pair = KeyPair.Generate();
            Directory.CreateDirectory(Path.GetDirectoryName(keyPath)!);
            var temporary = keyPath + "." + Guid.NewGuid().ToString("N") + ".tmp";
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            await using (var stream = new FileStream(temporary, create))
            await using (var writer = new StreamWriter(stream))
            {
                await writer.WriteAsync(pair.PrivateKeyPem.AsMemory(), cancellationToken);
            }
            try
            {
                File.Move(temporary, keyPath, overwrite: false);
            }
            catch (IOException) when (File.Exists(keyPath))
            {
                // Another host on the same data directory won the race; its key is the one to use.
                File.Delete(temporary);
            }
        }

        var pem = await File.ReadAllTextAsync(keyPath, cancellationToken);
        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] is not ("PRIVATE KEY" or "RSA PRIVATE KEY"))
        {
            throw new InvalidDataException($"{keyPath} does not hold a PEM private key; delete it to have a new one generated.");
        }
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa.ExportSubjectPublicKeyInfoPem();
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw new InvalidDataException($"{keyPath} does not hold a PEM RSA private key; delete it to have a new one generated.", e);
        }
    }
}
