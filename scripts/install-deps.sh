#!/usr/bin/env bash
# Installs everything the build, the tests and the benchmarks need: Debian packages through apt-get
# (as root, or through sudo) and the npm test peers from package-lock.json. Idempotent: packages
# already present are skipped, and a run with nothing missing changes nothing.
set -euo pipefail

cd "$(dirname "$0")/.."

# Build toolchain and libraries (DESIGN §7), test and benchmark tools.
DEB_PACKAGES=(
  # build
  cmake ninja-build ccache g++ make pkg-config git
  # config, JSON, containers, strings, logging, CLI
  libyaml-cpp-dev libsimdjson-dev libabsl-dev libre2-dev libxxhash-dev
  libspdlog-dev libfmt-dev libcli11-dev
  # Arrow IPC flatbuffers, admin HTTP server (Boost.Asio/Beast)
  libflatbuffers-dev flatbuffers-compiler libboost-dev
  # connectors: Kafka, MQTT (+ the broker for tests), HTTP client, TLS, gzip
  librdkafka-dev libmosquitto-dev mosquitto mosquitto-clients libcurl4-openssl-dev libssl-dev
  zlib1g-dev wrk
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3 hyperfine time curl openssl
  # config: the JSON Schema test validates with an independent implementation
  python3-jsonschema
  clang-format
  # fuzzing (tests/fuzz): clang with libFuzzer and the sanitizer runtimes
  clang libclang-rt-14-dev
  # machine learning (src/ml): the model runtimes; tests/support/make_models.py makes the test
  # models with the Python libraries
  libopencv-dnn-dev libtorch-dev libxgboost-dev
  python3-onnx python3-torch python3-xgboost python3-numpy
  # examples/processors/python_sklearn: a scikit-learn model run by the python processor
  python3-sklearn
  # the python processor (src/ml/python): embedded CPython and pybind11
  python3-dev pybind11-dev
  # libtorch's matrix products go through libblas.so.3; Debian's default is the reference BLAS
  # (7x slower on the MLP of bench/ml_bench). OpenBLAS, single-threaded: parallelism stays the
  # engine's (thread_num) and the models' (`threads`).
  libopenblas0-serial
)

missing=()
# Node.js with npm may come from elsewhere than Debian (these machines ship one); only install
# Debian's when there is none.
if ! command -v npm >/dev/null; then
  DEB_PACKAGES+=(nodejs npm)
fi
for p in "${DEB_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "install-deps: installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then
      SUDO="sudo"
    else
      echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm peers (apache-arrow, DuckDB, kafkajs ...) are test and benchmark tools only, pinned by
# package-lock.json.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install-deps: installing npm test tools"
  # `npm install` rather than `npm ci`: the lock file pins every version, but the registry this
  # project can reach does not list the other platforms' optional DuckDB bindings, which `npm ci`
  # insists on finding in the lock file.
  npm install --no-audit --no-fund --loglevel=error
fi
