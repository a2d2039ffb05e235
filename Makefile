# The two commands a newcomer runs: `make run` and `make test` (README.md).
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
BENCH_DIR ?= build-release
JOBS ?= $(shell nproc)
CONFIG ?= examples/demo.yaml

.PHONY: all deps build run test bench format clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Runs the demo pipeline on the embedded defaults: no broker, no external service.
run: build
	$(BUILD_DIR)/arkflow run -c $(CONFIG)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

# Benchmarks build in Release in their own tree; see docs/benchmarks.md.
bench: deps
	cmake -S . -B $(BENCH_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DARK_BUILD_TESTS=OFF
	cmake --build $(BENCH_DIR) -j $(JOBS)
	bench/run_all.sh $(BENCH_DIR)

format:
	find src tests bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(BENCH_DIR)
