#!/usr/bin/env bash
# Benchmark suite: runs the PyTorch reference (bench/torch/reference.py) for every MNIST workload
# with 1 and 2 threads (OMP_NUM_THREADS = --threads), the paper-mnist grid model after model, and the
# peak-FLOP measurement; writes bench/results/torch-<stamp>.json and .md. If a hyperprune launcher
# is given (HYPERPRUNE=path/to/bin/hyperprune), runs `hyperprune bench` in the same session too and
# writes hyperprune-<stamp>.json and comparison-<stamp>.md (ratios hyperprune / PyTorch).
#
#   bench/run.sh [--data-dir DIR] [--epochs 7] [--threads "1 2"] [--workloads "a b"] [--no-grid]
#
# Environment: PYTHON (default /usr/bin/python3, Debian's python3-torch), HYPERPRUNE_DATA (data root,
# MNIST in $HYPERPRUNE_DATA/mnist), TORCH_BLAS=openblas|system (default openblas, see bench/README.md),
# GRID_EPOCHS_PLAIN / GRID_EPOCHS_HYPER / GRID_RESTARTS (default 3 / 6 / 1 = paper-mnist-quick),
# GRID_EVAL_EVERY (hyperprune's grid: --eval-every, default 0 = evaluate after the last epoch, as the reference),
# HYPERPRUNE (the Java launcher; unset = PyTorch side only), HYPERPRUNE_GRID=0 to skip its grid,
# HP_EXTRA_WORKLOADS (hyperprune-only workloads, default the two 6-lambdas ones; "" for none).
set -euo pipefail
cd "$(dirname "$0")/.."

data_dir="${HYPERPRUNE_DATA:-data}/mnist"
epochs=7
threads_list="1 2"
workloads="weight-decay variational prior-scaled variational-linear variational-piecewise"
grid=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --data-dir) data_dir="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --threads) threads_list="$2"; shift 2 ;;
    --workloads) workloads="$2"; shift 2 ;;
    --no-grid) grid=0; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
python="${PYTHON:-/usr/bin/python3}"
"$python" -c "import torch" 2>/dev/null || { echo "run.sh: $python has no torch: apt-get install -y python3-torch" >&2; exit 2; }

# Data: the four MNIST IDX files (raw or .gz) in $data_dir.
if [[ ! -e "$data_dir/train-images-idx3-ubyte" && ! -e "$data_dir/train-images-idx3-ubyte.gz" ]]; then
  if [[ -x scripts/fetch-mnist.sh && "$(basename "$data_dir")" == mnist ]]; then
    scripts/fetch-mnist.sh "$(dirname "$data_dir")"
  else
    echo "run.sh: no MNIST in $data_dir (pass --data-dir DIR with the four IDX files)" >&2; exit 2
  fi
fi

# BLAS: Debian's python3-torch is built with BLAS_INFO=generic and calls whatever libblas.so.3
# resolves to; the default alternative is the reference (netlib) BLAS, ~15x slower than OpenBLAS on
# these GEMMs. A fair baseline uses OpenBLAS (apt-get install -y libopenblas0-openmp: the OpenMP build,
# so torch.set_num_threads also sets OpenBLAS's threads), chosen here per process, not system-wide.
openblas_dir=/usr/lib/x86_64-linux-gnu/openblas-openmp
case "${TORCH_BLAS:-openblas}" in
  openblas)
    [[ -e "$openblas_dir/libblas.so.3" ]] || { echo "run.sh: OpenBLAS missing: apt-get install -y libopenblas0-openmp (or TORCH_BLAS=system)" >&2; exit 2; }
    export LD_LIBRARY_PATH="$openblas_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ;;
  system) ;;
  *) echo "run.sh: TORCH_BLAS must be openblas or system" >&2; exit 2 ;;
esac

stamp="$(date -u +%Y%m%d-%H%M)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p bench/results
echo "run.sh: load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other busy processes distort every figure)" >&2

# 1. Peak FLOP rate of this machine (float32 GEMM) and the FLOP floor per workload.
"$python" bench/torch/peak_flops.py $(for t in $threads_list; do echo --threads "$t"; done) > "$work/peak.json"

# 2. PyTorch reference: one process per workload and thread count (clean peak RSS), then the grid.
for threads in $threads_list; do
  for workload in $workloads; do
    OMP_NUM_THREADS=$threads "$python" bench/torch/reference.py --data-dir "$data_dir" --workload "$workload" \
      --threads "$threads" --epochs "$epochs" > "$work/torch-$workload-t$threads.json"
  done
  if [[ $grid == 1 ]]; then
    OMP_NUM_THREADS=$threads "$python" bench/torch/reference.py --data-dir "$data_dir" --grid --threads "$threads" \
      --restarts "${GRID_RESTARTS:-1}" --epochs-plain "${GRID_EPOCHS_PLAIN:-3}" --epochs-hyper "${GRID_EPOCHS_HYPER:-6}" \
      > "$work/torch-grid-t$threads.json"
  fi
