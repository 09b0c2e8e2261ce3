using System.Text;
using System.Text.Json;
using Ncco.Serialization;

namespace Ncco.Runtime.Tests.Serialization;

/// <summary>The pooled buffer writer behind webhook payloads and tokens (issue 19).</summary>
public class PooledByteWriterTests
{
    [Theory]
    [InlineData(16)]
    [InlineData(256)]
    public void Json_longer_than_the_first_buffer_is_written_whole_across_every_growth(int initialCapacity)
    {
        var values = Enumerable.Range(0, 50).Select(i => new string((char)('a' + (i % 26)), 10 + (i * 37)) + "é\"").ToList();
        using var pooled = new PooledByteWriter(initialCapacity);
        using (var writer = new Utf8JsonWriter(pooled))
        {
            writer.WriteStartArray();
            foreach (var value in values) writer.WriteStringValue(value);
            writer.WriteEndArray();
        }

        Assert.Equal(JsonSerializer.Serialize(values), Encoding.UTF8.GetString(pooled.WrittenSpan));
    }

    [Fact]
    public void Spans_asked_for_are_at_least_the_size_hint_and_advancing_past_them_is_refused()
    {
        using var pooled = new PooledByteWriter(16);
        var span = pooled.GetSpan(100);
        Assert.True(span.Length >= 100);
        span[..3].Fill((byte)'x');
        pooled.Advance(3);
        var more = pooled.GetMemory(5000);
        Assert.True(more.Length >= 5000);
        Assert.Equal("xxx", Encoding.ASCII.GetString(pooled.WrittenSpan));

        var error = Assert.Throws<InvalidOperationException>(() => pooled.Advance(more.Length + 1));
        Assert.Contains("past the end", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => pooled.Advance(-1));
    }
}
