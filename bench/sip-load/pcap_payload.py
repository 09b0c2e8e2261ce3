"""Writes the RTP payload of one payload type from a pcap (Ethernet/IPv4/UDP, as SIPp ships them) to a raw file.

Usage: pcap_payload.py PCAP PAYLOAD_TYPE OUT — e.g. SIPp's g711a.pcap, 8, speech.al for rtp_stream="speech.al,-1,8".
"""
import struct
import sys

pcap, payload_type, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
data = open(pcap, "rb").read()
order = "<" if struct.unpack("<I", data[:4])[0] == 0xA1B2C3D4 else ">"
link = struct.unpack(order + "I", data[20:24])[0]
l2 = {1: 14, 113: 16}.get(link)
if l2 is None:
    sys.exit(f"{pcap}: link type {link} is not Ethernet or Linux cooked capture")
payload, packets, offset = bytearray(), 0, 24
while offset + 16 <= len(data):
    _, _, captured, _ = struct.unpack(order + "IIII", data[offset:offset + 16])
    packet = data[offset + 16:offset + 16 + captured]
    offset += 16 + captured
    ip = packet[l2:]
    if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 17:
        continue
    rtp = ip[(ip[0] & 0xF) * 4 + 8:]
    if len(rtp) > 12 and rtp[0] >> 6 == 2 and rtp[1] & 0x7F == payload_type:
        header = 12 + 4 * (rtp[0] & 0x0F)
        payload += rtp[header:]
        packets += 1
if packets == 0:
    sys.exit(f"{pcap}: no RTP with payload type {payload_type}")
open(out, "wb").write(payload)
print(f"{out}: {len(payload)} bytes from {packets} packets")
