using System.Security.Cryptography;

namespace Ncco.Rtp.Srtp;

/// <summary>
/// The session keys of one direction (RFC 3711 §4.3), derived once from the master key with a key derivation rate of 0
/// (the SDES default: the session keys never change), with the AES-CM pseudo-random function of §4.3.3.
/// </summary>
internal sealed class SrtpKeyDerivation
{
    /// <summary>Session authentication key length (HMAC-SHA1, §8.2).</summary>
    public const int AuthKeyLength = 20;

    private SrtpKeyDerivation()
    {
    }

    /// <summary>SRTP encryption key (label 0).</summary>
    public byte[] RtpKey { get; private init; } = [];

    /// <summary>SRTP authentication key (label 1).</summary>
    public byte[] RtpAuthKey { get; private init; } = [];

    /// <summary>SRTP salt (label 2).</summary>
    public byte[] RtpSalt { get; private init; } = [];

    /// <summary>SRTCP encryption key (label 3).</summary>
    public byte[] RtcpKey { get; private init; } = [];

    /// <summary>SRTCP authentication key (label 4).</summary>
    public byte[] RtcpAuthKey { get; private init; } = [];

    /// <summary>SRTCP salt (label 5).</summary>
    public byte[] RtcpSalt { get; private init; } = [];

    /// <summary>Derives the six session keys from <paramref name="master"/>.</summary>
    public static SrtpKeyDerivation Derive(SrtpMasterKey master)
    {
        using var aes = Aes.Create();
        aes.Key = master.Key.ToArray();
        return new SrtpKeyDerivation
        {
            RtpKey = Prf(aes, master.Salt, 0, SrtpMasterKey.KeyLength),
            RtpAuthKey = Prf(aes, master.Salt, 1, AuthKeyLength),
            RtpSalt = Prf(aes, master.Salt, 2, SrtpMasterKey.SaltLength),
            RtcpKey = Prf(aes, master.Salt, 3, SrtpMasterKey.KeyLength),
            RtcpAuthKey = Prf(aes, master.Salt, 4, AuthKeyLength),
            RtcpSalt = Prf(aes, master.Salt, 5, SrtpMasterKey.SaltLength),
        };
    }

    /// <summary>
    /// §4.3.1 with r = 0: x = (label · 2^48) XOR master salt, and the output is the AES-CM keystream under the master
    /// key from IV = x · 2^16.
    /// </summary>
    internal static byte[] Prf(Aes aes, ReadOnlySpan<byte> salt, byte label, int length)
    {
        Span<byte> iv = stackalloc byte[16];
        salt.CopyTo(iv);
        // key_id = label || r (7 bytes) is right-aligned with the 14-byte salt: the label lands on byte 7.
        iv[7] ^= label;
        var output = new byte[length];
        AesCounterMode.Keystream(aes, iv, output);
        return output;
    }
}
