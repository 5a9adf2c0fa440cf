#!/usr/bin/env bash
# Benchmark suite: runs the PyTorch reference (bench/torch/reference.py) for every MNIST workload
# with 1 and 2 threads (OMP_NUM_THREADS = --threads), the CIFAR-10 conv workloads by steps, the
# paper-mnist grid model after model, and the peak-FLOP measurement; writes
# bench/results/torch-<stamp>.json and .md. If a hyperprune launcher is given
# (HYPERPRUNE=path/to/bin/hyperprune), runs `hyperprune bench` in the same session too and writes
# hyperprune-<stamp>.json and comparison-<stamp>.md (ratios hyperprune / PyTorch).
#
#   bench/run.sh [--data-dir DIR] [--epochs 7] [--warmup 2] [--rounds 1] [--threads "1 2"] [--workloads "a b"] [--no-grid]
#                [--cifar-dir DIR] [--steps 5] [--step-warmup 2]
#
# cifar-conv-* workloads (METHOD.md's CIFAR-10 net, batch 128) time --steps steps after --step-warmup
# ones, on CIFAR-format data in --cifar-dir (default: random data written by bench/make_cifar.py).
#
# Each workload runs PyTorch and hyperprune back to back (which goes first alternates by round), so the
# drift of a VM's speed within the session falls on both; --rounds N repeats every pair N times and
# compare.py reports the median of the rounds' ratios.
#
# Environment: PYTHON (default /usr/bin/python3, Debian's python3-torch), HYPERPRUNE_DATA (data root,
# MNIST in $HYPERPRUNE_DATA/mnist), TORCH_BLAS=openblas|system (default openblas, see bench/README.md),
# GRID_EPOCHS_PLAIN / GRID_EPOCHS_HYPER / GRID_RESTARTS (default 3 / 6 / 1 = paper-mnist-quick),
# GRID_EVAL_EVERY (hyperprune's grid: --eval-every, default 0 = evaluate after the last epoch, as the reference),
# HYPERPRUNE (the Java launcher; unset = PyTorch side only), HYPERPRUNE_GRID=0 to skip its grid,
# HP_EXTRA_WORKLOADS (hyperprune-only workloads, default the two 6-lambdas ones; "" for none),
# HYPERPRUNE_ALT (a second launcher, e.g. with another native build, run right after HYPERPRUNE in every
# pair: hyperprune-alt-<stamp>.json, comparison-alt-<stamp>.md; HYPERPRUNE_ALT_OPTS its HYPERPRUNE_OPTS).
set -euo pipefail
cd "$(dirname "$0")/.."

data_dir="${HYPERPRUNE_DATA:-data}/mnist"
epochs=7
warmup=2
rounds=1
threads_list="1 2"
workloads="weight-decay variational prior-scaled variational-linear variational-piecewise cifar-conv-weight-decay cifar-conv-variational cifar-conv-variational-linear"
grid=1
cifar_dir=""
steps=5
step_warmup=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --data-dir) data_dir="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads_list="$2"; shift 2 ;;
    --workloads) workloads="$2"; shift 2 ;;
    --no-grid) grid=0; shift ;;
    --cifar-dir) cifar_dir="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --step-warmup) step_warmup="$2"; shift 2 ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ "$rounds" =~ ^[1-9][0-9]?$ ]] || { echo "run.sh: --rounds must be 1-99, got $rounds" >&2; exit 2; }
[[ "$warmup" =~ ^[1-9][0-9]*$ && "$epochs" =~ ^[0-9]+$ && $epochs -gt $warmup ]] \
  || { echo "run.sh: --epochs must exceed --warmup (at least 1), got --epochs $epochs --warmup $warmup" >&2; exit 2; }
[[ "$steps" =~ ^[1-9][0-9]*$ && "$step_warmup" =~ ^[1-9][0-9]*$ ]] \
  || { echo "run.sh: --steps and --step-warmup must be at least 1, got --steps $steps --step-warmup $step_warmup" >&2; exit 2; }
