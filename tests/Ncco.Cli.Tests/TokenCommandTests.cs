using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ncco.Cli;
using Ncco.Cli.Commands;

namespace Ncco.Cli.Tests;

public sealed class TokenCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ncco-token-").FullName;
    private readonly RSA _key = RSA.Create(2048);

    public void Dispose()
    {
        _key.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Prints_an_rs256_application_jwt_that_verifies_with_the_public_key()
    {
        var keyFile = WriteKey(_key.ExportPkcs8PrivateKeyPem());
        var before = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();

        var (exit, output, _) = Run("token", "--application", "aaaaaaaa-0000-4000-8000-000000000001", "--key", keyFile);

        Assert.Equal(TokenCommand.Printed, exit);
        var parts = output.Trim().Split('.');
        Assert.Equal(3, parts.Length);
        using var verifier = RSA.Create();
        verifier.ImportFromPem(_key.ExportSubjectPublicKeyInfoPem());
        Assert.True(verifier.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        var root = claims.RootElement;
        Assert.Equal("aaaaaaaa-0000-4000-8000-000000000001", root.GetProperty("application_id").GetString());
        var iat = root.GetProperty("iat").GetInt64();
        Assert.InRange(iat, before - 1, before + 60);
        Assert.Equal(iat + 900, root.GetProperty("exp").GetInt64());
        Assert.True(Guid.TryParse(root.GetProperty("jti").GetString(), out _));
    }

    [Fact]
    public void Every_token_has_its_own_jti_and_ttl_sets_exp()
    {
        var keyFile = WriteKey(_key.ExportRSAPrivateKeyPem());

        var first = Claims(Run("token", "-a", "app", "-k", keyFile, "--ttl", "60").Output);
        var second = Claims(Run("token", "-a", "app", "-k", keyFile, "--ttl", "60").Output);

        Assert.NotEqual(first.GetProperty("jti").GetString(), second.GetProperty("jti").GetString());
        Assert.Equal(first.GetProperty("iat").GetInt64() + 60, first.GetProperty("exp").GetInt64());
    }

    [Fact]
    public void A_missing_or_wrong_key_file_fails_with_a_clear_message()
    {
        var missing = Path.Combine(_directory, "nope.key");
        var (exit, _, error) = Run("token", "--key", missing);
        Assert.Equal(TokenCommand.Failed, exit);
        Assert.Contains("cannot read the key " + missing, error);

        var publicOnly = WriteKey(_key.ExportSubjectPublicKeyInfoPem());
        (exit, _, error) = Run("token", "--key", publicOnly);
        Assert.Equal(TokenCommand.NotAKey, exit);
        Assert.Contains("is not a PEM RSA private key", error);
    }

    [Fact]
    public void A_ttl_over_a_day_is_a_usage_error()
    {
        var (exit, output, error) = Run("token", "--key", WriteKey(_key.ExportPkcs8PrivateKeyPem()), "--ttl", "90000");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Empty(output);
        Assert.Contains("--ttl must be from 1 to 86400 seconds.", error);
        Assert.Contains("Run 'ncco token --help' for usage.", error);
    }

    private string WriteKey(string pem)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".key");
        File.WriteAllText(path, pem);
        return path;
    }

    private static JsonElement Claims(string token) =>
        JsonDocument.Parse(Base64Url.DecodeFromChars(token.Trim().Split('.')[1])).RootElement.Clone();

    internal static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(new StringReader(string.Empty), output, error);
        var exit = NccoCommandLine.RunAsync(args, console).GetAwaiter().GetResult();
        return (exit, output.ToString(), error.ToString());
    }
}
