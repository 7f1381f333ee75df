#!/usr/bin/env bash
# Installs the Debian packages pro380 needs to build, test and run. Idempotent: packages already
# present are left alone, and apt is only touched when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config python3
  clang clang-tidy clang-format libclang-rt-14-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev libsqlite3-dev libtomlplusplus-dev libasio-dev
  mbpoll libmodbus-dev python3-pymodbus python3-serial
  # pymodbus.client imports serial_asyncio (a Recommends of python3-pymodbus, which
  # --no-install-recommends leaves out).
  python3-serial-asyncio
  # Node clients of tests/node (node-mbus builds libmbus natively) and the browser the web
  # page's tests drive through playwright-core.
  nodejs chromium
  # The web server (src/web, header-only) and the Prometheus text parser of the /metrics test.
  libcpp-httplib-dev python3-prometheus-client
  # The MQTT live source (libmosquitto) and the broker and clients its tests start.
  libmosquitto-dev mosquitto mosquitto-clients
  # The CA and broker certificates of the MQTT TLS test (tests/integration/mqtt_security_test.py).
  openssl
  # The optional GPIO build (-DPRO380_WITH_GPIOD=ON; make check-sanitize builds it).
  libgpiod-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -ne 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
  fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
fi

# The npm clients, pinned by tests/node/package-lock.json. package.json's allowScripts lets npm run
# the native builds of node-mbus and @serialport/bindings-cpp. Reinstalled when the lock changes.
node_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/node"
stamp="$node_dir/node_modules/.pro380-lock"
if ! cmp -s "$node_dir/package-lock.json" "$stamp" 2>/dev/null; then
  echo "install-deps: installing the npm test clients in tests/node"
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$node_dir/package-lock.json" "$stamp"
fi
