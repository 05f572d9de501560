# The two commands of the README: `make run` and `make test`.
JOBS ?= $(shell nproc)
DATA_DIR ?= ./var
SEALPOST := build/release/src/app/sealpost

.PHONY: run test deps build build-asan test-asan test-release bench format clean

deps:
	scripts/install-deps

build: deps
	cmake --preset release >/dev/null
	cmake --build build/release -j $(JOBS)

build-asan: deps
	cmake --preset asan-ubsan >/dev/null
	cmake --build build/asan -j $(JOBS)

# Initialises ./var on first use and runs the daemon in the foreground on loopback, delivering
# into the Maildirs under ./var/mail (Ctrl-C stops it).
run: build
	@test -d $(DATA_DIR) || $(SEALPOST) init $(DATA_DIR) --domain sealpost.test
	$(SEALPOST) --data-dir $(DATA_DIR) serve --next-hop maildir:$(abspath $(DATA_DIR))/mail

# The sanitizer build runs the unit tests and the daemon's hostile-input and Postfix tests
# first; the release build then runs the whole suite, so the output ends with CTest's summary.
test: build build-asan
	cd build/asan && ctest --output-on-failure -j $(JOBS) -L unit
	cd build/asan && ctest --output-on-failure -R 'integration\.(smtp_hostile|postfix|serve_signals)$$'
	cd build/release && ctest --output-on-failure -j $(JOBS)

bench: build
	scripts/run-benchmarks

format:
	find src tests bench fuzz -name '*.cpp' -o -name '*.hpp' 2>/dev/null | xargs clang-format -i

clean:
	rm -rf build
