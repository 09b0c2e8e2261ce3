using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Ncco.Rtp.Srtp;

/// <summary>
/// AES in counter mode as SRTP uses it (RFC 3711 §4.1.1): the keystream is AES-ECB of the 128-bit IV, IV + 1, IV + 2…
/// (the counter runs in the low 16 bits, which the IV leaves zero), XORed onto the data. .NET has no CTR mode of its own.
/// </summary>
internal static class AesCounterMode
{
    /// <summary>Writes the keystream from <paramref name="iv"/> into <paramref name="output"/>.</summary>
    public static void Keystream(Aes aes, ReadOnlySpan<byte> iv, Span<byte> output)
    {
        output.Clear();
        Apply(aes, iv, output);
    }

    /// <summary>XORs the keystream from <paramref name="iv"/> onto <paramref name="data"/> (encrypts or decrypts it).</summary>
    public static void Apply(Aes aes, ReadOnlySpan<byte> iv, Span<byte> data)
    {
        Span<byte> counter = stackalloc byte[16];
        Span<byte> block = stackalloc byte[16];
        iv.CopyTo(counter);
        var start = BinaryPrimitives.ReadUInt16BigEndian(counter[14..]);
        for (int offset = 0, j = 0; offset < data.Length; offset += 16, j++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(counter[14..], (ushort)(start + j));
            aes.EncryptEcb(counter, block, PaddingMode.None);
            var chunk = data[offset..Math.Min(offset + 16, data.Length)];
            for (var i = 0; i < chunk.Length; i++) chunk[i] ^= block[i];
        }
    }
}
