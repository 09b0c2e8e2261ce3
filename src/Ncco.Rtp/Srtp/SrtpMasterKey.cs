using System.Security.Cryptography;

namespace Ncco.Rtp.Srtp;

/// <summary>
/// An SRTP master key and salt for <c>AES_CM_128_HMAC_SHA1_80</c> (RFC 3711 §8.2, RFC 4568 §6.2): 16 bytes of key and
/// 14 of salt, exchanged in SDP as <c>inline:</c> followed by the 30 bytes in base64.
/// </summary>
public sealed class SrtpMasterKey
{
    /// <summary>Master key length in bytes.</summary>
    public const int KeyLength = 16;

    /// <summary>Master salt length in bytes.</summary>
    public const int SaltLength = 14;

    private readonly byte[] _key;
    private readonly byte[] _salt;

    private SrtpMasterKey(byte[] key, byte[] salt)
    {
        _key = key;
        _salt = salt;
    }

    /// <summary>The master key.</summary>
    public ReadOnlySpan<byte> Key => _key;

    /// <summary>The master salt.</summary>
    public ReadOnlySpan<byte> Salt => _salt;

    /// <summary>A new random key and salt (from the OS's cryptographic generator).</summary>
    public static SrtpMasterKey Generate() => new(RandomNumberGenerator.GetBytes(KeyLength), RandomNumberGenerator.GetBytes(SaltLength));

    /// <summary>A key and salt given as bytes; throws <see cref="ArgumentException"/> for other lengths.</summary>
    public static SrtpMasterKey From(ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
    {
        if (key.Length != KeyLength) throw new ArgumentException($"an SRTP master key is {KeyLength} bytes, got {key.Length}", nameof(key));
        if (salt.Length != SaltLength) throw new ArgumentException($"an SRTP master salt is {SaltLength} bytes, got {salt.Length}", nameof(salt));
        return new SrtpMasterKey(key.ToArray(), salt.ToArray());
    }

    /// <summary>
    /// The key of an SDES <c>inline:</c> key parameter (the base64 after <c>inline:</c>, without the optional
    /// <c>|lifetime|MKI:length</c>, which the caller has checked). False when it is not base64 of exactly 30 bytes.
    /// </summary>
    public static bool TryParseInline(string base64, out SrtpMasterKey? key)
    {
        key = null;
        Span<byte> bytes = stackalloc byte[KeyLength + SaltLength + 3];
        if (!Convert.TryFromBase64String(base64, bytes, out var written) || written != KeyLength + SaltLength) return false;
        key = From(bytes[..KeyLength], bytes.Slice(KeyLength, SaltLength));
        return true;
    }

    /// <summary>The 30 bytes in base64, as the <c>inline:</c> key parameter carries them.</summary>
    public string ToInline() => Convert.ToBase64String([.. _key, .. _salt]);
}
