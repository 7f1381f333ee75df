#!/usr/bin/env python3
"""Fails when a source file includes a header from a layer it may not depend on.

The rule is the dependency table of docs/architecture.md (style-anchors §8). Every
`#include "<layer>/..."` in src/<layer>/ is checked; so are system headers that only some layers
may use (sockets, files, clocks). Usage: check_layers.py SRC_DIR [--self-test]
"""
import pathlib
import re
import sys

# layer -> layers whose headers it may include (itself always allowed).
ALLOWED = {
    "base": set(),
    "metering": {"base"},
    "storage": {"base", "metering"},
    "protocol/modbus": {"base"},
    "protocol/mbus": {"base"},
    "protocol/iec62056": {"base"},
    "device": {"base", "metering", "protocol/modbus", "protocol/mbus", "protocol/iec62056"},
    "transport": {"base"},
    "source": {"base", "metering"},
    "web": {"base", "metering", "device", "transport"},
    "app": {"base", "metering", "storage", "protocol/modbus", "protocol/mbus",
            "protocol/iec62056", "device", "transport", "source", "web"},
}

# System headers that mean I/O, threads or clocks: forbidden in the deterministic core.
IO_HEADERS = re.compile(
    r"^(fstream|iostream|cstdio|thread|mutex|future|filesystem|sys/.*|unistd\.h|fcntl\.h|"
    r"termios\.h|poll\.h|netinet/.*|arpa/.*|asio.*|boost/asio.*)$")
CORE_LAYERS = {"base", "metering", "protocol/modbus", "protocol/mbus", "protocol/iec62056", "device"}
CLOCK_CALL = re.compile(r"\b(system_clock|steady_clock|high_resolution_clock)::now\b|\btime\(nullptr\)")

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def layer_of(rel: str) -> str | None:
    """Longest layer name that prefixes the path."""
    best = None
    for layer in ALLOWED:
        if rel == layer or rel.startswith(layer + "/"):
            if best is None or len(layer) > len(best):
                best = layer
    return best


def check(src: pathlib.Path) -> list[str]:
    problems = []
    for path in sorted(src.rglob("*")):
        if path.suffix not in (".h", ".cc"):
            continue
        rel = path.relative_to(src).as_posix()
        layer = layer_of(rel)
        if layer is None:
            if rel != "main.cc":
                problems.append(f"{rel}: not inside any known layer {sorted(ALLOWED)}")
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            m = INCLUDE.match(line)
            if m:
                kind, target = m.groups()
                if kind == '"':
                    target_layer = layer_of(target)
                    if target_layer is None:
                        problems.append(f"{rel}:{number}: includes \"{target}\", which is in no layer")
                    elif target_layer != layer and target_layer not in ALLOWED[layer]:
                        problems.append(f"{rel}:{number}: layer '{layer}' may not include "
                                        f"'{target}' (layer '{target_layer}')")
                elif layer in CORE_LAYERS and IO_HEADERS.match(target):
                    problems.append(f"{rel}:{number}: layer '{layer}' must not do I/O or threads "
                                    f"(<{target}>)")
            if layer in CORE_LAYERS and CLOCK_CALL.search(line):
                problems.append(f"{rel}:{number}: layer '{layer}' must not read a clock")
    return problems


def self_test() -> int:
    """The checker must catch a forbidden edge, a forbidden header and a clock read."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        (root / "metering").mkdir()
        (root / "source").mkdir()
        (root / "metering" / "bad.cc").write_text(
            '#include "source/x.h"\n#include <thread>\nauto t = std::chrono::steady_clock::now();\n')
        (root / "source" / "ok.cc").write_text('#include "metering/meter.h"\n#include <thread>\n')
        found = check(root)
        expected = ["may not include 'source/x.h'", "<thread>", "must not read a clock"]
        missing = [e for e in expected if not any(e in p for p in found)]
        if missing or len(found) != 3:
            print("self-test failed; found:", found, "missing:", missing)
            return 1
    print("layering self-test: violations detected as expected")
    return 0


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    if "--self-test" in sys.argv:
        if self_test():
            return 1
    problems = check(pathlib.Path(sys.argv[1]))
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} layering violation(s)")
        return 1
    print("layering: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
