using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Ncco.Rtp.Srtp;

/// <summary>
/// One direction of an SRTP session with <c>AES_CM_128_HMAC_SHA1_80</c> (RFC 3711; the suite RFC 4568 §6.2 names):
/// AES-128 counter mode for the payload, HMAC-SHA1 truncated to 80 bits over the packet and its rollover counter, a
/// 64-packet replay window on the receiving side, and the same for RTCP (SRTCP, always encrypted, §3.4). A sender uses
/// its own master key; a receiver the peer's. Not thread-safe: one sender (the media thread) or one receiver per context.
/// </summary>
public sealed class SrtpContext : IDisposable
{
    /// <summary>Bytes the authentication tag adds to an RTP packet.</summary>
    public const int RtpOverhead = TagLength;

    /// <summary>Bytes SRTCP adds to an RTCP packet (the E flag and index, then the tag).</summary>
    public const int RtcpOverhead = 4 + TagLength;

    private const int TagLength = 10;
    private const int ReplayWindow = 64;

    private readonly Aes _rtpAes = Aes.Create();
    private readonly Aes _rtcpAes = Aes.Create();
    private readonly HMACSHA1 _rtpMac;
    private readonly HMACSHA1 _rtcpMac;
    private readonly byte[] _rtpSalt;
    private readonly byte[] _rtcpSalt;

    // Sender: the rollover counter and the SRTCP index.
    private uint _roc;
    private ushort _lastSentSequence;
    private bool _sentAny;
    private uint _rtcpIndex;

    // Receiver: the highest index seen (s_l and its ROC) and the window of the last 64 indices below it.
    private bool _receivedAny;
    private long _highestIndex;
    private ulong _window;
    private uint _highestRtcpIndex;
    private ulong _rtcpWindow;
    private bool _receivedRtcp;

    /// <summary>Creates a context from <paramref name="master"/> (the sender's key).</summary>
    public SrtpContext(SrtpMasterKey master)
    {
        ArgumentNullException.ThrowIfNull(master);
        var keys = SrtpKeyDerivation.Derive(master);
        _rtpAes.Key = keys.RtpKey;
        _rtcpAes.Key = keys.RtcpKey;
        _rtpMac = new HMACSHA1(keys.RtpAuthKey);
        _rtcpMac = new HMACSHA1(keys.RtcpAuthKey);
        _rtpSalt = keys.RtpSalt;
        _rtcpSalt = keys.RtcpSalt;
    }

