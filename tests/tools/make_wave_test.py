#!/usr/bin/env python3
"""An independent writer of the waveform format (tools/make_wave.py, Python) against the
binary: the energy of a steady load must come out of `pro380 simulate --source wave:` exactly
as P × t, for float32 and int16 files, forward and reverse, PF 1 and 0.5 lagging."""
import json
import os
import subprocess
import sys
import tempfile

binary, source_dir = sys.argv[1], sys.argv[2]
make_wave = os.path.join(source_dir, "tools", "make_wave.py")
failures = 0
with tempfile.TemporaryDirectory() as tmp:
    for power, pf, lagging, int16 in ((2300, 1.0, False, False), (-1150, 0.5, True, False),
                                      (4600, 0.8, False, True)):
        path = os.path.join(tmp, "w.p380w")
        args = [sys.executable, make_wave, path, "--seconds", "10", "--power", str(power), "--pf", str(pf)]
        args += ["--lagging"] if lagging else []
        args += ["--int16"] if int16 else []
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        out = subprocess.run([binary, "simulate", "--source", "wave:" + path, "--json"],
                             check=True, capture_output=True, text=True).stdout
        q = json.loads(out)["quantities"]
        expected_kwh = abs(power) * 3 * 10 / 3600 / 1000
        got = q["forward_active_energy_kwh"] if power > 0 else q["reverse_active_energy_kwh"]
        error = abs(got - expected_kwh) / expected_kwh
        tolerance = 1e-3 if int16 else 1e-4  # int16 quantisation of the samples
        ok = error <= tolerance
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} P={power} W pf={pf} int16={int16}: {got:.9f} kWh, "
              f"expected {expected_kwh:.9f}, error {error:.2e}")
print(f"{3 - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
