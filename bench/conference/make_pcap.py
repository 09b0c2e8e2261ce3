#!/usr/bin/env python3
"""Writes an RTP pcap that SIPp's play_pcap_audio replays: one 20 ms packet per frame of an encoded payload file.

Usage: make_pcap.py PAYLOAD.raw OUT.pcap PAYLOAD_TYPE BYTES_PER_FRAME [RTP_CLOCK_TICKS_PER_FRAME]

The payload file is a raw codec stream (e.g. `ffmpeg -i in.wav -ar 16000 -c:a g722 -f g722 out.g722`: 160 bytes per
20 ms). Packets get Ethernet/IPv4/UDP headers (SIPp rewrites addresses and ports when it plays them), a fixed SSRC,
sequence numbers from 1 and timestamps advancing by RTP_CLOCK_TICKS_PER_FRAME (160: G.722's RTP clock is 8 kHz by
RFC 3551 although it samples at 16 kHz), and capture times 20 ms apart, which is the pace SIPp replays them at.
"""
import struct
import sys


def main():
    payload_path, out_path, pt, frame_bytes = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    ticks = int(sys.argv[5]) if len(sys.argv) > 5 else 160
    data = open(payload_path, "rb").read()
    frames = [data[i:i + frame_bytes] for i in range(0, len(data) - frame_bytes + 1, frame_bytes)]
    if not frames:
        raise SystemExit("payload shorter than one frame")
    with open(out_path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))  # pcap header, Ethernet link type
        for i, frame in enumerate(frames):
            rtp = struct.pack(">BBHII", 0x80, pt | (0x80 if i == 0 else 0), (i + 1) & 0xFFFF, (i * ticks) & 0xFFFFFFFF, 0x4E43434F) + frame
            udp = struct.pack(">HHHH", 6000, 6002, 8 + len(rtp), 0) + rtp
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0, 64, 17, 0,
                             bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
            ip = ip[:10] + struct.pack(">H", checksum(ip)) + ip[12:]
            eth = b"\x00" * 12 + b"\x08\x00"
            packet = eth + ip + udp
            usec = i * 20000
            f.write(struct.pack("<IIII", usec // 1000000, usec % 1000000, len(packet), len(packet)))
            f.write(packet)


def checksum(header):
    s = sum(struct.unpack(">10H", header))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


if __name__ == "__main__":
    main()
