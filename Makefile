# The two commands a newcomer needs: `make run` and `make test`. Both install what is missing,
# configure and build first. Everything else here is a convenience for developers.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
PRO380_WERROR ?= OFF
JOBS ?= $(shell nproc)
RUN_ARGS ?=
# check-full (docs/testing.md): the test suite under ASan+UBSan, then each fuzz target for
# FUZZ_SECONDS on a copy of its seed corpus. Both build with clang in their own directories.
SANITIZE_DIR ?= build-sanitize
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 20
# check-tsan (docs/testing.md): the web layer's HTTP and SSE threads, the MQTT clients' network
# threads and the modbus-client source's poll thread against the event loop, under
# ThreadSanitizer; only what runs threads is built and run.
TSAN_DIR ?= build-tsan
TSAN_TESTS = ^(web_metrics|web_page|web_interfaces|panel_mbus|terminal_view|modbus_bus|evc04_loop|mqtt_bad_input|mqtt_security|mqtt_publish|mqtt_publish_security|mqtt_publish_ha|mqtt_publish_queue|mqtt_publish_writes|modbus_bridge)$$
# The sanitized builds also compile the optional libgpiod code (S0 and tariff on GPIO), so CI
# builds and tests it (tests/app/s0_pins_test.cc) without a build of its own.
SANITIZE_CMAKE = -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O2 -gline-tables-only" \
  -DPRO380_SANITIZE=address,undefined -DPRO380_WERROR=$(PRO380_WERROR) -DPRO380_BUILD_BENCH=OFF \
  -DPRO380_WITH_GPIOD=ON
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1

.PHONY: all deps configure build test run bench format lint clean check-full check-sanitize check-fuzz \
  check-tsan

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	  -DPRO380_WERROR=$(PRO380_WERROR) -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

check-full: check-sanitize check-fuzz

# naming and format are compiler-independent and already run in `make test`.
check-sanitize: deps
	@CXX=clang++ cmake -S . -B $(SANITIZE_DIR) $(SANITIZE_CMAKE) >/dev/null
	@cmake --build $(SANITIZE_DIR) -j $(JOBS)
	@cd $(SANITIZE_DIR) && ctest --output-on-failure -j $(JOBS) -E '^(naming|format|crash_kill9)$$'

check-fuzz: deps
	@CXX=clang++ cmake -S . -B $(FUZZ_DIR) $(SANITIZE_CMAKE) -DPRO380_FUZZ=ON \
	  -DPRO380_BUILD_TESTS=OFF >/dev/null
	@cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzz_targets
	@scripts/run_fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

check-tsan: deps
	@CXX=clang++ cmake -S . -B $(TSAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" -DPRO380_SANITIZE=thread \
	  -DPRO380_WERROR=$(PRO380_WERROR) -DPRO380_BUILD_BENCH=OFF >/dev/null
	@cmake --build $(TSAN_DIR) -j $(JOBS) --target pro380 web_tests
	@cd $(TSAN_DIR) && PRO380_SOURCE_DIR=$(CURDIR) TSAN_OPTIONS=halt_on_error=1 tests/web_tests
	@cd $(TSAN_DIR) && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -j $(JOBS) -R '$(TSAN_TESTS)'

run: build
	@$(BUILD_DIR)/pro380 run $(RUN_ARGS)

bench: build
	@$(BUILD_DIR)/bench/pro380_bench
	@python3 bench/modbus_tcp/run_bench.py --build-dir $(BUILD_DIR)
	@python3 bench/fleet/run_fleet_bench.py --build-dir $(BUILD_DIR)

format:
	@find src tests bench -path tests/node/node_modules -prune -o \( -name "*.h" -o -name "*.cc" \) -print | xargs clang-format -i

clean:
	@rm -rf $(BUILD_DIR)
