using System.Diagnostics;
using System.Text;
using Ncco.Sip.Messages;
using Ncco.Sip.Parsing;
using Ncco.Sip.Sdp;
using Ncco.Sip.Tests.Support;

namespace Ncco.Sip.Tests.Parsing;

/// <summary>
/// Bounded mutation fuzzing over the torture corpus: byte flips, truncation, duplication of slices, random headers and
/// splices. Fixed seed so a failure reproduces; the iteration count bounds the time.
/// </summary>
public sealed class FuzzTests
{
    private const int Iterations = 20_000;
    private const string Specials = "\r\n:;<>\",@[] \t%";

    [Fact]
    public void Mutated_messages_never_throw_anything_but_the_parse_error()
    {
        var corpus = TortureCase.Named("").Select(o => TortureCase.Load((string)o[0]).Bytes).ToArray();
        var random = new Random(7_0_3261);
        var parsed = 0;
        var rejected = 0;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Iterations; i++)
        {
            var input = Mutate(corpus[random.Next(corpus.Length)], corpus, random);
            try
            {
                var message = SipMessageParser.Parse(input);
                // Whatever parsed must serialize and parse again, and its typed views must be readable.
                var again = SipMessageParser.Parse(message.ToBytes());
                _ = again.Vias;
                _ = again.Contacts;
                if (message.ContentType == "application/sdp")
                {
                    try
                    {
                        SdpParser.Parse(message.BodyText);
                    }
                    catch (SipParseException)
                    {
                        // A mutated SDP body may be rejected; only the type of failure matters here.
                    }
                }
                parsed++;
            }
            catch (SipParseException)
            {
                rejected++;
            }

            var framer = new SipStreamFramer();
            try
            {
                framer.Append(input);
                while (framer.TryTake(out var frame))
                {
                    SipMessageParser.TryParse(frame, out _, out _);
                }
            }
            catch (SipParseException)
            {
                rejected++;
            }
        }
        Assert.True(parsed > Iterations / 100, $"only {parsed} mutants parsed; the mutations are too destructive to test much");
        Assert.True(rejected > Iterations / 20, $"only {rejected} mutants were rejected");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"fuzzing took {watch.Elapsed}");
    }

    private static byte[] Mutate(byte[] seed, byte[][] corpus, Random random)
    {
        var data = seed.ToList();
        var rounds = 1 + random.Next(3);
        for (var r = 0; r < rounds && data.Count > 0; r++)
        {
            switch (random.Next(7))
            {
                case 0:
                    data[random.Next(data.Count)] = (byte)random.Next(256);
                    break;
                case 1:
                    {
                        // Delete a slice from the middle.
                        var start = random.Next(data.Count);
                        data.RemoveRange(start, random.Next(Math.Min(32, data.Count - start) + 1));
                        break;
                    }
                case 2:
                    {
                        var start = random.Next(data.Count);
                        var length = Math.Min(random.Next(64), data.Count - start);
                        data.InsertRange(random.Next(data.Count), data.GetRange(start, length));
                        break;
                    }
                case 3:
                    {
                        var line = Encoding.ASCII.GetBytes(RandomHeader(random));
                        var at = IndexAfterFirstLine(data);
                        data.InsertRange(at, line);
                        break;
                    }
                case 4:
                    {
                        var other = corpus[random.Next(corpus.Length)];
                        var cut = random.Next(data.Count);
                        data = [.. data.Take(cut), .. other.Skip(random.Next(other.Length))];
                        break;
                    }
                case 5:
                    data.Insert(random.Next(data.Count), (byte)Specials[random.Next(Specials.Length)]);
                    break;
                default:
                    // Truncate.
                    data = data.Take(random.Next(data.Count + 1)).ToList();
                    break;
            }
        }
        return [.. data];
    }

    private static int IndexAfterFirstLine(List<byte> data)
    {
        var i = data.IndexOf((byte)'\n');
        return i < 0 ? data.Count : i + 1;
    }

    private static string RandomHeader(Random random)
    {
        string[] names = ["Via", "v", "To", "t", "From", "f", "CSeq", "Call-ID", "i", "Contact", "m", "Content-Length", "l", "Max-Forwards", "Route", "X-Junk"];
        string[] values = ["", "*", "SIP/2.0/UDP [::1", "<sip:a@b", "\"unterminated", "99999999999 INVITE", "-1", "sip:@", "a,b,,c", "<sip:x@y>;tag=", "SIP/2.0/TCP h:0;branch=z9hG4bK", "%%%", "\t \t"];
        return $"{names[random.Next(names.Length)]}:{values[random.Next(values.Length)]}\r\n";
    }
}
