# The two commands a new user needs (README): `scripts/demo` (set up, build, run a whole
# Livepeer network locally) and `scripts/test` (set up, build, run every test). Both run on a
# fresh Debian 12 with only git and bash; this Makefile is a convenience over the same scripts
# once `make` is installed (scripts/setup installs it): `make demo`, `make test`, ...
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
RUN_FLAGS ?= -orchestrator -transcoder -network offchain -serviceAddr 127.0.0.1:8935 -monitor
export BUILD_DIR BUILD_TYPE JOBS CMAKE_EXTRA

.PHONY: setup configure build test test-long run bench format tidy asan clean demo

setup:
	@scripts/setup

configure: setup
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_EXTRA)

build:
	@scripts/build

# The default suite leaves out checks labelled "long" (the 60 s stream); `make test-long` runs them.
test:
	@scripts/test

test-long:
	@scripts/test -L long

# The whole network on this machine: devnet, an on-chain node, a paying gateway, redemption.
demo:
	@scripts/demo

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
