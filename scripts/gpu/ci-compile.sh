#!/usr/bin/env bash
# Compile-and-link check of the CUDA backend on a machine with neither a GPU nor a CUDA install
# (CI): NVIDIA's CUDA 13.0 compiler and libraries come from their PyPI wheels, unpacked into a
# folder outside the repository, then the RANDLA_CUDA=ON build of the CUDA library, its test
# binary and the benchmark. Without a device the test binary must report itself skipped (exit
# 77): that path is checked too. Nothing runs on a GPU here (scripts/gpu/check.sh does that).
#   scripts/gpu/ci-compile.sh            (CUDA_WHEELS=/tmp/randla-cuda-wheels, BUILD=build-cuda-ci)
# Cost, measured on a 2-core machine with a fast network: 0.9 GB of wheels, 1 min 38 s in all
# (download, unpacking, the core and the CUDA targets, from an empty build folder).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WHEELS=${CUDA_WHEELS:-/tmp/randla-cuda-wheels}
BUILD=${BUILD:-$ROOT/build-cuda-ci}
JOBS=${JOBS:-2}

# One CUDA release (13.0, the GPU machine's): the libraries a newer cuSOLVER needs from cuBLAS
# do not exist in an older cuBLAS, so every wheel is pinned.
PINS=(nvidia-cuda-nvcc==13.0.88 nvidia-cuda-crt==13.0.88 nvidia-nvvm==13.0.88 nvidia-cuda-cccl==13.0.85
      nvidia-cuda-runtime==13.0.96 nvidia-cublas==13.0.2.14 nvidia-cusolver==12.0.4.66
      nvidia-cusparse==12.6.3.3 nvidia-nvjitlink==13.0.88)

if ! python3 -m pip --version >/dev/null 2>&1; then
  echo "ci-compile: python3 -m pip is missing; the CUDA compile check needs it to fetch NVIDIA's wheels" >&2
  exit 1
fi
CU=$WHEELS/root/nvidia/cu13
if [ ! -x "$CU/bin/nvcc" ]; then
  python3 -m pip download -q --no-deps --only-binary=:all: --platform manylinux_2_27_x86_64 \
    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform manylinux_2_12_x86_64 \
    --platform manylinux2010_x86_64 -d "$WHEELS/dl" "${PINS[@]}"
  mkdir -p "$WHEELS/root"
  for w in "$WHEELS"/dl/*.whl; do python3 -m zipfile -e "$w" "$WHEELS/root"; done
  chmod +x "$CU"/bin/* "$CU"/nvvm/bin/* 2>/dev/null || true
  # The wheels ship versioned libraries in lib/; CMake and nvcc look for lib64/ and unversioned names.
  ln -sfn lib "$CU/lib64"
  for f in "$CU"/lib/lib*.so.*; do ln -sf "$(basename "$f")" "${f%%.so.*}.so"; done
fi

GEN=()
command -v ninja >/dev/null 2>&1 && GEN=(-G Ninja)
cmake -S "$ROOT" -B "$BUILD" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release -DRANDLA_CUDA=ON \
  -DCMAKE_CUDA_COMPILER="$CU/bin/nvcc" -DCUDAToolkit_ROOT="$CU"
cmake --build "$BUILD" -j "$JOBS" --target randla_cuda randla_test_cuda randla_bench_cuda_rsvd randla_bench_cuda_nystrom

set +e
"$BUILD/native/tests/cuda/randla_test_cuda"
rc=$?
set -e
if [ $rc -ne 77 ]; then
  echo "ci-compile: the GPU test binary exited $rc without a device; expected 77 (skipped)" >&2
  exit 1
fi
echo "ci-compile: the CUDA backend compiles and links; its tests report skipped without a device"
