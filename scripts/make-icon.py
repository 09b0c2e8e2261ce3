#!/usr/bin/env python3
"""Draws the package icon (assets/ncco-icon.png): a rounded teal square with five white voice-level bars.

Pure standard library (zlib + struct), 4x4 supersampling for smooth edges, so the icon is made here, not downloaded,
and the same bytes come out on every run: python3 scripts/make-icon.py
"""
import os
import struct
import zlib

SIZE = 128
SS = 4  # samples per pixel side
BACKGROUND = (14, 116, 144)  # teal
BAR = (255, 255, 255)
RADIUS = 26  # corner radius of the square, in pixels
# Five bars, centred, heights as a fraction of the icon: a voice level meter.
BAR_WIDTH = 12
BAR_GAP = 8
BAR_HEIGHTS = [0.28, 0.52, 0.72, 0.46, 0.30]


def inside_rounded_rect(x, y, x0, y0, x1, y1, r):
    if x < x0 or x > x1 or y < y0 or y > y1:
        return False
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def bars():
    total = len(BAR_HEIGHTS) * BAR_WIDTH + (len(BAR_HEIGHTS) - 1) * BAR_GAP
    left = (SIZE - total) / 2
    for i, h in enumerate(BAR_HEIGHTS):
        x0 = left + i * (BAR_WIDTH + BAR_GAP)
        height = h * SIZE
        y0 = (SIZE - height) / 2
        yield (x0, y0, x0 + BAR_WIDTH, y0 + height, BAR_WIDTH / 2)


def pixel(px, py, shapes):
    bg = 0
    fg = 0
    for sy in range(SS):
        for sx in range(SS):
            x = px + (sx + 0.5) / SS
            y = py + (sy + 0.5) / SS
            if inside_rounded_rect(x, y, 0, 0, SIZE, SIZE, RADIUS):
                if any(inside_rounded_rect(x, y, *s) for s in shapes):
                    fg += 1
                else:
                    bg += 1
    n = SS * SS
    alpha = (bg + fg) / n
    if alpha == 0:
        return (0, 0, 0, 0)
    rgb = tuple(round((BACKGROUND[c] * bg + BAR[c] * fg) / (bg + fg)) for c in range(3))
    return rgb + (round(alpha * 255),)


def png(width, height, rows):
    raw = b"".join(b"\x00" + bytes(v for p in row for v in p) for row in rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


def main():
    shapes = list(bars())
    rows = [[pixel(x, y, shapes) for x in range(SIZE)] for y in range(SIZE)]
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "assets", "ncco-icon.png")
    with open(out, "wb") as f:
        f.write(png(SIZE, SIZE, rows))
    print(os.path.normpath(out))


if __name__ == "__main__":
    main()
