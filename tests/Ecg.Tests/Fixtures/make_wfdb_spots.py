#!/usr/bin/env python3
"""Independent format-212 decoder for MIT-BIH spot checks (no WFDB/Telemed code involved).

Regenerate (from the repository root, with the shared MIT-BIH copy at ../shared/ecg/mitdb):

    /usr/bin/python3 tests/Ecg.Tests/Fixtures/make_wfdb_spots.py ../shared/ecg/mitdb > tests/Ecg.Tests/Fixtures/wfdb_spots.json

Writes, for a few records, the raw ADC values of both signals at a few sample indices, the per-signal
16-bit checksums recomputed over the whole file, and the number of annotations in each .atr file
(counted by a separate minimal MIT annotation walker).
"""
import json
import os
import sys

RECORDS = ["100", "101", "201", "207", "232"]
INDICES = [0, 1, 2, 3, 359, 360, 1000, 123457, 324999, 325000, 649998, 649999]


def decode_212(raw, nsig):
    """Returns a list of per-signal lists; samples interleave across signals, two per three bytes."""
    flat = []
    for i in range(0, len(raw) - 2, 3):
        b0, b1, b2 = raw[i], raw[i + 1], raw[i + 2]
        a = b0 + ((b1 & 0x0F) << 8)
        b = b2 + ((b1 >> 4) << 8)
        flat.append(a - 4096 if a > 2047 else a)
        flat.append(b - 4096 if b > 2047 else b)
    return [flat[s::nsig] for s in range(nsig)]


def count_annotations(raw):
    n = 0
    i = 0
    while i + 1 < len(raw):
        word = raw[i] | (raw[i + 1] << 8)
        i += 2
        code, value = word >> 10, word & 0x3FF
        if code == 0 and value == 0:
            break
        if code == 59:  # SKIP: 4 more bytes
            i += 4
        elif code == 63:  # AUX: value bytes, padded to even
            i += value + (value & 1)
        elif code in (60, 61, 62):  # NUM, SUB, CHN modify the previous annotation
            pass
        else:
            n += 1
    return n


def main():
    root = sys.argv[1]
    out = {"records": {}, "annotationCounts": {}}
    for rec in RECORDS:
        with open(os.path.join(root, rec + ".dat"), "rb") as f:
            sig = decode_212(f.read(), 2)
        checksums = []
        for s in sig:
            c = sum(s) & 0xFFFF
            checksums.append(c - 0x10000 if c >= 0x8000 else c)
        out["records"][rec] = {
            "length": len(sig[0]),
            "checksums": checksums,
            "spots": [{"index": k, "values": [sig[0][k], sig[1][k]]} for k in INDICES],
        }
    for name in sorted(os.listdir(root)):
        if name.endswith(".atr"):
            with open(os.path.join(root, name), "rb") as f:
                out["annotationCounts"][name[:-4]] = count_annotations(f.read())
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
