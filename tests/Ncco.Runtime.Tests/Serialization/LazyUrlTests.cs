using System.Text;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Model.Endpoints;
using Ncco.Serialization;

namespace Ncco.Runtime.Tests.Serialization;

/// <summary>
/// URLs of a parsed NCCO are kept as their validated text and made into a <see cref="Uri"/> on first read (issue 19):
/// what a caller reads, compares and writes must be what an eagerly parsed <see cref="Uri"/> gave.
/// </summary>
public class LazyUrlTests
{
    private const string EveryUrl = """
        [
          {"action":"record","eventUrl":["https://example.com/rec"],"transcription":{"eventUrl":["https://example.com/tr?x=1"]}},
          {"action":"conversation","name":"room","musicOnHoldUrl":["https://example.com/moh.mp3"],"eventUrl":["http://example.com:8080/conv"]},
          {"action":"stream","streamUrl":["https://EXAMPLE.com/Hold.mp3"]},
          {"action":"input","type":["dtmf"],"eventUrl":["https://192.0.2.10/menu"]},
          {"action":"notify","payload":{"a":1},"eventUrl":["https://example.com/notify"]},
          {"action":"connect","eventUrl":["https://example.com/connect"],"ringbackTone":"https://example.com/ring.mp3","endpoint":[{"type":"phone","number":"447700900001","onAnswer":{"url":"https://example.com/answer","ringback":"https://example.com/rb.mp3"}}]},
          {"action":"connect","endpoint":[{"type":"websocket","uri":"wss://example.com/socket","content-type":"audio/l16;rate=16000"}]}
        ]
        """;

    private static readonly string[] Texts =
    [
        "https://example.com/rec", "https://example.com/tr?x=1", "https://example.com/moh.mp3", "http://example.com:8080/conv",
        "https://EXAMPLE.com/Hold.mp3", "https://192.0.2.10/menu", "https://example.com/notify", "https://example.com/connect",
        "https://example.com/ring.mp3", "https://example.com/answer", "https://example.com/rb.mp3", "wss://example.com/socket",
    ];

    private static Uri?[] UrlsOf(NccoDocument d)
    {
        var record = (RecordAction)d.Actions[0];
        var conversation = (ConversationAction)d.Actions[1];
        var connect = (ConnectAction)d.Actions[5];
        var phone = (PhoneEndpoint)connect.Endpoint;
        return
        [
            record.EventUrl, record.Transcription!.EventUrl, conversation.MusicOnHoldUrl, conversation.EventUrl,
            ((StreamAction)d.Actions[2]).StreamUrl, ((InputAction)d.Actions[3]).EventUrl, ((NotifyAction)d.Actions[4]).EventUrl,
            connect.EventUrl, connect.RingbackTone, phone.OnAnswer!.Url, phone.OnAnswer.RingbackTone,
            ((WebSocketEndpoint)((ConnectAction)d.Actions[6]).Endpoint).Uri,
        ];
    }

    [Fact]
    public void Every_url_property_of_a_parsed_ncco_reads_as_the_uri_its_text_makes_and_keeps_the_text_as_given()
    {
        foreach (var bytes in new[] { false, true })
        {
            var document = bytes ? NccoParser.Parse(Encoding.UTF8.GetBytes(EveryUrl).AsMemory()).GetDocumentOrThrow() : NccoDocument.Parse(EveryUrl);
            var urls = UrlsOf(document);
            for (var i = 0; i < Texts.Length; i++)
            {
                Assert.NotNull(urls[i]);
                Assert.Equal(new Uri(Texts[i], UriKind.Absolute), urls[i]);
                Assert.Equal(Texts[i], urls[i]!.OriginalString);
                Assert.Equal(new Uri(Texts[i]).AbsoluteUri, urls[i]!.AbsoluteUri);
            }
            // Made once, then the same instance on every read.
            var again = UrlsOf(document);
            for (var i = 0; i < Texts.Length; i++) Assert.Same(urls[i], again[i]);
        }
    }