is_conv() { [[ "$1" == cifar-conv* ]]; }
mnist_needed=$grid
for w in $workloads; do is_conv "$w" || mnist_needed=1; done
python="${PYTHON:-/usr/bin/python3}"
"$python" -c "import torch" 2>/dev/null || { echo "run.sh: $python has no torch: apt-get install -y python3-torch" >&2; exit 2; }

# Data: the four MNIST IDX files (raw or .gz) in $data_dir.
if [[ $mnist_needed == 1 && ! -e "$data_dir/train-images-idx3-ubyte" && ! -e "$data_dir/train-images-idx3-ubyte.gz" ]]; then
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
# CIFAR-format data for the conv workloads: there is no CIFAR-10 copy offline, and a step takes the same
# time on random pixels; both sides read these files with their CIFAR-10 readers.
if [[ -z "$cifar_dir" ]] && grep -q cifar-conv <<<"$workloads"; then
  cifar_dir="$work/cifar"
  "$python" bench/make_cifar.py "$cifar_dir" > /dev/null
fi
echo "run.sh: load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other busy processes distort every figure)" >&2

# 1. Peak FLOP rate of this machine (float32 GEMM) and the FLOP floor per workload.
"$python" bench/torch/peak_flops.py $(for t in $threads_list; do echo --threads "$t"; done) > "$work/peak.json"

# 2. Per round, thread count and workload: the PyTorch reference and (with HYPERPRUNE) `hyperprune
# bench`, one process each, back to back; odd rounds PyTorch first, even rounds hyperprune first.
# `hyperprune bench --workload X --threads N --epochs E --warmup W --json` prints one document of the
# bench/README.md schema ("implementation": "hyperprune"); --threads / --warmup / --executor are passed
# only if the launcher knows them; OMP_NUM_THREADS is always set.
hp="${HYPERPRUNE:-}"
hp_alt="${HYPERPRUNE_ALT:-}"
threads_flag=0; warmup_flag=(); executor_flag=(); eval_flag=()
if [[ -n "$hp" ]]; then
  [[ -x "$hp" ]] || { echo "run.sh: HYPERPRUNE=$hp is not executable" >&2; exit 2; }
  [[ -z "$hp_alt" || -x "$hp_alt" ]] || { echo "run.sh: HYPERPRUNE_ALT=$hp_alt is not executable" >&2; exit 2; }
  hp_help="$("$hp" bench --help 2>/dev/null || true)"
  grep -q -- '--threads' <<<"$hp_help" && threads_flag=1
  grep -q -- '--warmup' <<<"$hp_help" && warmup_flag=(--warmup "$warmup")
  # Both step executors side by side (compiled: the default; session: SameDiff's own fit), if known.
  grep -q -- '--executor' <<<"$hp_help" && executor_flag=(--executor "${HP_EXECUTORS:-compiled,session}")
  # The reference evaluates each grid model once, after its last epoch: so does the grid here
  # (GRID_EVAL_EVERY, default 0 = --eval-every 0; 1 = every epoch, hyperprune's default).
  "$hp" experiment --help 2>/dev/null | grep -q -- '--eval-every' && eval_flag=(--eval-every "${GRID_EVAL_EVERY:-0}")
