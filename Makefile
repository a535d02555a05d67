# The two commands of README.md: `make demo` and `make test`. Both install what is missing first.
VENV     ?= .venv
PY       := $(VENV)/bin/python
PRESET   ?= ci
BUILD    := build/$(PRESET)
PREFIX   := build/$(PRESET)-install
DEMO_OUT ?= demo-output
export CMAKE_BUILD_PARALLEL_LEVEL ?= 2

.PHONY: all deps demo test test-cpp test-consumer test-python lint python bench clean docs

all: test

deps:
	@tools/install-deps.sh $(VENV)

# The Python package (C++ core included), installed into the virtual environment.
python: deps
	$(PY) -m pip install -q --no-build-isolation .

demo: python
	$(VENV)/bin/doelenboom demo --out $(DEMO_OUT)

test: test-cpp test-consumer test-python lint docs

test-cpp: deps
	cmake --preset $(PRESET)
	cmake --build --preset $(PRESET)
	ctest --preset $(PRESET)

# A project outside the tree finds the installed package with find_package and runs.
test-consumer: test-cpp
	cmake --install $(BUILD) --prefix $(CURDIR)/$(PREFIX)
	cmake -S tests/consumer -B $(BUILD)-consumer -G Ninja -DCMAKE_PREFIX_PATH=$(CURDIR)/$(PREFIX) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD)-consumer
	$(BUILD)-consumer/consumer $(CURDIR)/examples/trees/movisie.yaml

# DOELENBOOM_REQUIRE_BROWSER: the headless-Chromium report test fails instead of skipping.
test-python: python
	DOELENBOOM_REQUIRE_BROWSER=1 $(PY) -m pytest

# The documentation site, docs/ -> build/docs (Sphinx, MyST; docs/conf.py): warnings are errors,
# every page is read afresh (-E) and the tutorial notebook is executed.
docs: python
	$(PY) -m sphinx -W --keep-going -E -q -b html docs build/docs

# Style and types of the Python package (configured in pyproject.toml), the size limits of
# tools/check_sizes.py, and the stubs of the compiled module (python/doelenboom/_core/*.pyi, one per
# submodule) against the module as built: every name both ways by mypy.stubtest
# (tools/stubtest-allowlist.txt lists what it cannot judge, and why), and the parameters, which
# stubtest cannot read from pybind11, by tools/check_stub_signatures.py.
lint: python
	$(VENV)/bin/ruff check python tests/python benchmarks tools
	$(PY) tools/check_sizes.py
	$(VENV)/bin/mypy
	MYPYPATH=python $(PY) -m mypy.stubtest doelenboom._core --mypy-config-file pyproject.toml \
	  --allowlist tools/stubtest-allowlist.txt
	$(PY) tools/check_stub_signatures.py

# Every benchmark, each against a baseline measured in the same run; results into docs/performance.md.
bench: python
	$(PY) -m pip install -q "networkx>=3"
	cmake --preset release
	cmake --build --preset release --target benchmarks
	$(PY) benchmarks/run_benchmarks.py --build build/release --out docs/performance.md
	$(PY) benchmarks/bench_estimates.py --out docs/performance.md
	$(PY) benchmarks/bench_pipeline.py --out docs/performance.md
	$(PY) benchmarks/bench_sensitivity.py --out docs/performance.md
	$(PY) benchmarks/bench_compare.py --out docs/performance.md
	$(PY) benchmarks/bench_signals.py --out docs/performance.md
	$(PY) benchmarks/bench_dask.py --out docs/performance.md
	$(PY) benchmarks/bench_disclosure.py --out docs/performance.md --loss-out docs/privacy.md

# Sanitizers and fuzzing (docs/hardening.md): the C++ tests under ASan + UBSan, the concurrency
# test under TSan, and every fuzz target for 20 s (CI) or 600 s each.
.PHONY: test-asan test-tsan fuzz-short fuzz-long
test-asan: deps
	tools/ci-hardening.sh asan
test-tsan: deps
	tools/ci-hardening.sh tsan
fuzz-short: deps
	tools/ci-hardening.sh fuzz 20
fuzz-long: deps
	tools/ci-hardening.sh fuzz 600

clean:
	rm -rf build $(DEMO_OUT)
