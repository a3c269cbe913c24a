#!/usr/bin/env bash
# On a machine with an NVIDIA GPU and no Node: builds randla's C++ core with the CUDA backend
# (CMake + ninja, RANDLA_CUDA=ON), runs every ctest test (CPU and GPU), then the benchmarks of
# docs/gpu.md (randla-cuda against its HBM bound and cusolverDnXgesvdr, torch.svd_lowrank, the
# CPU backend; Nyström of 256² and 512² vortical networks against the CPU backend), and writes
# logs and the results tables to $OUT (default ./gpu-results).
#   scripts/gpu/check.sh [m n k p q]        (default 100000 10000 50 10 2)
# OpenBLAS: the system's when it has cblas.h, else the Debian packages in .device-debs/
# (libopenblas0-pthread, libopenblas-pthread-dev, libgfortran5, libquadmath0), unpacked into a
# private prefix, never into /. STAGES (default "probe build test bench nystrom") picks stages.
set -u -o pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$ROOT/gpu-results}
BUILD=${BUILD:-$ROOT/build-gpu}
STAGES=${STAGES:-probe build test bench nystrom}
JOBS=${JOBS:-$(nproc)}
M=${1:-100000} N=${2:-10000} K=${3:-50} P=${4:-10} Q=${5:-2}
mkdir -p "$OUT"
has() { case " $STAGES " in *" $1 "*) return 0 ;; esac; return 1; }
status=0

export PATH=$PATH:/usr/local/cuda/bin
NVCC=$(command -v nvcc || true)

if has probe; then
  {
    echo "== nvidia-smi"; nvidia-smi || true
    echo "== nvcc"; ${NVCC:-nvcc} --version || true
    echo "== cmake"; cmake --version || true
    echo "== ninja"; ninja --version || true
    echo "== compilers"; g++ --version | head -1 || true; c++ --version | head -1 || true
    echo "== python/torch"; python3 -c 'import torch; print(torch.__version__, torch.version.cuda, torch.cuda.is_available())' || true
    echo "== blas"; ldconfig -p | grep -i -E "blas|lapack|gfortran" || echo "(none in ldconfig)"
    ls /usr/include/cblas.h /usr/include/*/cblas.h /usr/include/*/*/cblas.h 2>/dev/null || echo "(no cblas.h)"
    echo "== cpu"; lscpu | head -20 || true; free -g || true
    echo "== os"; head -3 /etc/os-release || true
  } >"$OUT/probe.log" 2>&1
  echo "probe: $(grep -m1 -o 'NVIDIA H[0-9A-Za-z ]*' "$OUT/probe.log" || echo '?'), nvcc $(grep -o 'release [0-9.]*' "$OUT/probe.log" | head -1)"
fi

# OpenBLAS for the CPU core (and the small host LAPACK steps of the GPU path).
BLAS_ARGS=()
if ! compgen -G "/usr/include/cblas.h" >/dev/null && ! compgen -G "/usr/include/*/cblas.h" >/dev/null &&
   ! compgen -G "/usr/include/*/*/cblas.h" >/dev/null && [ -d "$ROOT/.device-debs" ]; then
  OB=/tmp/randla-openblas
  if [ ! -d "$OB" ]; then
    for f in "$ROOT"/.device-debs/*.deb; do dpkg -x "$f" "$OB"; done
  fi
  LIBDIR=$OB/usr/lib/x86_64-linux-gnu
  export LD_LIBRARY_PATH=$LIBDIR/openblas-pthread:$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  BLAS_ARGS=(-DCMAKE_LIBRARY_PATH="$LIBDIR/openblas-pthread;$LIBDIR"
             -DRANDLA_CBLAS_INCLUDE_DIR="$OB/usr/include/x86_64-linux-gnu/openblas-pthread")
  echo "openblas: private copy in $OB"
fi

if has build; then
  {
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRANDLA_CUDA=ON \
      ${NVCC:+-DCMAKE_CUDA_COMPILER="$NVCC"} "${BLAS_ARGS[@]}" &&
      cmake --build "$BUILD" -j "$JOBS"
  } >"$OUT/build.log" 2>&1
  rc=$?
  echo "build: rc=$rc ($(grep -c 'warning' "$OUT/build.log") warning lines)"
  if [ $rc -ne 0 ]; then tail -40 "$OUT/build.log"; exit 1; fi
fi

if has test; then
  timeout 600 ctest --test-dir "$BUILD" --output-on-failure --timeout 400 >"$OUT/ctest.log" 2>&1
  rc=$?
  echo "ctest: rc=$rc"; grep -E "tests passed|tests failed|Skipped|\*\*\*|Failed|Passed +[0-9.]+ sec" "$OUT/ctest.log" | tail -30
  # The GPU test once more, its own output kept (ctest shows it only on failure).
  { echo "== randla_test_cuda"; timeout 300 "$BUILD/native/tests/cuda/randla_test_cuda"; } >>"$OUT/ctest.log" 2>&1
  grep -E "^device 0|gaussian:|FAIL|SKIPPED|passed, " "$OUT/ctest.log" | tail -8
  [ $rc -eq 0 ] || status=1
fi

if has bench; then
  echo "bench: $M x $N, k=$K p=$P q=$Q"
  # RANDLA_BENCH_GEMM=1 adds the f32 GEMM study (cuBLAS compute types: time and accuracy).
  timeout 300 "$BUILD/native/bench/randla_bench_cuda_rsvd" "$M" "$N" "$K" "$P" "$Q" 9 >"$OUT/bench_cuda.jsonl" 2>>"$OUT/bench.log" || status=1
  PYTHONUNBUFFERED=1 timeout 300 python3 "$ROOT/native/bench/torch_svd_lowrank.py" "$M" "$N" "$K" "$P" "$Q" 9 >"$OUT/bench_torch.jsonl" 2>>"$OUT/bench.log" || status=1
  # The CPU backend on the same host: all cores, OpenBLAS threads sleeping between calls
  # (docs/conventions.md, Threads), 3 repetitions.
  OPENBLAS_THREAD_TIMEOUT=4 timeout 400 "$BUILD/native/bench/randla_bench_rsvd" "$M" "$N" "$K" "$P" "$Q" "$(nproc)" 3 \
    >"$OUT/bench_cpu.jsonl" 2>>"$OUT/bench.log" || status=1
  python3 "$ROOT/scripts/gpu/table.py" "$OUT/bench_cuda.jsonl" "$OUT/bench_torch.jsonl" "$OUT/bench_cpu.jsonl" >"$OUT/results.md"
  cat "$OUT/results.md"
  tail -5 "$OUT/bench.log"
fi
if has nystrom; then
  # Issue 9's Nyström target: 512² network (262 144 nodes), 400 columns, under 0.5 s on the device;
  # the CPU backend on all cores beside it (median of 3).
  echo "nystrom: 256² and 512² vortical networks, l=400, r=10"
  OPENBLAS_THREAD_TIMEOUT=4 timeout 400 "$BUILD/native/bench/randla_bench_cuda_nystrom" 400 10 9 3 256 512 \
    >"$OUT/bench_nystrom.jsonl" 2>>"$OUT/bench.log" || status=1
  python3 "$ROOT/scripts/gpu/table.py" --nystrom "$OUT/bench_nystrom.jsonl" >"$OUT/results_nystrom.md"
  cat "$OUT/results_nystrom.md"
fi
exit $status
