#!/usr/bin/env bash
# The device check of the MoePS GPU kit (README.md beside this script):
#   run-device-check.sh OUT_DIR [BUDGET_SECONDS=480] [DEVICE=cuda]
# 1. finds the local libtorch through python3's PyTorch (or $MOEPS_TORCH_DIR);
# 2. tries the shipped libLibTorchSharp.so against it (ldd -r for undefined symbols, then the harness's tiny tensor op on
#    DEVICE); if that fails, builds the shim from the bundled TorchSharp sources (build-shim.sh) and tries again;
# 3. runs the harness's steps (tensor, golden, speed, paths, protocol) on DEVICE within what is left of the budget, each
#    writing OUT_DIR/<step>.json (the protocol's runs go to OUT_DIR/protocol.jsonl), while nvidia-smi samples GPU memory;
# 4. writes OUT_DIR/summary.json (steps, shim, peak GPU memory per step) and prints it.
# Exit code: 0 when every step passed, 1 when a step failed, 3 when no shim works with this libtorch.
set -uo pipefail
if [ $# -lt 1 ]; then echo "usage: $0 OUT_DIR [BUDGET_SECONDS] [DEVICE]" >&2; exit 2; fi
kit=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1"; out=$(cd "$1" && pwd)
budget=${2:-480}
device=${3:-cuda}
python=${PYTHON:-python3}
harness=$kit/bin/MoePS.DeviceCheck
shim=$kit/bin/libLibTorchSharp.so
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$out/run.log" >&2; }

# 1. The local libtorch.
torch_dir=${MOEPS_TORCH_DIR:-$("$python" -c "import torch,os;print(os.path.dirname(torch.__file__))")}
torch_version=$("$python" -c "import torch;print(torch.__version__)" 2>/dev/null || echo unknown)
export MOEPS_LIBTORCH_PATH=$torch_dir/lib
log "libtorch $torch_version in $torch_dir; budget ${budget} s on $device"

smi=""
if command -v nvidia-smi >/dev/null; then
    TZ=UTC nvidia-smi --query-gpu=timestamp,memory.used,memory.total,utilization.gpu --format=csv,noheader,nounits -lms 250 \
        > "$out/gpu-memory.csv" 2>/dev/null &
    smi=$!
fi

# 2. A shim that works with it: "ldd -r" finds no undefined symbol and the tensor step passes on the device.
undefined_symbols() { LD_LIBRARY_PATH=$MOEPS_LIBTORCH_PATH ldd -r "$shim" 2>&1 | grep -c 'undefined symbol'; }
tensor_op() { timeout 180 "$harness" --device "$device" --steps tensor --out "$out/shim-$1" --budget 120 >> "$out/run.log" 2>&1; }
shipped_undefined=$(undefined_symbols); shipped_op=skipped; built=false; build_seconds=0; built_undefined=null; built_op=null
if [ "$shipped_undefined" -eq 0 ]; then
    if tensor_op shipped; then shipped_op=passed; else shipped_op=failed; fi
fi
log "shipped shim (built for libtorch 2.10.0): $shipped_undefined undefined symbol(s), tensor op $shipped_op"
shim_works=false
if [ "$shipped_op" = passed ]; then
    shim_works=true
else
    log "building the shim against $torch_dir (log: shim-build.log)"
    cp "$shim" "$shim.shipped"
    build_start=$SECONDS
    if "$kit/build-shim.sh" "$torch_dir" "$out/shim-built" "$(nproc)" > "$out/shim-build.log" 2>&1; then
        built=true
        cp "$out/shim-built/libLibTorchSharp.so" "$shim"
        built_undefined=$(undefined_symbols)
        if tensor_op built; then built_op='"passed"'; shim_works=true; else built_op='"failed"'; fi
    fi
    build_seconds=$((SECONDS - build_start))
    log "shim build: built=$built in ${build_seconds} s, $built_undefined undefined symbol(s), tensor op $built_op"
fi
cat > "$out/shim.json" <<JSON
{"torchDir": "$torch_dir", "torchVersion": "$torch_version", "shimBuiltFor": "2.10.0",
 "shipped": {"undefinedSymbols": $shipped_undefined, "tensorOp": "$shipped_op"},
 "rebuilt": {"built": $built, "seconds": $build_seconds, "undefinedSymbols": $built_undefined, "tensorOp": $built_op},
 "works": $shim_works}
JSON

# 3. The harness, within what is left of the budget.
status=3
if [ "$shim_works" = true ]; then
    left=$((budget - SECONDS - 20))
    [ "$left" -lt 60 ] && left=60   # a slow shim build still leaves the tensor and golden steps their minute
    log "harness: $left s left"
    timeout $((left + 90)) "$harness" --device "$device" --out "$out" --budget "$left" 2>&1 | tee "$out/harness.log"
    status=${PIPESTATUS[0]}
else
    log "no shim works with libtorch $torch_version: see shim.json and shim-build.log"
fi
[ -n "$smi" ] && kill "$smi" 2>/dev/null

# 4. The summary.
"$python" "$kit/summarize.py" "$out" || true
log "exit $status"
exit "$status"
