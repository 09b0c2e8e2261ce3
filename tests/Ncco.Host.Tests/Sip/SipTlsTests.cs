using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Legs.Sip;
using Ncco.Sip.Transport;

namespace Ncco.Host.Tests.Sip;

/// <summary><c>Ncco:Sip:Tls</c>: <c>sips:</c> calls in and out with the test softphone over TLS on loopback.</summary>
public sealed class SipTlsTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_softphone_calls_in_over_tls_with_a_sips_uri_and_hears_the_talk()
    {
        await using var h = await SipHostHarness.StartAsync("--Ncco:Sip:Tls:Enabled=true", "--Ncco:Sip:Tls:Port=0");
        h.App.Ncco("/answer", """[{"action":"talk","text":"Hello over a secure line, this sentence is long enough to hear."}]""");
        var gateway = h.Host.Services.GetRequiredService<SipGateway>();
        // The host's certificate is self-signed (made at start): the phone pins it.
        var hostCertificate = gateway.TlsCertificate!.GetCertHashString();
        using var phoneCertificate = SelfSigned();
        var tls = new SipTlsOptions { Certificate = phoneCertificate, ServerCertificateValidation = (_, c, _, _) => c?.GetCertHashString() == hostCertificate };

        await using var phone = await TestSoftphone.CallAsync(gateway.TlsEndPoint!, SipHostHarness.User, 10000 + (Random.Shared.Next(0, 450) * 20), tls: tls);
        await phone.AnsweredAsync(Limit);
        Assert.Equal(SipTransportKind.Tls, phone.Call!.Target.Transport);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (phone.FramesVoiced < 25)
        {
            Assert.True(waited.Elapsed < Limit, $"talk not heard: {phone.FramesVoiced} voiced of {phone.FramesHeard} frames");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_sips_endpoint_is_called_over_tls_trusting_the_listed_thumbprint()
    {
        using var phoneCertificate = SelfSigned();
        await using var phone = TestSoftphone.Listen(10000 + (Random.Shared.Next(0, 450) * 20), new SipTlsOptions { Certificate = phoneCertificate });
        await using var h = await SipHostHarness.StartAsync("--Ncco:Sip:Tls:Enabled=true", "--Ncco:Sip:Tls:Port=0",
            $"--Ncco:Sip:Tls:TrustedThumbprints:0={phoneCertificate.GetCertHashString()}");
        var uuid = await h.CreateCallAsync($$"""
            {"to":[{"type":"sip","uri":"sips:phone@127.0.0.1:{{phone.TlsPort.ToString(CultureInfo.InvariantCulture)}}"}],"from":{"type":"phone","number":"447700900000"},
             "ncco":[{"action":"talk","text":"Hello over TLS."}]}
            """);

        await phone.AnswerAsync(Limit);
        Assert.Equal("sips", phone.Incoming!.Invite.Uri.Scheme);
        await h.App.WaitForStatusAsync(uuid, "answered", Limit);
    }

    [Fact]
    public async Task A_sips_endpoint_whose_certificate_is_not_trusted_fails_without_answering()
    {
        using var phoneCertificate = SelfSigned();
        await using var phone = TestSoftphone.Listen(10000 + (Random.Shared.Next(0, 450) * 20), new SipTlsOptions { Certificate = phoneCertificate });
        await using var h = await SipHostHarness.StartAsync("--Ncco:Sip:Tls:Enabled=true", "--Ncco:Sip:Tls:Port=0");
        var uuid = await h.CreateCallAsync($$"""
            {"to":[{"type":"sip","uri":"sips:phone@127.0.0.1:{{phone.TlsPort.ToString(CultureInfo.InvariantCulture)}}"}],"from":{"type":"phone","number":"447700900000"},
             "ncco":[{"action":"talk","text":"never heard"}]}
            """);

        await h.App.WaitForStatusAsync(uuid, "failed", Limit);
        Assert.DoesNotContain(h.App.All, w => w.Json is { } j && j.TryGetProperty("status", out var s) && s.GetString() == "answered");
    }

    [Fact]
    public void Bad_tls_settings_stop_startup_naming_the_setting()
    {
        var missing = Assert.Throws<InvalidOperationException>(() =>
            SipTlsSettings.From(new SipTlsListenerOptions { Enabled = true, CertificatePath = "/nonexistent/ncco.pfx", CertificatePassword = "pfx-secret" }, "127.0.0.1", TimeProvider.System));
        Assert.Contains("Ncco:Sip:Tls:CertificatePath", missing.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pfx-secret", missing.Message, StringComparison.Ordinal);
        var thumbprint = Assert.Throws<InvalidOperationException>(() =>
            SipTlsSettings.From(new SipTlsListenerOptions { Enabled = true, TrustedThumbprints = ["abc"] }, "127.0.0.1", TimeProvider.System));
        Assert.Contains("Ncco:Sip:Tls:TrustedThumbprints", thumbprint.Message, StringComparison.Ordinal);
        Assert.Null(SipTlsSettings.From(new SipTlsListenerOptions(), "127.0.0.1", TimeProvider.System));
    }

    [Fact]
    public void A_configured_pkcs12_file_is_loaded_with_its_password()
    {
        using var certificate = SelfSigned();
        var path = Path.Combine(Path.GetTempPath(), $"ncco-sip-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, "pfx-pw"));
        try
        {
            var settings = SipTlsSettings.From(new SipTlsListenerOptions { Enabled = true, CertificatePath = path, CertificatePassword = "pfx-pw" }, "127.0.0.1", TimeProvider.System)!;
            Assert.Equal(certificate.Thumbprint, settings.Certificate.Thumbprint);
            Assert.False(settings.SelfSigned);
            Assert.Throws<InvalidOperationException>(() =>
                SipTlsSettings.From(new SipTlsListenerOptions { Enabled = true, CertificatePath = path, CertificatePassword = "wrong" }, "127.0.0.1", TimeProvider.System));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddMinutes(-5), TimeProvider.System.GetUtcNow().AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
