#!/usr/bin/env bash
# Builds TorchSharp 0.107.0's native shim, libLibTorchSharp.so, from the sources in this kit (torchsharp-native/,
# TorchSharp's src/Native at the commit README.md names) against a local libtorch, e.g. PyTorch's:
#   build-shim.sh TORCH_DIR OUT_DIR [JOBS]
# TORCH_DIR holds lib/, include/ and share/cmake/Torch (PyTorch: python3 -c "import torch,os;print(os.path.dirname(torch.__file__))").
# First TorchSharp's own CMake project (find_package(Torch) through Torch_DIR); if that cannot be configured or built,
# a plain CMake project over the same sources that compiles against include/ and links lib/ directly (no CUDA needed:
# the shim calls libtorch's C++ API only). Writes OUT_DIR/libLibTorchSharp.so; logs go to stdout.
set -euo pipefail
if [ $# -lt 2 ]; then echo "usage: $0 TORCH_DIR OUT_DIR [JOBS]" >&2; exit 2; fi
torch_dir=$(cd "$1" && pwd)
mkdir -p "$2"; out=$(cd "$2" && pwd)
jobs=${3:-$(nproc)}
kit=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
native=$kit/torchsharp-native/src/Native
if [ ! -d "$native/LibTorchSharp" ]; then
    echo "This kit has no TorchSharp sources (torchsharp-native/ is empty: the machine that built it had no TorchSharp clone)." >&2
    echo "Rebuild it with a clone of https://github.com/dotnet/TorchSharp beside the repository or MOEPS_TORCHSHARP_SOURCE set." >&2
    exit 4
fi
work=$(mktemp -d)
generator=(); command -v ninja >/dev/null && generator=(-G Ninja)
# TorchSharp's CMakeLists adds -Werror; a newer libtorch's headers may warn, so warnings stay warnings (these flags come last).
relaxed=(-DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS=-Wno-error" "-DCMAKE_C_FLAGS=-Wno-error")
if command -v nvcc >/dev/null; then relaxed+=("-DCUDAToolkit_ROOT=$(dirname "$(dirname "$(command -v nvcc)")")"); fi

echo "== TorchSharp's CMake project against $torch_dir"
set -x
if cmake -S "$native" -B "$work/torchsharp" "${generator[@]}" "${relaxed[@]}" \
        -DTorch_DIR="$torch_dir/share/cmake/Torch" -DLIBTORCH_PATH="$torch_dir" &&
   cmake --build "$work/torchsharp" --target LibTorchSharp -j "$jobs"; then
    { set +x; } 2>/dev/null
    cp "$work/torchsharp/LibTorchSharp/libLibTorchSharp.so" "$out/"
    echo "== built with TorchSharp's CMake project: $out/libLibTorchSharp.so"
    exit 0
fi
{ set +x; } 2>/dev/null

echo "== TorchSharp's CMake project failed; the plain CMake project over the same sources"
mkdir -p "$work/plain"
cat > "$work/plain/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.18)
project(LibTorchSharpPlain C CXX)
file(GLOB sources "$native/LibTorchSharp/*.cpp" "$native/LibTorchSharp/*.c")
add_library(LibTorchSharp SHARED \${sources})
target_include_directories(LibTorchSharp PRIVATE "$native" "$torch_dir/include" "$torch_dir/include/torch/csrc/api/include")
target_compile_definitions(LibTorchSharp PRIVATE __LINUX__ _NO_ASYNCRTIMP _NO_PPLXIMP)
target_compile_options(LibTorchSharp PRIVATE -fPIC -fvisibility=hidden \$<\$<COMPILE_LANGUAGE:CXX>:-std=c++17>)
target_link_directories(LibTorchSharp PRIVATE "$torch_dir/lib")
target_link_libraries(LibTorchSharp PRIVATE torch torch_cpu c10)
set_target_properties(LibTorchSharp PROPERTIES BUILD_RPATH "$torch_dir/lib")
CMAKE
set -x
cmake -S "$work/plain" -B "$work/plain/build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release
cmake --build "$work/plain/build" -j "$jobs"
{ set +x; } 2>/dev/null
cp "$work/plain/build/libLibTorchSharp.so" "$out/"
echo "== built with the plain CMake project: $out/libLibTorchSharp.so"
