# The two commands a new user needs: `make run` (set up, build, start a node) and
# `make test` (set up, build, run every test). Every target sets itself up.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
RUN_FLAGS ?= -orchestrator -transcoder -network offchain -serviceAddr 127.0.0.1:8935 -monitor

.PHONY: setup configure build test test-long run bench format tidy asan clean demo

setup:
	@scripts/setup

configure: setup
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_EXTRA)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The default suite leaves out checks labelled "long" (the 60 s stream); `make test-long` runs them.
test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600 -LE long

test-long: build
	cd $(BUILD_DIR) && ctest --output-on-failure --timeout 900 -L long

# The whole network on this machine: devnet, an on-chain node, a paying gateway, redemption.
demo: build
	scripts/demo

run: build
	$(BUILD_DIR)/bin/baton $(RUN_FLAGS)

bench: build
	scripts/bench

asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  $(MAKE) test BUILD_DIR=build-asan BUILD_TYPE=Debug CMAKE_EXTRA=-DBATON_SANITIZE=ON

format:
	find src bench tests -name '*.h' -o -name '*.cc' | xargs clang-format -i

tidy: configure
	find src -name '*.cc' ! -name '*_test.cc' | xargs clang-tidy -p $(BUILD_DIR) --quiet

clean:
	rm -rf $(BUILD_DIR)
