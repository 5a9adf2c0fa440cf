#!/usr/bin/env bash
# Runs hyperprune's and the PyTorch reference's MNIST workloads in the same session, with 1 and 2
# threads, and writes JSON per run plus a Markdown comparison into bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."

data="${HYPERPRUNE_DATA:-data}"
epochs="${EPOCHS:-7}"
python="${PYTHON:-/usr/bin/python3}"
dist=distribution/target/hyperprune-0.1.0-SNAPSHOT
scripts/fetch-mnist.sh "$data"
[[ -x "$dist/bin/hyperprune" ]] || mvn -B -q package -DskipTests
"$python" -c "import torch" 2>/dev/null || { echo "bench: PyTorch missing: apt-get install -y python3-torch" >&2; exit 2; }

stamp="$(date -u +%Y%m%d-%H%M)"
mkdir -p bench/results
for threads in ${THREADS:-1 2}; do
  OMP_NUM_THREADS=$threads "$dist/bin/hyperprune" bench --data-dir "$data" --epochs "$epochs" --json \
    > "bench/results/hyperprune-$stamp-t$threads.json"
  OMP_NUM_THREADS=$threads "$python" bench/torch/reference.py --data-dir "$data/mnist" --threads "$threads" --epochs "$epochs" \
    > "bench/results/torch-$stamp-t$threads.json"
done
"$python" bench/compare.py bench/results/*-"$stamp"-t*.json | tee "bench/results/comparison-$stamp.md"
