using System.Security.Cryptography;
using Ncco.Rtp.Packets;
using Ncco.Rtp.Srtp;

namespace Ncco.Rtp.Tests.Srtp;

/// <summary>SRTP with AES_CM_128_HMAC_SHA1_80: RFC 3711 appendix B vectors, round trips, forgeries and replays.</summary>
public sealed class SrtpTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex);

    [Fact]
    public void The_aes_cm_keystream_is_rfc_3711_b2()
    {
        using var aes = Aes.Create();
        aes.Key = Hex("2B7E151628AED2A6ABF7158809CF4F3C");
        var keystream = new byte[48];
        AesCounterMode.Keystream(aes, Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), keystream);
        Assert.Equal("E03EAD0935C95E80E166B16DD92B4EB4D23513162B02D0F72A43A2FE4A5F97AB41E95B3BB0A2E8DD477901E4FCA894C0",
            Convert.ToHexString(keystream));
    }

    [Fact]
    public void The_session_keys_are_rfc_3711_b3()
    {
        var keys = SrtpKeyDerivation.Derive(SrtpMasterKey.From(Hex("E1F97A0D3E018BE0D64FA32C06DE4139"), Hex("0EC675AD498AFEEBB6960B3AABE6")));
        Assert.Equal("C61E7A93744F39EE10734AFE3FF7A087", Convert.ToHexString(keys.RtpKey));
        Assert.Equal("30CBBC08863D8C85D49DB34A9AE1", Convert.ToHexString(keys.RtpSalt));
        Assert.Equal("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4", Convert.ToHexString(keys.RtpAuthKey));
        Assert.Equal("4C1AA45A81F73D61C800BBB00FBB1EAA", Convert.ToHexString(keys.RtcpKey));
        Assert.Equal("9581C7AD87B3E530BF3E4454A8B3", Convert.ToHexString(keys.RtcpSalt));
    }

    [Fact]
    public void The_inline_key_is_30_bytes_of_base64_and_anything_else_is_refused()
    {
        var key = SrtpMasterKey.Generate();
        Assert.True(SrtpMasterKey.TryParseInline(key.ToInline(), out var back));
        Assert.Equal(key.Key.ToArray(), back!.Key.ToArray());
        Assert.Equal(key.Salt.ToArray(), back.Salt.ToArray());
        Assert.Equal(40, key.ToInline().Length);
        Assert.False(SrtpMasterKey.TryParseInline("not base64!", out _));
        Assert.False(SrtpMasterKey.TryParseInline(Convert.ToBase64String(new byte[29]), out _));
        Assert.False(SrtpMasterKey.TryParseInline(Convert.ToBase64String(new byte[31]), out _));
    }

    [Fact]
    public void A_protected_packet_keeps_its_header_hides_its_payload_and_comes_back_whole()
    {
        var master = SrtpMasterKey.Generate();
        using var sender = new SrtpContext(master);
        using var receiver = new SrtpContext(master);
        var payload = Enumerable.Range(0, 160).Select(i => (byte)i).ToArray();
        var buffer = new byte[RtpPacket.MaxDatagramSize];
        var length = RtpPacket.Write(buffer, true, 0, 1234, 160, 0xCAFEBABE, payload);
        var plain = buffer.AsSpan(0, length).ToArray();

        var protectedLength = sender.ProtectRtp(buffer, length);
        Assert.Equal(length + SrtpContext.RtpOverhead, protectedLength);
        Assert.Equal(plain[..12], buffer[..12]);
        Assert.NotEqual(plain[12..], buffer[12..length]);

        var unprotected = receiver.UnprotectRtp(buffer.AsSpan(0, protectedLength), out var error);
        Assert.Equal((SrtpError.None, length), (error, unprotected));
        Assert.Equal(plain, buffer[..length]);
    }

    [Fact]
    public void A_forged_or_replayed_packet_is_dropped_and_a_wrapping_sequence_keeps_working()
    {
        var master = SrtpMasterKey.Generate();
        using var sender = new SrtpContext(master);
        using var receiver = new SrtpContext(master);
        using var stranger = new SrtpContext(SrtpMasterKey.Generate());
        byte[] Packet(SrtpContext context, ushort sequence)
        {
            var buffer = new byte[RtpPacket.MaxDatagramSize];
            var length = RtpPacket.Write(buffer, false, 0, sequence, sequence * 160u, 1, new byte[160]);
            return buffer[..context.ProtectRtp(buffer, length)];
        }

        // Sequence numbers across the wrap: the rollover counter goes up on both sides.
        var sent = new List<byte[]>();
        for (var s = 65530; s < 65540; s++) sent.Add(Packet(sender, (ushort)s));
        foreach (var packet in sent) Assert.True(receiver.UnprotectRtp(packet.ToArray(), out _) > 0);

        Assert.Equal(-1, receiver.UnprotectRtp(sent[^1].ToArray(), out var replay));
        Assert.Equal(SrtpError.Replayed, replay);
        Assert.Equal(-1, receiver.UnprotectRtp(Packet(stranger, 10), out var forged));
        Assert.Equal(SrtpError.AuthenticationFailed, forged);
        var damaged = Packet(sender, 10);
        damaged[20] ^= 1;
        Assert.Equal(-1, receiver.UnprotectRtp(damaged, out var tampered));
        Assert.Equal(SrtpError.AuthenticationFailed, tampered);
        Assert.Equal(-1, receiver.UnprotectRtp(new byte[15], out var shortPacket));
        Assert.Equal(SrtpError.Malformed, shortPacket);
        // The forgeries did not move the window: the next genuine packet is accepted.
        Assert.True(receiver.UnprotectRtp(Packet(sender, 11), out _) > 0);
    }

    [Fact]
    public void Srtcp_is_encrypted_indexed_and_authenticated()
    {
        var master = SrtpMasterKey.Generate();
        using var sender = new SrtpContext(master);
        using var receiver = new SrtpContext(master);
        var buffer = new byte[256];
        var report = Ncco.Rtp.Rtcp.RtcpCompound.WriteReceiverReport(buffer, 0x01020304, []);
        var plain = buffer[..report];

        var length = sender.ProtectRtcp(buffer, report);
        Assert.Equal(report + SrtpContext.RtcpOverhead, length);
        Assert.Equal(plain[..8], buffer[..8]);
        var packet = buffer[..length];
        var copy = packet.ToArray();
        Assert.Equal(report, receiver.UnprotectRtcp(copy, out var error));
        Assert.Equal(SrtpError.None, error);
        Assert.Equal(plain, copy[..report]);
        Assert.Equal(-1, receiver.UnprotectRtcp(packet.ToArray(), out var replay));
        Assert.Equal(SrtpError.Replayed, replay);
    }
}
