using Ncco.Rules;

namespace Ncco.Runtime.Tests.Rules;

/// <summary>
/// The URL formats accept the common <c>https://host/path</c> form by a strict scan instead of building a
/// <see cref="Uri"/>: the scan must never accept what <see cref="Uri"/> rejects, so the findings stay those of the
/// full parse.
/// </summary>
public class PlainUrlScanTests
{
    [Theory]
    [InlineData("https://example.com/webhooks/recording")]
    [InlineData("http://example.com")]
    [InlineData("https://api.example.co.uk:8443/v1/events?call=abc-123&leg=2")]
    [InlineData("https://a-b.example.com/x/(y)/*/~z;p=1,2:3@4!$'+")]
    [InlineData("http://localhost:0/")]
    [InlineData("https://example.com/../up/./here")]
    public void Scan_accepts_the_plain_form_and_uri_agrees(string url)
    {
        Assert.True(FormatChecks.IsPlainUrl(url, "http", "https"));
        Assert.True(UriAccepts(url, "http", "https"));
        Assert.Null(FormatChecks.Check(ValueFormat.HttpUrl, url));
    }

    [Theory]
    [InlineData("HTTPS://example.com/")] // scheme case
    [InlineData("https://Example.com/")] // host case
    [InlineData("https://10.0.0.1/hook")] // IPv4
    [InlineData("https://123/hook")] // all-digit host
    [InlineData("https://[::1]/hook")]
    [InlineData("https://user:pass@example.com/")]
    [InlineData("https://example.com:/x")] // empty port
    [InlineData("https://example.com:65536/x")]
    [InlineData("https://example.com:123456/x")]
    [InlineData("https://-a.example.com/")]
    [InlineData("https://a-.example.com/")]
    [InlineData("https://xn--bcher-kva.example/")]
    [InlineData("https://example..com/")]
    [InlineData("https://example.com./")]
    [InlineData("https:///path")]
    [InlineData("https://")]
    [InlineData("https://example.com/a%20b")]
    [InlineData("https://example.com/a b")]
    [InlineData("https://example.com/a#frag")]
    [InlineData("https://example.com/ü")]
    [InlineData("https://example.com\\x")]
    [InlineData("ftp://example.com/")]
    [InlineData("wss://example.com/")]
    public void Scan_leaves_every_other_form_to_uri(string url)
    {
        Assert.False(FormatChecks.IsPlainUrl(url, "http", "https"));
        // ...and the format's verdict is still the full parse's.
        Assert.Equal(UriAccepts(url, "http", "https"), FormatChecks.Check(ValueFormat.HttpUrl, url) is null);
    }

    [Fact]
    public void WebSocket_uris_take_the_same_scan()
    {
        Assert.True(FormatChecks.IsPlainUrl("wss://example.com/socket", "ws", "wss"));
        Assert.True(FormatChecks.IsPlainUrl("ws://media.example.com:8080/in?call=1", "ws", "wss"));
        Assert.False(FormatChecks.IsPlainUrl("https://example.com/socket", "ws", "wss"));
        Assert.Null(FormatChecks.Check(ValueFormat.WebSocketUri, "wss://example.com/socket"));
        Assert.NotNull(FormatChecks.Check(ValueFormat.WebSocketUri, "https://example.com/socket"));
    }

    /// <summary>
    /// Seeded random URLs from an alphabet of every character class the scan treats differently (host and path
    /// characters, delimiters, digits, case, escapes, spaces, non-ASCII): wherever the scan accepts, Uri accepts with
    /// that scheme and a host, and the format check's verdict always equals the full parse's.
    /// </summary>
    [Fact]
    public void Scan_never_accepts_what_uri_rejects()
    {
        const string Alphabet = "abcxyz0189-._~/?#=&:@!$'()*+,;%[]\\ AZü\t\"<>^`{|}";
        var random = new Random(19);
        string[] prefixes = ["https://", "http://", "https://example.com", "http://a.b", "https://x-y.z:", "wss://", "https:/", "HTTP://"];
        var accepted = 0;
        for (var n = 0; n < 20_000; n++)
        {
            var chars = new char[random.Next(0, 24)];
            for (var i = 0; i < chars.Length; i++) chars[i] = Alphabet[random.Next(Alphabet.Length)];
            var url = prefixes[random.Next(prefixes.Length)] + new string(chars);
            var uriAccepts = UriAccepts(url, "http", "https");
            if (FormatChecks.IsPlainUrl(url, "http", "https"))
            {
                accepted++;
                Assert.True(uriAccepts, url);
            }
            Assert.Equal(uriAccepts, FormatChecks.Check(ValueFormat.HttpUrl, url) is null);
        }
        Assert.True(accepted > 100, $"the sweep exercised the fast path only {accepted} times");
    }

    private static bool UriAccepts(string text, string scheme, string secureScheme) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == scheme || uri.Scheme == secureScheme) && uri.Host.Length > 0;
}