fi
# Also the grid's plain models six at a time (one per lambda, side by side in one graph), compared by
# compare.py with six PyTorch runs of the same evidence one after another; run right after that evidence.
hp_extra="${HP_EXTRA_WORKLOADS-weight-decay-6-lambdas variational-6-lambdas}"
torch_run() { # workload threads round
  local length=(--epochs "$epochs" --warmup "$warmup") dir="$data_dir"
  is_conv "$1" && length=(--steps "$steps" --warmup "$step_warmup") && dir="$cifar_dir"
  OMP_NUM_THREADS=$2 "$python" bench/torch/reference.py --data-dir "$dir" --workload "$1" \
    --threads "$2" "${length[@]}" > "$work/torch-$1-t$2-r$3.json"
}
hp_run() { # workload threads round [launcher output-prefix opts]
  local launcher="${4:-$hp}" prefix="${5:-hp}" opts="${6-${HYPERPRUNE_OPTS:-}}"
  local extra=(); [[ $threads_flag == 1 ]] && extra=(--threads "$2")
  local length=("${warmup_flag[@]}" --epochs "$epochs") dir; dir="$(dirname "$data_dir")"
  is_conv "$1" && length=(--steps "$steps" --warmup "$step_warmup") && dir="$cifar_dir"
  HYPERPRUNE_OPTS="$opts" OMP_NUM_THREADS=$2 "$launcher" bench --data-dir "$dir" --workload "$1" "${extra[@]}" \
    "${executor_flag[@]}" "${length[@]}" --json > "$work/$prefix-$1-t$2-r$3.json" \
    || { echo "run.sh: $launcher bench failed for $1 t$2 round $3" >&2; rm -f "$work/$prefix-$1-t$2-r$3.json"; }
}
hp_pair() { # workload threads round: hyperprune, then the alternative launcher if any
  hp_run "$@"
  [[ -n "$hp_alt" ]] && hp_run "$1" "$2" "$3" "$hp_alt" hpalt "${HYPERPRUNE_ALT_OPTS:-}"
  return 0
}
for round in $(seq -f %02g 1 "$rounds"); do
  for threads in $threads_list; do
    for workload in $workloads; do
      if [[ -z "$hp" ]]; then
        torch_run "$workload" "$threads" "$round"
      elif (( 10#$round % 2 == 1 )); then
        torch_run "$workload" "$threads" "$round"; hp_pair "$workload" "$threads" "$round"
      else
        hp_pair "$workload" "$threads" "$round"; torch_run "$workload" "$threads" "$round"
      fi
      if [[ -n "$hp" ]]; then
        for extra_workload in $hp_extra; do
          [[ "$extra_workload" == "$workload"-*-lambdas ]] && hp_run "$extra_workload" "$threads" "$round"
        done
      fi
    done
  done
done

# 3. The grid, once per thread count: PyTorch model after model, then hyperprune's experiment
# (`hyperprune experiment --preset paper-mnist-quick` or the GRID_* settings, timed from outside with
# compare.py timed; T cores: T single-threaded worker processes, PyTorch: one process with T threads).
if [[ $grid == 1 ]]; then
  for threads in $threads_list; do
    OMP_NUM_THREADS=$threads "$python" bench/torch/reference.py --data-dir "$data_dir" --grid --threads "$threads" \
      --restarts "${GRID_RESTARTS:-1}" --epochs-plain "${GRID_EPOCHS_PLAIN:-3}" --epochs-hyper "${GRID_EPOCHS_HYPER:-6}" \
      > "$work/torch-grid-t$threads.json"
    if [[ -n "$hp" && "${HYPERPRUNE_GRID:-1}" == 1 ]]; then
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
fi
"$python" bench/compare.py merge "$work"/peak.json $(ls "$work"/torch-*.json) > "bench/results/torch-$stamp.json"
"$python" bench/compare.py table "bench/results/torch-$stamp.json" > "bench/results/torch-$stamp.md"
echo "run.sh: wrote bench/results/torch-$stamp.json and .md" >&2
if [[ -n "$hp" ]] && compgen -G "$work/hp-*-t*.json" > /dev/null; then
  "$python" bench/compare.py merge $(ls "$work"/hp-*-t*.json | grep -v grid-time) > "bench/results/hyperprune-$stamp.json"
  "$python" bench/compare.py compare "bench/results/torch-$stamp.json" "bench/results/hyperprune-$stamp.json" \
    | tee "bench/results/comparison-$stamp.md"
fi
if [[ -n "$hp_alt" ]] && compgen -G "$work/hpalt-*-t*.json" > /dev/null; then
  "$python" bench/compare.py merge $(ls "$work"/hpalt-*-t*.json) > "bench/results/hyperprune-alt-$stamp.json"
  "$python" bench/compare.py compare "bench/results/torch-$stamp.json" "bench/results/hyperprune-alt-$stamp.json" \
    | tee "bench/results/comparison-alt-$stamp.md"
fi
echo "run.sh: load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
cat "bench/results/torch-$stamp.md"
