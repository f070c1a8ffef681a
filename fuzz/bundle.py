#!/usr/bin/env python3
"""Packs a fuzz corpus directory into one file for tests/fuzz/<target>/:
each input as a 4-byte little-endian length and its bytes, in name order.
`cargo test` (src/fuzzing.rs) replays every input of every bundle.

    python3 fuzz/bundle.py fuzz/corpus/manifest tests/fuzz/manifest/corpus.bundle
"""
import os
import struct
import sys

src, out = sys.argv[1], sys.argv[2]
names = sorted(os.listdir(src))
with open(out, "wb") as f:
    for name in names:
        data = open(os.path.join(src, name), "rb").read()
        f.write(struct.pack("<I", len(data)))
        f.write(data)
print(f"{len(names)} inputs, {os.path.getsize(out)} bytes -> {out}")
