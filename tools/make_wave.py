#!/usr/bin/env python3
"""Writes a pro380 waveform file (docs/formats/waveform.md) of a steady three-phase load.

Example: a 10 s, 6400 Hz file of 2.3 kW per phase at PF 0.5 inductive, 50 Hz:
  tools/make_wave.py out.p380w --seconds 10 --power 2300 --pf 0.5 --lagging
then: build/pro380 simulate --source wave:out.p380w --json
"""
import argparse
import array
import math
import struct
import sys

HEADER = struct.Struct("<8sHHBBBBdQq6d8s")
assert HEADER.size == 96


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--rate", type=float, default=6400, help="samples/s per channel")
    ap.add_argument("--frequency", type=float, default=50)
    ap.add_argument("--voltage", type=float, default=230, help="RMS per phase, V")
    ap.add_argument("--power", type=float, default=2300, help="active power per phase, W (negative = reverse)")
    ap.add_argument("--pf", type=float, default=1.0, help="power factor magnitude, 0 < pf <= 1")
    ap.add_argument("--lagging", action="store_true", help="current lags (inductive); default leads if pf < 1")
    ap.add_argument("--int16", action="store_true", help="int16 samples instead of float32")
    args = ap.parse_args()
    if not (0 < args.pf <= 1) or args.seconds <= 0 or not (1000 <= args.rate <= 1e6):
        print("make_wave: --pf must be in (0, 1], --seconds > 0, --rate in 1000..1000000", file=sys.stderr)
        return 2

    n = int(round(args.seconds * args.rate))
    phi = math.acos(args.pf) * (1 if args.lagging else -1)  # current angle behind the voltage
    current_rms = abs(args.power) / (args.voltage * args.pf)
    sign = 1 if args.power >= 0 else -1
    v_peak, i_peak = args.voltage * math.sqrt(2), current_rms * math.sqrt(2)
    if args.int16:
        scales = [v_peak / 30000, max(i_peak, 1e-9) / 30000] * 3
        kind, code, size = "h", 1, 2
    else:
        scales = [1.0] * 6
        kind, code, size = "f", 3, 4
    channels = []
    for phase in range(3):
        shift = -2 * math.pi * phase / 3
        w = 2 * math.pi * args.frequency / args.rate
        v = [v_peak * math.sin(w * k + shift) for k in range(n)]
        i = [sign * i_peak * math.sin(w * k + shift - phi) for k in range(n)]
        for values, scale in ((v, scales[2 * phase]), (i, scales[2 * phase + 1])):
            if args.int16:
                channels.append(array.array(kind, (int(round(x / scale)) for x in values)))
            else:
                channels.append(array.array(kind, values))
    with open(args.path, "wb") as out:
        out.write(HEADER.pack(b"P380WAVE", 1, 96, code, 0, 6, 0, args.rate, n, 0, *scales, bytes(8)))
        for channel in channels:  # planar
            if sys.byteorder != "little":
                channel.byteswap()
            channel.tofile(out)
    print(f"{args.path}: {n} samples/channel, {96 + n * 6 * size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
