#!/usr/bin/python3
"""Packs square PNG images into one Windows .ico with PNG entries (Windows
Vista and later read them at every size). The PNGs come from
data/icons/micdoctor.svg through rsvg-convert at build time (src/CMakeLists.txt).
Usage: pack_ico.py OUT.ico IN.png...  (each PNG's size is read from its header)"""
import struct
import sys

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data, name):
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        sys.exit(f"pack_ico.py: {name} is not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    if width != height or not 1 <= width <= 256:
        sys.exit(f"pack_ico.py: {name} is {width}x{height}: icons are square, 1 to 256 pixels")
    return width


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    images = []
    for name in sys.argv[2:]:
        with open(name, "rb") as f:
            data = f.read()
        images.append((png_size(data, name), data))
    images.sort(key=lambda image: image[0])
    # ICONDIR, then one ICONDIRENTRY per image (a size of 256 is written as 0), then the images.
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, data in images:
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    with open(sys.argv[1], "wb") as f:
        f.write(header + entries + blobs)


if __name__ == "__main__":
    main()