    /// <summary>
    /// Encrypts and authenticates the RTP packet in <paramref name="buffer"/>[..<paramref name="length"/>] in place and
    /// returns the new length (<see cref="RtpOverhead"/> more: the buffer must have room). The packet must parse.
    /// </summary>
    public int ProtectRtp(Span<byte> buffer, int length)
    {
        var headerLength = HeaderLength(buffer[..length]);
        if (headerLength < 0) throw new ArgumentException("not an RTP packet", nameof(buffer));
        if (buffer.Length < length + TagLength) throw new ArgumentException("no room for the authentication tag", nameof(buffer));
        var sequence = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]);
        // §3.3.1: the sender's ROC goes up when the sequence number wraps.
        if (_sentAny && sequence < _lastSentSequence && _lastSentSequence - sequence > 0x8000) _roc++;
        _sentAny = true;
        _lastSentSequence = sequence;
        var index = ((long)_roc << 16) | sequence;
        AesCounterMode.Apply(_rtpAes, Iv(_rtpSalt, ssrc, index), buffer[headerLength..length]);
        RtpTag(buffer[..length], _roc, buffer.Slice(length, TagLength));
        return length + TagLength;
    }

    /// <summary>
    /// Authenticates and decrypts the SRTP packet in <paramref name="packet"/> in place; returns the RTP packet's length,
    /// or <see cref="SrtpError"/> through <paramref name="error"/> with -1 (a forged, damaged or replayed packet, which
    /// the caller drops). The window moves only for a packet that authenticated.
    /// </summary>
    public int UnprotectRtp(Span<byte> packet, out SrtpError error)
    {
        var length = packet.Length - TagLength;
        var headerLength = length > 0 ? HeaderLength(packet[..length]) : -1;
        if (headerLength < 0)
        {
            error = SrtpError.Malformed;
            return -1;
        }
        var sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        var index = EstimateIndex(sequence);
        if (IsReplay(index, _receivedAny, _highestIndex, _window))
        {
            error = SrtpError.Replayed;
            return -1;
        }
        Span<byte> tag = stackalloc byte[TagLength];
        RtpTag(packet[..length], (uint)(index >> 16), tag);
        if (!CryptographicOperations.FixedTimeEquals(tag, packet.Slice(length, TagLength)))
        {
            error = SrtpError.AuthenticationFailed;
            return -1;
        }
        Remember(index, ref _receivedAny, ref _highestIndex, ref _window);
        AesCounterMode.Apply(_rtpAes, Iv(_rtpSalt, ssrc, index), packet[headerLength..length]);
        error = SrtpError.None;
        return length;
    }

    /// <summary>
    /// Encrypts and authenticates the RTCP compound packet in <paramref name="buffer"/>[..<paramref name="length"/>] in
    /// place; returns the new length (<see cref="RtcpOverhead"/> more).
    /// </summary>
    public int ProtectRtcp(Span<byte> buffer, int length)
    {
        if (length < 8) throw new ArgumentException("not an RTCP packet", nameof(buffer));
        if (buffer.Length < length + RtcpOverhead) throw new ArgumentException("no room for the SRTCP trailer", nameof(buffer));
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        var index = _rtcpIndex;
        _rtcpIndex = (_rtcpIndex + 1) & 0x7FFFFFFF;
        AesCounterMode.Apply(_rtcpAes, Iv(_rtcpSalt, ssrc, index), buffer[8..length]);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[length..], 0x80000000u | index);
        RtcpTag(buffer[..(length + 4)], buffer.Slice(length + 4, TagLength));
        return length + RtcpOverhead;
    }

    /// <summary>Authenticates and decrypts an SRTCP packet in place; returns the RTCP length, or -1 with the reason.</summary>
    public int UnprotectRtcp(Span<byte> packet, out SrtpError error)
    {
        var length = packet.Length - RtcpOverhead;
        if (length < 8)
        {
            error = SrtpError.Malformed;
            return -1;
        }
        var word = BinaryPrimitives.ReadUInt32BigEndian(packet[length..]);
        var index = word & 0x7FFFFFFF;
        if (_receivedRtcp && IsReplay(index, true, _highestRtcpIndex, _rtcpWindow))
        {
            error = SrtpError.Replayed;
            return -1;
        }
        Span<byte> tag = stackalloc byte[TagLength];
        RtcpTag(packet[..(length + 4)], tag);
        if (!CryptographicOperations.FixedTimeEquals(tag, packet.Slice(length + 4, TagLength)))
        {
            error = SrtpError.AuthenticationFailed;
            return -1;
        }
        long highest = _highestRtcpIndex;
        Remember(index, ref _receivedRtcp, ref highest, ref _rtcpWindow);
        _highestRtcpIndex = (uint)highest;
        if ((word & 0x80000000u) != 0)
        {
            var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
            AesCounterMode.Apply(_rtcpAes, Iv(_rtcpSalt, ssrc, index), packet[8..length]);
        }
        error = SrtpError.None;
        return length;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _rtpAes.Dispose();
        _rtcpAes.Dispose();
        _rtpMac.Dispose();
        _rtcpMac.Dispose();
    }

    /// <summary>§4.1.1: IV = (k_s · 2^16) XOR (SSRC · 2^64) XOR (i · 2^16).</summary>
    internal static byte[] Iv(ReadOnlySpan<byte> salt, uint ssrc, long index)
    {
        var iv = new byte[16];
        salt.CopyTo(iv);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, ssrc);
        for (var i = 0; i < 4; i++) iv[4 + i] ^= word[i];
        Span<byte> i48 = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(i48, index);
        for (var i = 0; i < 6; i++) iv[8 + i] ^= i48[2 + i];
        return iv;
    }

    private void RtpTag(ReadOnlySpan<byte> packet, uint roc, Span<byte> tag)
    {
        // §4.2: the tag covers the packet then the ROC, big-endian.
        Span<byte> input = stackalloc byte[packet.Length + 4];
        packet.CopyTo(input);
        BinaryPrimitives.WriteUInt32BigEndian(input[packet.Length..], roc);
        Span<byte> mac = stackalloc byte[20];
        _rtpMac.TryComputeHash(input, mac, out _);
        mac[..TagLength].CopyTo(tag);
    }

    private void RtcpTag(ReadOnlySpan<byte> packetAndIndex, Span<byte> tag)
    {
        Span<byte> mac = stackalloc byte[20];
        _rtcpMac.TryComputeHash(packetAndIndex, mac, out _);
        mac[..TagLength].CopyTo(tag);
    }

    /// <summary>§3.3.1 / appendix A: the packet's index from its sequence number and the highest one seen.</summary>
    private long EstimateIndex(ushort sequence)
    {
        if (!_receivedAny) return sequence;
        var roc = _highestIndex >> 16;
        var highSequence = (ushort)_highestIndex;
        long v;
        if (highSequence < 0x8000)
        {
            v = sequence - highSequence > 0x8000 ? roc - 1 : roc;
        }
        else
        {
            v = highSequence - 0x8000 > sequence ? roc + 1 : roc;
        }
        return v < 0 ? sequence : (v << 16) | sequence;
    }

    private static bool IsReplay(long index, bool any, long highest, ulong window)
    {
        if (!any || index > highest) return false;
        var behind = highest - index;
        return behind >= ReplayWindow || (window & (1UL << (int)behind)) != 0;
    }

    private static void Remember(long index, ref bool any, ref long highest, ref ulong window)
    {
        if (!any)
        {
            any = true;
            highest = index;
            window = 1;
            return;
        }
        if (index > highest)
        {
            var ahead = index - highest;
            window = ahead >= ReplayWindow ? 1 : (window << (int)ahead) | 1;
            highest = index;
            return;
        }
        window |= 1UL << (int)(highest - index);
    }

    /// <summary>The RTP header's length (fixed part, CSRCs, extension), or -1 when the packet is too short for it.</summary>
    private static int HeaderLength(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 12 || packet[0] >> 6 != 2) return -1;
        var length = 12 + (4 * (packet[0] & 0x0F));
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < length + 4) return -1;
            length += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]));
        }
        return length <= packet.Length ? length : -1;
    }
}
