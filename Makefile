# The two commands a newcomer needs: `make run` and `make test`. Both install what is missing,
# configure and build first. Everything else here is a convenience for developers.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
PRO380_WERROR ?= OFF
JOBS ?= $(shell nproc)
RUN_ARGS ?=

.PHONY: all deps configure build test run bench format lint clean

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

run: build
	@$(BUILD_DIR)/pro380 run $(RUN_ARGS)

bench: build
	@$(BUILD_DIR)/bench/pro380_bench

format:
	@find src tests bench \( -name "*.h" -o -name "*.cc" \) | xargs clang-format -i

clean:
	@rm -rf $(BUILD_DIR)
