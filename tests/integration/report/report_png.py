"""A small PNG reader for checking rendered pages as images: size and pixel statistics, no library."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # grey, RGB, grey+alpha, RGBA


@dataclass(frozen=True, slots=True)
class Image:
    width: int
    height: int
    pixels: list[tuple[int, int, int]]
    """RGB, row after row."""

    def ink(self, *, below: int = 200) -> float:
        """The share of pixels darker than ``below`` in some channel: how much of the page is not paper."""
        return sum(1 for p in self.pixels if min(p) < below) / len(self.pixels)

    def coloured(self, *, spread: int = 60) -> int:
        """How many pixels are clearly coloured (channels far apart), not grey or black."""
        return sum(1 for p in self.pixels if max(p) - min(p) > spread)

    def variance(self) -> float:
        """The variance of the pixels' brightness."""
        values = [sum(p) / 3 for p in self.pixels]
        mean = sum(values) / len(values)
        return sum((v - mean) ** 2 for v in values) / len(values)


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def _unfilter(kind: int, line: bytearray, above: bytes, step: int) -> bytearray:
    if kind == 0:
        return line
    for i in range(len(line)):
        left = line[i - step] if i >= step else 0
        up = above[i]
        corner = above[i - step] if i >= step else 0
        predicted = (left, up, (left + up) // 2, _paeth(left, up, corner))[kind - 1]
        line[i] = (line[i] + predicted) & 0xFF
    return line


def read_png(path: Path) -> Image:
    """An 8-bit, non-interlaced PNG (what pdftoppm and Chromium write) as RGB pixels."""
    data = path.read_bytes()
    assert data.startswith(SIGNATURE), f"{path} is not a PNG"
    offset, chunks, header = len(SIGNATURE), [], b""
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        offset += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and interlace == 0 and colour in CHANNELS, (depth, colour, interlace)
    step = CHANNELS[colour]
    raw = zlib.decompress(b"".join(chunks))
    stride = width * step
    above = bytes(stride)
    pixels: list[tuple[int, int, int]] = []
    for row in range(height):
        start = row * (stride + 1)
        line = _unfilter(raw[start], bytearray(raw[start + 1 : start + 1 + stride]), above, step)
        above = bytes(line)
        for x in range(0, stride, step):
            if step < 3:
                pixels.append((line[x], line[x], line[x]))
            else:
                pixels.append((line[x], line[x + 1], line[x + 2]))
    return Image(width=width, height=height, pixels=pixels)
