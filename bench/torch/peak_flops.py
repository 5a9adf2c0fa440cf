#!/usr/bin/env python3
"""The machine's practical peak float32 FLOP rate, measured with large GEMMs in torch, and the
FLOP-bound floor of seconds per epoch for every benchmark workload (FLOP counts derived by hand in
bench/flops.md; the formulas below are the same).

  peak_flops.py [--threads 1 --threads 2] [--size 2048] [--repeats 10]

Run it with the same BLAS as the reference (bench/run.sh sets LD_LIBRARY_PATH for that): Debian's
torch calls whatever libblas.so.3 resolves to. Prints one JSON object on stdout.
"""
import argparse
import json
import os
import sys
import time

M = 60000            # MNIST training samples
BATCH = 256
STEPS = -(-M // BATCH)  # 235 optimiser steps per epoch (234 full batches + one of 96)
SIZES = (784, 50, 10)
N_W = sum(a * b for a, b in zip(SIZES, SIZES[1:]))  # 39,700 weights
N_B = sum(SIZES[1:])                                # 60 biases
N = N_W + N_B                                       # 39,760 parameters

# Per training sample and lambda sample (multiply-add = 2 FLOP), see bench/flops.md.
FWD = 2 * N_W + N_B + SIZES[1] + 5 * SIZES[-1]                      # GEMMs, bias, ReLU, softmax + CE
BWD = 2 * N_W + 2 * SIZES[1] * SIZES[2] + SIZES[1] + N_B + 2 * SIZES[-1]  # dW, dh1, ReLU mask, db, dlogits
PER_SAMPLE = FWD + BWD
# Per optimiser step and parameter.
ADAM_CLIP = 14        # Adam (12) + clip by value (2), per learned tensor element
WD = 4                # lambda * sum(w^2): square+sum forward, 2*lambda*w backward
VAR = 22              # sampling (4), KL forward (8), backward of both (8), lambda scaling (2); per generated parameter
HYPER = 8             # per generated parameter and pivot: 2 tensors (mu, log sigma) x (fwd MAC + bwd MAC) x 2 FLOP

WORKLOADS = {  # name: (lambda samples K, pivots B, variational)
    "weight-decay": (1, 1, False),
    "variational": (1, 1, True),
    "prior-scaled": (1, 1, True),
    "variational-linear": (5, 2, True),
    "variational-piecewise": (5, 6, True),
}


def flops_per_epoch(workload):
    k, b, variational = WORKLOADS[workload]
    dense = M * k * PER_SAMPLE
    learned = (2 if variational else 1) * b * N
    per_step = ADAM_CLIP * learned + (k * VAR * N if variational else WD * N) + (k * HYPER * b * N if b > 1 else 0)
    return {"dense": dense, "parametric": STEPS * per_step, "total": dense + STEPS * per_step}


def gemm_gflops(torch, m, k, n, repeats):
    a, b = torch.rand(m, k), torch.rand(k, n)
    for _ in range(3):
        a @ b
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2.0 * m * k * n / best / 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, action="append")
    parser.add_argument("--size", type=int, default=2048, help="square GEMM size (default 2048: 17 GFLOP per product)")
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    threads = args.threads or [1, 2]
    os.environ.setdefault("OMP_NUM_THREADS", str(max(threads)))
    import torch
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from reference import blas_library

    peaks = []
    for t in threads:
        torch.set_num_threads(t)
        s = args.size
        peaks.append({"threads": t,
                      "peak_gflops": round(gemm_gflops(torch, s, s, s, args.repeats), 1),
                      # the net's own GEMM shapes at batch 256: forward x W1, and the weight gradient x^T dh1
                      "gflops_256x784x50": round(gemm_gflops(torch, BATCH, 784, 50, 50 * args.repeats), 1),
                      "gflops_784x256x50": round(gemm_gflops(torch, 784, BATCH, 50, 50 * args.repeats), 1)})
        print(f"threads {t}: {peaks[-1]}", file=sys.stderr)
    workloads = []
    for w in WORKLOADS:
        f = flops_per_epoch(w)
        workloads.append({"workload": w, "gflop_per_epoch": round(f["total"] / 1e9, 2),
                          "gflop_dense": round(f["dense"] / 1e9, 2), "gflop_parametric": round(f["parametric"] / 1e9, 2),
                          "floor_seconds": {str(p["threads"]): round(f["total"] / 1e9 / p["peak_gflops"], 4) for p in peaks}})
    json.dump({"gemm_size": args.size, "torch": torch.__version__, "blas": blas_library(), "flop_per_sample": PER_SAMPLE,
               "steps_per_epoch": STEPS, "peaks": peaks, "workloads": workloads}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
