#!/usr/bin/env python3
"""Benchmark JSON helper (schema in bench/README.md).

  compare.py merge FILE...                 merge per-run documents of ONE implementation into one (stdout)
  compare.py table TORCH.json              Markdown report of one implementation's document
  compare.py compare TORCH.json HP.json    Markdown table hyperprune / PyTorch (ratios < 1: hyperprune faster)
  compare.py timed OUT.json -- CMD...      run CMD, write {"seconds", "peak_rss_mb", "exit"} of it to OUT.json
  compare.py FILE...                       (legacy) compare any mix of per-run files of both implementations
"""
import json
import resource
import statistics
import subprocess
import sys
import time


def th(value):
    """Thread count as int (the Java side may write it as a string; "unset" -> 0)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:  # an empty or truncated file from a failed run: skip it, say so
        print(f"compare.py: skipping {path}: {e}", file=sys.stderr)
        return {}


def merge(paths):
    docs = [load(p) for p in paths]
    flops = next((d for d in docs if "peaks" in d), None)  # bench/torch/peak_flops.py output
    docs = [d for d in docs if d and "peaks" not in d]
    if not docs:
        raise SystemExit("compare.py merge: no documents")
    impls = {d.get("implementation") for d in docs}
    if len(impls) != 1:
        raise SystemExit(f"compare.py merge: mixed implementations {sorted(map(str, impls))}")
    machine = next((d["machine"] for d in docs if d.get("machine")), {})
    out = {"implementation": impls.pop(), "machine": dict(machine), "workloads": []}
    threads = set()
    grid_runs = []
    for d in docs:
        for key, value in d.items():
            if key not in ("implementation", "machine", "workloads", "grid"):
                out.setdefault(key, value)  # e.g. "flops" from peak_flops.py
        for w in d.get("workloads", []):
            out["workloads"].append(w)
            threads.add(th(w["threads"]))
        grid = d.get("grid")
        if grid:
            grid_runs.extend(grid["runs"] if "runs" in grid else [grid])
    out["workloads"] = combine_rounds(out["workloads"])
    for key in ("threads", "omp_num_threads"):  # per run; kept in every workload entry
        out["machine"].pop(key, None)
    out["machine"]["threads_measured"] = sorted(threads | {th(g["threads"]) for g in grid_runs})
    if grid_runs:
        out["grid"] = {"runs": grid_runs}
    if flops:
        out["flops"] = flops
    return out


def combine_rounds(workloads):
    """Entries of one workload and thread count from several rounds (in file order) as one: the median
    of the rounds' medians, each round's median in round_medians (paired with the other implementation's
    same round by compare), the largest peak RSS."""
    groups = {}
    for w in workloads:
        groups.setdefault((workload_name(w), th(w["threads"])), []).append(w)
    combined = []
    for runs in groups.values():
        if len(runs) == 1:
            combined.append(runs[0])
            continue
        w = dict(runs[0])
        medians = [r["epoch_seconds_median"] for r in runs]
        w["round_medians"] = medians
        w["epoch_seconds_median"] = statistics.median(medians)
        w["samples_per_second"] = statistics.median(r["samples_per_second"] for r in runs)
        w["epoch_seconds"] = runs[len(runs) // 2]["epoch_seconds"]
        w["round_epoch_seconds"] = [r["epoch_seconds"] for r in runs]
        if all("step_seconds_median" in r for r in runs):  # workloads timed by steps (cifar-conv)
            w["round_step_medians"] = [r["step_seconds_median"] for r in runs]
            w["step_seconds_median"] = statistics.median(w["round_step_medians"])
            w["step_seconds"] = runs[len(runs) // 2]["step_seconds"]
            w["round_step_seconds"] = [r["step_seconds"] for r in runs]
        rss = [r["peak_rss_mb"] for r in runs if r.get("peak_rss_mb") is not None]
        if rss:
            w["peak_rss_mb"] = max(rss)
        combined.append(w)
    return combined


def paired_ratio(a, b, scale=1):
    """Median over rounds of hyperprune's round median / PyTorch's same round (run back to back), and the list."""
    ra, rb = (a or {}).get("round_medians"), (b or {}).get("round_medians")
    if not ra or not rb or len(ra) != len(rb):
        return None, []
    ratios = [x / (scale * y) for x, y in zip(ra, rb)]
    return statistics.median(ratios), ratios


def f(d, key, fmt):
    if not d or d.get(key) is None:
        return "-"
    return fmt.format(d[key])


def ratio(a, b, key):
    try:
        return "{:.2f}".format(float(a[key]) / float(b[key]))
    except (TypeError, KeyError, ZeroDivisionError, ValueError):
        return "-"


def workload_name(w):
    # hyperprune entries name their executor; the compiled one is the default and keeps the plain name.
    executor = w.get("executor", "compiled")
    return w["workload"] if executor == "compiled" else "{} ({})".format(w["workload"], executor)


def by_key(doc):
    return {(workload_name(w), th(w["threads"])): w for w in doc.get("workloads", [])}


def grid_by_threads(doc):
    grid = doc.get("grid") or {}
    return {th(g["threads"]): g for g in (grid.get("runs", [grid]) if grid else [])}


def machine_line(doc):
    m = doc.get("machine", {})
    parts = [f"{m.get('cpu', '?')}, {m.get('cores', '?')} cores"]
    if m.get("memory_gib"):
        parts.append(f"{m['memory_gib']} GiB")
    for key in ("torch", "blas", "java", "nd4j"):
        if m.get(key):
            parts.append(f"{key} {m[key]}")
    return "; ".join(parts)


def table(doc, out=print):
    impl = doc.get("implementation", "?")
    flops = doc.get("flops") or {}
    peaks = {th(p["threads"]): p for p in flops.get("peaks", [])}
    work_flops = {w["workload"]: w for w in flops.get("workloads", [])}
    out(f"# {impl} benchmark\n")
    out(f"Machine: {machine_line(doc)}.\n")
    if peaks:
        out("Peak float32 GEMM ({0}x{0}x{0}, best of repeats): ".format(flops.get("gemm_size", "?"))
            + ", ".join(f"{p['peak_gflops']:.1f} GFLOP/s with {t} thread{'s' if t > 1 else ''}" for t, p in sorted(peaks.items()))
            + "; at the net's own shape 256x784x50: "
            + ", ".join(f"{p.get('gflops_256x784x50', float('nan')):.1f} ({t}t)" for t, p in sorted(peaks.items())) + " GFLOP/s.\n")
    out("| workload | threads | s/epoch (median after warm-up) | all epochs (s) | samples/s | peak RSS MiB | test acc. | GFLOP/epoch | FLOP floor s/epoch | x floor | load avg |")
    out("|---|---|---|---|---|---|---|---|---|---|---|")
    for (workload, threads), w in sorted(by_key(doc).items()):
        wf = work_flops.get(workload.split(" (")[0])
        floor = wf["floor_seconds"].get(str(threads)) if wf else None
        times = " ".join(f"{s:.2f}" for s in w.get("epoch_seconds", []))
        if "step_seconds" in w:  # timed by steps: s/epoch is the epoch-equivalent (steps_per_epoch x the median step)
            times = f"{w.get('steps_per_epoch')} x {w['step_seconds_median']:.3f} s/step; steps " \
                + " ".join(f"{s:.2f}" for s in w["step_seconds"])
        load_avg = "-" if w.get("loadavg_start") is None else f"{w['loadavg_start']:.1f}-{w.get('loadavg_end', 0):.1f}"
        out(f"| {workload} | {threads} | {f(w, 'epoch_seconds_median', '{:.3f}')} | {times} | {f(w, 'samples_per_second', '{:.0f}')} |"
            f" {f(w, 'peak_rss_mb', '{:.0f}')} | {f(w, 'test_accuracy', '{:.4f}')} | {f(wf, 'gflop_per_epoch', '{:.1f}')} |"
            f" {'-' if floor is None else f'{floor:.3f}'} |"
            f" {'-' if not floor else '{:.0f}'.format(w['epoch_seconds_median'] / floor)} | {load_avg} |")
    grids = grid_by_threads(doc)
    if grids:
        first = next(iter(grids.values()))
        out("")
        out(f"Grid (paper-mnist model after model: 9 models, lambdas {first.get('lambdas')}, {first.get('restarts')} restart(s), "
            f"{first.get('epochs_plain')} epochs plain / {first.get('epochs_hyper')} hypernetworks, pruning curves at 0..90 %):\n")
        threads = sorted(grids)
        out("| model | " + " | ".join(f"{t} thread{'s' if t > 1 else ''} s" for t in threads) + " |")
        out("|---|" + "---|" * len(threads))
        names = [m["model"] for m in first.get("models", [])]
        for name in names:
            cells = []
            for t in threads:
                m = next((m for m in grids[t].get("models", []) if m["model"] == name), None)
                cells.append(f(m, "seconds", "{:.1f}"))
            out(f"| {name} | " + " | ".join(cells) + " |")
        out("| **total wall** | " + " | ".join(f(grids[t], "seconds", "**{:.1f}**") for t in threads) + " |")
        out("| peak RSS MiB | " + " | ".join(f(grids[t], "peak_rss_mb", "{:.0f}") for t in threads) + " |")


def compare(torch_doc, hp_doc, out=print):
    pt, hp = by_key(torch_doc), by_key(hp_doc)
    out("# hyperprune / PyTorch\n")
    out(f"Machine (PyTorch run): {machine_line(torch_doc)}.  ")
    out(f"Machine (hyperprune run): {machine_line(hp_doc)}.\n")
    stepped = {key for key, w in list(pt.items()) + list(hp.items()) if "step_seconds_median" in w}
    if (set(pt) | set(hp)) - stepped:
        out("| workload | threads | hyperprune s/epoch | PyTorch s/epoch | **ratio** | ratio per round | hyperprune samples/s | PyTorch samples/s |"
            " hyperprune peak RSS MiB | PyTorch peak RSS MiB | RSS ratio | test acc. (hp / torch) |")
        out("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for key in sorted((set(pt) | set(hp)) - stepped):
        a, b = hp.get(key), pt.get(key)
        label = key[0]
        models = int(a.get("models", 1)) if a else 1
        scale = 1
        if b is None and models > 1:
            # N plain models side by side (one per lambda) against PyTorch training them one after another.
            base = pt.get((key[0].rsplit(f"-{models}-lambdas", 1)[0], key[1]))
            if base:
                b = {"epoch_seconds_median": models * base["epoch_seconds_median"],
                     "samples_per_second": base["samples_per_second"] / models,
                     "peak_rss_mb": base.get("peak_rss_mb"), "test_accuracy": base.get("test_accuracy"),
                     "round_medians": base.get("round_medians")}
                scale = models
                label = f"{key[0]} (PyTorch: {models} x {key[0].rsplit(f'-{models}-lambdas', 1)[0]})"
        paired, ratios = paired_ratio(a, b, scale)
        headline = "{:.2f}".format(paired) if paired is not None else ratio(a, b, "epoch_seconds_median")
        per_round = " ".join(f"{r:.2f}" for r in ratios) or "-"
        out(f"| {label} | {key[1]} | {f(a, 'epoch_seconds_median', '{:.3f}')} | {f(b, 'epoch_seconds_median', '{:.3f}')} |"
            f" **{headline}** | {per_round} | {f(a, 'samples_per_second', '{:.0f}')} | {f(b, 'samples_per_second', '{:.0f}')} |"
            f" {f(a, 'peak_rss_mb', '{:.0f}')} | {f(b, 'peak_rss_mb', '{:.0f}')} | {ratio(a, b, 'peak_rss_mb')} |"
            f" {f(a, 'test_accuracy', '{:.4f}')} / {f(b, 'test_accuracy', '{:.4f}')} |")
    if stepped:
        out("\nTimed by steps (a step takes seconds; an epoch-equivalent is steps_per_epoch steps, 391 of 128 for"
            " CIFAR-10's 50,000 images):\n")
        out("| workload | threads | hyperprune s/step | PyTorch s/step | **ratio** | ratio per round |"
            " hyperprune s/epoch-equivalent | PyTorch s/epoch-equivalent | hyperprune peak RSS MiB | PyTorch peak RSS MiB |")
        out("|---|---|---|---|---|---|---|---|---|---|")
        for key in sorted(stepped):
            a, b = hp.get(key), pt.get(key)
            paired, ratios = paired_ratio(a, b)
            headline = "{:.2f}".format(paired) if paired is not None else ratio(a, b, "step_seconds_median")
            out(f"| {key[0]} | {key[1]} | {f(a, 'step_seconds_median', '{:.3f}')} | {f(b, 'step_seconds_median', '{:.3f}')} |"
                f" **{headline}** | {' '.join(f'{r:.2f}' for r in ratios) or '-'} |"
                f" {f(a, 'epoch_seconds_median', '{:.0f}')} | {f(b, 'epoch_seconds_median', '{:.0f}')} |"
                f" {f(a, 'peak_rss_mb', '{:.0f}')} | {f(b, 'peak_rss_mb', '{:.0f}')} |")
    gp, gh = grid_by_threads(torch_doc), grid_by_threads(hp_doc)
    if gp or gh:
        out("\n| grid | threads | hyperprune s | PyTorch s | **ratio** | hyperprune peak RSS MiB | PyTorch peak RSS MiB |")
        out("|---|---|---|---|---|---|---|")
        for t in sorted(set(gp) | set(gh)):
            a, b = gh.get(t), gp.get(t)
            out(f"| paper-mnist grid | {t} | {f(a, 'seconds', '{:.1f}')} | {f(b, 'seconds', '{:.1f}')} | **{ratio(a, b, 'seconds')}** |"
                f" {f(a, 'peak_rss_mb', '{:.0f}')} | {f(b, 'peak_rss_mb', '{:.0f}')} |")
    out("\nRatios are hyperprune / PyTorch: below 1 means hyperprune is faster (or smaller). With several rounds"
        " (run.sh --rounds N: each round runs both implementations back to back, alternating which goes first),"
        " s/epoch is the median of the rounds' medians and the ratio the median of the rounds' own ratios.")


def timed(out_path, cmd):
    start = time.perf_counter()
    code = subprocess.call(cmd)
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    with open(out_path, "w") as f:
        json.dump({"seconds": round(seconds, 3), "peak_rss_mb": round(rss, 1), "exit": code}, f)
    return code


def legacy(paths):
    """Per-run files of both implementations in any order (the first bench/run.sh's interface)."""
    groups = {}
    for p in paths:
        d = load(p)
        if d:
            groups.setdefault(d.get("implementation"), []).append(p)
    docs = {impl: merge(ps) for impl, ps in groups.items()}
    if "pytorch" in docs and "hyperprune" in docs:
        compare(docs["pytorch"], docs["hyperprune"])
    else:
        for d in docs.values():
            table(d)


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    cmd, rest = argv[0], argv[1:]
    if cmd == "merge":
        json.dump(merge(rest), sys.stdout, indent=1)
        print()
    elif cmd == "table":
        table(merge(rest))
    elif cmd == "compare":
        if len(rest) != 2:
            raise SystemExit("usage: compare.py compare TORCH.json HYPERPRUNE.json")
        docs = {}
        for p in rest:
            d = load(p)
            docs[d.get("implementation")] = d
        if set(docs) != {"pytorch", "hyperprune"}:
            raise SystemExit(f"compare.py compare: need one pytorch and one hyperprune document, got {sorted(map(str, docs))}")
        compare(docs["pytorch"], docs["hyperprune"])
    elif cmd == "timed":
        if len(rest) < 3 or rest[1] != "--":
            raise SystemExit("usage: compare.py timed OUT.json -- CMD...")
        return timed(rest[0], rest[2:])
    else:
        legacy(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
