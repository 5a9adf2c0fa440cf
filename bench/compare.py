#!/usr/bin/env python3
"""Prints a Markdown table comparing hyperprune and PyTorch benchmark JSON files (bench/README.md schema)."""
import json
import sys


def main(paths):
    rows = {}
    machine = None
    for path in paths:
        with open(path) as f:
            doc = json.load(f)
        impl = doc["implementation"]
        if impl == "hyperprune":
            machine = doc["machine"]
        for w in doc["workloads"]:
            key = (w["workload"], str(w["threads"]))
            rows.setdefault(key, {})[impl] = w
    print("| workload | threads | hyperprune s/epoch | PyTorch s/epoch | ratio | hyperprune samples/s | PyTorch samples/s |"
          " hyperprune peak RSS MiB | PyTorch peak RSS MiB | test acc. (hp / torch) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (workload, threads), impls in sorted(rows.items()):
        hp, pt = impls.get("hyperprune"), impls.get("pytorch")
        def f(d, k, fmt):
            return fmt.format(d[k]) if d else "-"
        ratio = "{:.2f}".format(hp["epoch_seconds_median"] / pt["epoch_seconds_median"]) if hp and pt else "-"
        print(f"| {workload} | {threads} | {f(hp, 'epoch_seconds_median', '{:.3f}')} | {f(pt, 'epoch_seconds_median', '{:.3f}')} |"
              f" {ratio} | {f(hp, 'samples_per_second', '{:.0f}')} | {f(pt, 'samples_per_second', '{:.0f}')} |"
              f" {f(hp, 'peak_rss_mb', '{:.0f}')} | {f(pt, 'peak_rss_mb', '{:.0f}')} |"
              f" {f(hp, 'test_accuracy', '{:.4f}')} / {f(pt, 'test_accuracy', '{:.4f}')} |")
    if machine:
        print()
        print(f"Machine: {machine.get('cpu')}, {machine.get('cores')} cores; ND4J sgemm peak (1024^3, best of 5):"
              f" {machine.get('peak_gflops_sgemm', float('nan')):.1f} GFLOP/s.")


if __name__ == "__main__":
    main(sys.argv[1:])
