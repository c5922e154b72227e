#!/usr/bin/env python3
"""Reference filter designs and outputs from scipy, for tests/Ecg.Tests/Filters.

Regenerate (from the repository root; Debian's python3 with scipy 1.10.1, numpy 1.24.2):

    /usr/bin/python3 tests/Ecg.Tests/Fixtures/make_filter_fixtures.py > tests/Ecg.Tests/Fixtures/filter_fixtures.json

For each sampling rate: the scipy SOS of each filter, its complex frequency response (sosfreqz) at a set of
frequencies, and sosfilt / sosfiltfilt (default padtype='odd', default padlen) of a deterministic test signal
(stored as float32 values, so C# filters exactly the same input). Also the responses of the
EcgFilterSettings.Monitoring (0.5-40 Hz, 50 Hz notch) and .Diagnostic (0.05-150 Hz, 50 Hz notch) chains,
built from the same scipy designs (low-pass and notch left out at or above 0.95 x Nyquist, high-pass at or
above Nyquist, as documented on EcgFilterSettings).
"""
import json
import sys

import numpy as np
import scipy
from scipy import signal

RATES = [128, 250, 360, 500, 1000]
N = 160


def test_signal():
    i = np.arange(N, dtype=np.float64)
    x = (0.8 * np.sin(2 * np.pi * 0.013 * i)
         + 0.3 * np.sin(2 * np.pi * 0.11 * i + 0.4)
         + 0.1 * np.sin(2 * np.pi * 0.37 * i)
         + 0.5 * (i >= 80)
         + 0.2)
    return x.astype(np.float32).astype(np.float64)


def notch_sos(f0, q, fs):
    b, a = signal.iirnotch(f0, q, fs=fs)
    return np.concatenate([b, a])[np.newaxis, :]


def frequencies(fs):
    cand = [0, 0.01, 0.05, 0.1, 0.3, 0.5, 0.7, 1, 2, 5, 10, 20, 35, 39, 40, 41, 45, 49, 50, 51,
            55, 59, 60, 61, 80, 99, 100, 101, 120, 149, 150, 151, 200, 300, 400, 499]
    return [f for f in cand if f < fs / 2]


def response(sos, fs, freqs):
    _, h = signal.sosfreqz(sos, worN=np.array(freqs, dtype=np.float64), fs=fs)
    return [[float(f"{v.real:.11g}"), float(f"{v.imag:.11g}")] for v in h]


def chain(hp, lp, notch, fs):
    nyq = fs / 2
    stages = []
    if hp < nyq:
        stages.append(signal.butter(2, hp, "highpass", output="sos", fs=fs))
    if lp < 0.95 * nyq:
        stages.append(signal.butter(4, lp, "lowpass", output="sos", fs=fs))
    if notch < 0.95 * nyq:
        stages.append(notch_sos(notch, 30, fs))
    return np.vstack(stages)


def r(values, digits=10):
    return [float(f"{v:.{digits}g}") for v in values]


def main():
    x = test_signal()
    out = {
        "generator": f"scipy {scipy.__version__}, numpy {np.__version__}",
        "signal": [float(v) for v in x.astype(np.float32)],
        "rates": [],
    }
    for fs in RATES:
        freqs = frequencies(fs)
        filters = [
            ("highpass", 2, [0.5], signal.butter(2, 0.5, "highpass", output="sos", fs=fs)),
            ("highpass", 2, [0.05], signal.butter(2, 0.05, "highpass", output="sos", fs=fs)),
        ]
        for lp in (40, 100, 150):
            if lp < fs / 2:
                filters.append(("lowpass", 4, [lp], signal.butter(4, lp, "lowpass", output="sos", fs=fs)))
        for f0 in (50, 60):
            if f0 < fs / 2:
                filters.append(("notch", 0, [f0, 30], notch_sos(f0, 30, fs)))
        # Extra designs (band-pass, odd orders with a first-order section): responses at every rate,
        # filter outputs only at 250 Hz to keep the fixture small.
        extras = [
            ("bandpass", 2, [0.5, 40], signal.butter(2, [0.5, 40], "bandpass", output="sos", fs=fs)),
            ("lowpass", 3, [30], signal.butter(3, 30, "lowpass", output="sos", fs=fs)),
            ("highpass", 1, [0.5], signal.butter(1, 0.5, "highpass", output="sos", fs=fs)),
        ]
        entries = []
        for index, (kind, order, params, sos) in enumerate(filters + extras):
            entry = {
                "kind": kind,
                "order": order,
                "params": params,
                "sos": [r(row, 17) for row in sos],
                "response": response(sos, fs, freqs),
            }
            if index < len(filters) or fs == 250:
                entry["sosfilt"] = r(signal.sosfilt(sos, x), 7)
                entry["sosfiltfilt"] = r(signal.sosfiltfilt(sos, x), 7)
            entries.append(entry)
        out["rates"].append({
            "fs": fs,
            "frequencies": freqs,
            "filters": entries,
            "monitoring": response(chain(0.5, 40, 50, fs), fs, freqs),
            "diagnostic": response(chain(0.05, 150, 50, fs), fs, freqs),
        })
    json.dump(out, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