done
"$python" bench/compare.py merge "$work"/peak.json "$work"/torch-*.json > "bench/results/torch-$stamp.json"
"$python" bench/compare.py table "bench/results/torch-$stamp.json" > "bench/results/torch-$stamp.md"
echo "run.sh: wrote bench/results/torch-$stamp.json and .md" >&2

# 3. ===== HOOK: the Java side (hyperprune bench), same session, same data and thread counts =====
# `hyperprune bench --workload X --threads N --epochs E --json` must print one document of the
# bench/README.md schema ("implementation": "hyperprune"). --threads is passed only if the launcher
# knows it; OMP_NUM_THREADS is always set. The grid is `hyperprune experiment --preset
# paper-mnist-quick` (or the GRID_* settings) timed from outside with compare.py timed.
if [[ -n "${HYPERPRUNE:-}" ]]; then
  hp="$HYPERPRUNE"
  [[ -x "$hp" ]] || { echo "run.sh: HYPERPRUNE=$hp is not executable" >&2; exit 2; }
  threads_flag=0
  "$hp" bench --help 2>/dev/null | grep -q -- '--threads' && threads_flag=1
  # Both step executors side by side (compiled: the default; session: SameDiff's own fit), if known.
  executor_flag=()
  "$hp" bench --help 2>/dev/null | grep -q -- '--executor' && executor_flag=(--executor "${HP_EXECUTORS:-compiled,session}")
  # Also the grid's plain models six at a time (one per lambda, side by side in one graph), compared
  # by compare.py with six PyTorch runs of the same evidence one after another.
  hp_workloads="$workloads ${HP_EXTRA_WORKLOADS-weight-decay-6-lambdas variational-6-lambdas}"
  # The reference evaluates each grid model once, after its last epoch: so does the grid here
  # (GRID_EVAL_EVERY, default 0 = --eval-every 0; 1 = every epoch, hyperprune's default).
  eval_flag=()
  "$hp" experiment --help 2>/dev/null | grep -q -- '--eval-every' && eval_flag=(--eval-every "${GRID_EVAL_EVERY:-0}")
  for threads in $threads_list; do
    for workload in $hp_workloads; do
      extra=(); [[ $threads_flag == 1 ]] && extra=(--threads "$threads")
      OMP_NUM_THREADS=$threads "$hp" bench --data-dir "$(dirname "$data_dir")" --workload "$workload" "${extra[@]}" \
        "${executor_flag[@]}" --epochs "$epochs" --json > "$work/hp-$workload-t$threads.json" \
        || { echo "run.sh: hyperprune bench failed for $workload t$threads" >&2; rm -f "$work/hp-$workload-t$threads.json"; }
    done
    if [[ $grid == 1 && "${HYPERPRUNE_GRID:-1}" == 1 ]]; then
      # T cores for a grid: T single-threaded worker processes (PyTorch: one process with T threads).
      OMP_NUM_THREADS=$threads "$python" bench/compare.py timed "$work/hp-grid-time-t$threads.json" -- \
        "$hp" experiment --preset paper-mnist-quick --data-dir "$(dirname "$data_dir")" --out "$work/grid-t$threads" \
        --restarts "${GRID_RESTARTS:-1}" --epochs-plain "${GRID_EPOCHS_PLAIN:-3}" --epochs-hypernetwork "${GRID_EPOCHS_HYPER:-6}" \
        --workers "$threads" --threads-per-worker 1 --no-report "${eval_flag[@]}" > "$work/grid-t$threads.log" 2>&1 || echo "run.sh: hyperprune grid failed (t$threads), see log" >&2
      "$python" - "$work/hp-grid-time-t$threads.json" "$threads" > "$work/hp-grid-t$threads.json" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
print(json.dumps({"implementation": "hyperprune", "workloads": [],
                  "grid": {"threads": int(sys.argv[2]), "seconds": t["seconds"], "peak_rss_mb": t["peak_rss_mb"], "exit": t["exit"]}}))
EOF
    fi
  done
  if compgen -G "$work/hp-*-t*.json" > /dev/null; then
    "$python" bench/compare.py merge $(ls "$work"/hp-*-t*.json | grep -v grid-time) > "bench/results/hyperprune-$stamp.json"
    "$python" bench/compare.py compare "bench/results/torch-$stamp.json" "bench/results/hyperprune-$stamp.json" \
      | tee "bench/results/comparison-$stamp.md"
  fi
fi
# ===== end of hook =====
echo "run.sh: load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
cat "bench/results/torch-$stamp.md"
