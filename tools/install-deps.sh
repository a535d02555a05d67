#!/usr/bin/env bash
# Install what the build and the tests need and is not there yet: Debian packages (apt-get) and
# a Python virtual environment with the package's Python dependencies (pip).
# Usage: tools/install-deps.sh [VENV_DIR]     (default .venv)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${1:-.venv}

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libeigen3-dev libboost-graph-dev libyaml-cpp-dev libcsv-dev libssl-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  graphviz
  clang-16 libclang-rt-16-dev   # the fuzz preset: clang with libFuzzer (docs/hardening.md)
  chromium
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A Python 3.10+ with venv and headers: use the one on PATH when it has them, else Debian's.
if ! command -v python3 >/dev/null || ! python3 -c 'import venv, sysconfig, sys; assert sys.version_info >= (3, 10); import os; assert os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h"))' 2>/dev/null; then
  missing+=(python3 python3-dev python3-venv python3-pip)
fi
if ((${#missing[@]})); then
  echo "install-deps: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# cmake >= 3.25 is needed (presets version 6); Debian 12 ships 3.25.1.
cmake_version=$(cmake --version | head -1 | sed 's/[^0-9.]*\([0-9.]*\).*/\1/')
if [ "$(printf '%s\n3.25\n' "$cmake_version" | sort -V | head -1)" != "3.25" ]; then
  echo "install-deps: cmake $cmake_version is older than 3.25" >&2
  exit 1
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "install-deps: creating the virtual environment $VENV"
  python3 -m venv "$VENV"
fi
# The pinned floor of every Python dependency lives in pyproject.toml; this only installs what is missing.
stamp="$VENV/.deps-stamp"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q "scikit-build-core>=0.10" "pybind11>=2.12" ninja
  "$VENV/bin/python" - <<'PY' > "$VENV/.requirements.txt"
import tomllib
meta = tomllib.load(open("pyproject.toml", "rb"))["project"]
deps = list(meta.get("dependencies", []))
for extra in ("test", "docs"):
    deps += meta.get("optional-dependencies", {}).get(extra, [])
print("\n".join(deps))
PY
  "$VENV/bin/python" -m pip install -q -r "$VENV/.requirements.txt"
  touch "$stamp"
fi