    [Fact]
    public void A_parsed_ncco_equals_the_same_ncco_built_with_eager_uris_both_ways_with_equal_hash_codes()
    {
        var parsed = NccoDocument.Parse(EveryUrl);
        var eager = NccoDocument.Parse(EveryUrl);
        // Read every URL of one copy first: a parsed Uri and a held text compare alike, whichever side holds which.
        _ = UrlsOf(eager);
        Assert.Equal(eager, parsed);
        Assert.Equal(parsed, eager);
        Assert.Equal(eager.GetHashCode(), NccoDocument.Parse(EveryUrl).GetHashCode());

        var built = new StreamAction(new Uri("https://example.com/hold.mp3"));
        var read = (StreamAction)NccoDocument.Parse("""[{"action":"stream","streamUrl":["https://example.com/hold.mp3"]}]""").Actions[0];
        Assert.Equal(built, read);
        Assert.Equal(built.GetHashCode(), read.GetHashCode());
        Assert.NotEqual(built, (StreamAction)NccoDocument.Parse("""[{"action":"stream","streamUrl":["https://example.com/other.mp3"]}]""").Actions[0]);
        // Uri's own equality (the host ignores case) holds between a held text and a parsed Uri.
        Assert.Equal(new StreamAction(new Uri("https://Example.COM/hold.mp3")), read);
    }

    [Fact]
    public void With_expressions_and_round_trips_keep_the_urls()
    {
        var document = NccoDocument.Parse(EveryUrl);
        var stream = (StreamAction)document.Actions[2];
        var louder = stream with { Level = 0.5 };
        Assert.Equal(stream.StreamUrl, louder.StreamUrl);
        var moved = stream with { StreamUrl = new Uri("https://example.com/moved.mp3") };
        Assert.Equal("https://example.com/moved.mp3", moved.StreamUrl.OriginalString);
        Assert.Equal("https://EXAMPLE.com/Hold.mp3", stream.StreamUrl.OriginalString);

        Assert.Equal(document, NccoDocument.Parse(document.ToJson()));
        Assert.Contains("\"https://EXAMPLE.com/Hold.mp3\"", document.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Concurrent_first_reads_return_equal_uris()
    {
        for (var round = 0; round < 200; round++)
        {
            var stream = (StreamAction)NccoDocument.Parse("""[{"action":"stream","streamUrl":["https://example.com/a.mp3"]}]""").Actions[0];
            var seen = new Uri[4];
            Parallel.For(0, seen.Length, i => seen[i] = stream.StreamUrl);
            Assert.All(seen, u => Assert.Equal(new Uri("https://example.com/a.mp3"), u));
            Assert.Same(stream.StreamUrl, stream.StreamUrl);
        }
    }

    [Theory]
    [InlineData("""[{"action":"stream","streamUrl":["ftp://example.com/a.mp3"]}]""", "/0/streamUrl/0")]
    [InlineData("""[{"action":"stream","streamUrl":["https://exa mple.com/a.mp3"]}]""", "/0/streamUrl/0")]
    [InlineData("""[{"action":"stream","streamUrl":["example.com/a.mp3"]}]""", "/0/streamUrl/0")]
    [InlineData("""[{"action":"record","eventUrl":["https://"]}]""", "/0/eventUrl/0")]
    [InlineData("""[{"action":"connect","ringbackTone":"http//example.com/r.mp3","endpoint":[{"type":"phone","number":"447700900001"}]}]""", "/0/ringbackTone")]
    [InlineData("""[{"action":"connect","endpoint":[{"type":"phone","number":"447700900001","onAnswer":{"url":"https://example.com:99999/a"}}]}]""", "/0/endpoint/0/onAnswer/url")]
    [InlineData("""[{"action":"connect","endpoint":[{"type":"websocket","uri":"https://example.com/socket","content-type":"audio/l16;rate=16000"}]}]""", "/0/endpoint/0/uri")]
    public void A_bad_url_is_still_rejected_naming_the_field(string json, string pointer)
    {
        var result = NccoParser.Parse(json);
        Assert.Null(result.Document);
        var error = Assert.Single(result.Errors);
        Assert.Equal(pointer, error.Pointer);
        Assert.Equal("format", error.Code);
    }

    [Fact]
    public void The_held_value_parses_on_first_read_and_compares_as_uri_does()
    {
        var held = LazyUrl.FromValidatedText("https://example.com/a?b=1");
        Assert.True(held.IsDeferred);
        Assert.Equal("https://example.com/a?b=1", held.Text);
        Assert.Equal(new LazyUrl(new Uri("https://EXAMPLE.com/a?b=1")), held);
        Assert.Equal(new LazyUrl(new Uri("https://EXAMPLE.com/a?b=1")).GetHashCode(), held.GetHashCode());
        Assert.True(held.IsDeferred);
        var url = held.Value;
        Assert.False(held.IsDeferred);
        Assert.Same(url, held.Value);
        Assert.Equal(default(LazyUrl), new LazyUrl(null));
        Assert.NotEqual(default, held);
        Assert.Null(default(LazyUrl).Value);
        Assert.Equal(held, default(LazyUrl).Or(held));
    }
}
