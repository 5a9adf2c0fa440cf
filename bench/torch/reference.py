#!/usr/bin/env python3
"""PyTorch reference for hyperprune's benchmark suite.

The same workloads, model, batch, optimiser, clipping and thread count as `hyperprune bench`
(METHOD.md's reference settings), written as a competent PyTorch user would: data preloaded as
tensors and indexed per batch, plain models through torch.addmm, the S lambda samples of a
hypernetwork step evaluated in one batched pass (einsum for the hypernetwork, baddbmm for the net).
The cifar-conv workloads (METHOD.md's CIFAR-10 net, batch 128) are timed by steps (--steps after
--warmup steps; a step takes seconds) on the first (warmup + steps) x 128 records of CIFAR-format data.

Prints one JSON object (schema in bench/README.md) on stdout; progress goes to stderr.

  reference.py --data-dir DIR --workload variational --threads 1 --epochs 7
  reference.py --data-dir DIR --grid --epochs-plain 3 --epochs-hyper 6 --threads 2
  reference.py --data-dir CIFAR_DIR --workload cifar-conv-variational --steps 5 --warmup 2 --threads 2
"""
import argparse
import gzip
import json
import math
import os
import platform
import resource
import statistics
import sys
import time

LAMBDA_MIN, LAMBDA_MAX = 1e-3, 1e2
GRID_LAMBDAS = (0.001, 0.01, 0.1, 1.0, 10.0, 100.0)
PRUNE_LEVELS = tuple(range(0, 100, 10))

# workload -> (evidence, hypernetwork, lambda samples per batch)
WORKLOADS = {
    "weight-decay": ("weight-decay", "constant", 1),
    "variational": ("variational", "constant", 1),
    "prior-scaled": ("prior-scaled", "constant", 1),
    "variational-linear": ("variational", "linear", 5),
    "variational-piecewise": ("variational", "piecewise", 5),
    "cifar-conv-weight-decay": ("weight-decay", "constant", 1),
    "cifar-conv-variational": ("variational", "constant", 1),
    "cifar-conv-variational-linear": ("variational", "linear", 5),
    "cifar-conv-variational-piecewise": ("variational", "piecewise", 5),
}
DEFAULT_WORKLOADS = ("weight-decay", "variational", "variational-linear", "variational-piecewise")
BASIS = {"constant": 1, "linear": 2, "piecewise": 6}  # learned copies of every tensor (pivots)
CONV_STEPS = 5  # steps a cifar-conv workload times without --steps
CIFAR_TRAIN = 50_000  # an epoch-equivalent is ceil(50,000 / batch) steps: 391 of 128
CIFAR_LAMBDA_MIN, CIFAR_LAMBDA_MAX = 1e-2, 1.0  # METHOD.md's CIFAR-10 lambda range (the paper-cifar preset)


def is_conv(workload):
    return workload.startswith("cifar-conv")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default=None,
                        help="directory with the four MNIST IDX files (raw or .gz); default $HYPERPRUNE_DATA/mnist, else data/mnist")
    parser.add_argument("--workload", action="append", choices=sorted(WORKLOADS) + ["all"],
                        help="repeatable; default: " + ", ".join(DEFAULT_WORKLOADS) + "; 'all' adds prior-scaled")
    parser.add_argument("--epochs", type=int, default=7, help="epochs per workload, warm-up included (default 7)")
    parser.add_argument("--warmup", type=int, default=2, help="leading epochs left out of the median (default 2)")
    parser.add_argument("--batch-size", type=int, default=None, help="default 256 (MNIST), 128 (cifar-conv)")
    parser.add_argument("--steps", type=int, default=None,
                        help=f"cifar-conv: steps timed after the --warmup steps (default {CONV_STEPS})")
    parser.add_argument("--lambda", dest="lam", type=float, default=1.0,
                        help="lambda of the plain workloads and of the test evaluation (default 1)")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (and OMP_NUM_THREADS if unset)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--grid", action="store_true",
                        help="run the paper-mnist grid (9 models, 6 lambdas, pruning curves) model after model instead")
    parser.add_argument("--restarts", type=int, default=1, help="grid restarts (default 1)")
    parser.add_argument("--epochs-plain", type=int, default=3, help="grid epochs of plain models (paper-mnist-quick: 3, paper-mnist: 25)")
    parser.add_argument("--epochs-hyper", type=int, default=6, help="grid epochs of hypernetworks (paper-mnist-quick: 6, paper-mnist: 50)")
    args = parser.parse_args(argv)
    conv = [w for w in (args.workload or []) if is_conv(w)]
    if conv and len(conv) != len(args.workload):
        parser.error("cifar-conv workloads read CIFAR data: run them separately from the MNIST ones")
    if conv and not (args.warmup >= 1 and (args.steps or CONV_STEPS) >= 1):
        parser.error("--steps and --warmup must be at least 1")
    if not args.grid and not conv and not 1 <= args.warmup < args.epochs:
        parser.error(f"--epochs must exceed --warmup (at least 1), so some epochs are measured: got --epochs {args.epochs} --warmup {args.warmup}")
    if args.data_dir is None:
        args.data_dir = os.path.join(os.environ.get("HYPERPRUNE_DATA", "data"), "mnist")
    if not args.workload:
        args.workload = list(DEFAULT_WORKLOADS)
    elif "all" in args.workload:
        args.workload = [w for w in WORKLOADS if not is_conv(w)]
    return args


ARGS = parse_args() if __name__ == "__main__" else None
if ARGS is not None:
    # OpenMP reads this when libtorch loads: set it before the import.
    os.environ.setdefault("OMP_NUM_THREADS", str(ARGS.threads))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


# ---------------------------------------------------------------------------------------------- data

def read_idx(path):
    for candidate in (path, path + ".gz"):
        if os.path.exists(candidate):
            with open(candidate, "rb") as f:
                gz = f.read(2) == b"\x1f\x8b"
            with (gzip.open if gz else open)(candidate, "rb") as f:
                data = f.read()
            magic = int.from_bytes(data[:4], "big")
            if magic == 0x803:
                n, r, c = (int.from_bytes(data[i:i + 4], "big") for i in (4, 8, 12))
                return np.frombuffer(data, np.uint8, offset=16).reshape(n, r * c)
            if magic == 0x801:
                return np.frombuffer(data, np.uint8, offset=8)
            raise SystemExit(f"reference: {candidate} is not an IDX file (magic {magic:#x})")
    raise SystemExit(f"reference: missing {path} (or {path}.gz); run scripts/fetch-mnist.sh or pass --data-dir")


def load(data_dir):
    def images(name):  # x / 255, then (x - 0.5) / 0.5
        return torch.from_numpy((read_idx(os.path.join(data_dir, name)).astype(np.float32) / 255.0 - 0.5) / 0.5)

    def labels(name):
        return torch.from_numpy(read_idx(os.path.join(data_dir, name)).astype(np.int64))

    return (images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte"),
            images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte"))


CIFAR_MEAN, CIFAR_STD = (0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010)
CIFAR_RECORD = 1 + 3 * 32 * 32
CIFAR_TRAIN_FILES = [f"data_batch_{i}.bin" for i in range(1, 6)]


def cifar_dir(data_dir):
    """Where the batch files are, searched as hyperprune's cifar10 reader does."""
    for d in (os.path.join(data_dir, "cifar10", "cifar-10-batches-bin"), os.path.join(data_dir, "cifar10"),
              os.path.join(data_dir, "cifar-10-batches-bin"), data_dir):
        if os.path.exists(os.path.join(d, "test_batch.bin")):
            return d
    raise SystemExit(f"reference: no CIFAR-10 binary batches under {data_dir} (bench/make_cifar.py DIR writes generated ones)")


def load_cifar(data_dir, train_records, test_records=1000):
    """The first records of the binary batches (as hyperprune's cifar10.train-size / test-size),
    normalised per channel into NCHW float32."""
    d = cifar_dir(data_dir)

    def read(files, n):
        chunks, left = [], n
        for name in files:
            if left == 0:
                break
            with open(os.path.join(d, name), "rb") as f:
                raw = f.read(min(left, 10_000) * CIFAR_RECORD)
            chunks.append(np.frombuffer(raw, np.uint8).reshape(-1, CIFAR_RECORD))
            left -= chunks[-1].shape[0]
        records = np.concatenate(chunks)
        x = records[:, 1:].astype(np.float32).reshape(-1, 3, 32, 32) / 255.0
        x = (x - np.array(CIFAR_MEAN, np.float32).reshape(1, 3, 1, 1)) / np.array(CIFAR_STD, np.float32).reshape(1, 3, 1, 1)
        return torch.from_numpy(x), torch.from_numpy(records[:, 0].astype(np.int64))

    return read(CIFAR_TRAIN_FILES, train_records) + read(["test_batch.bin"], test_records)


def crop_and_flip(x):
    """METHOD.md's augmentation of a training batch: a random 32x32 crop of the image padded by 4 zeros,
    then a horizontal flip with p = 1/2, per sample."""
    padded = F.pad(x, (4, 4, 4, 4))
    offsets = torch.randint(0, 9, (x.shape[0], 2))
    out = torch.stack([padded[i, :, dy:dy + 32, dx:dx + 32] for i, (dy, dx) in enumerate(offsets.tolist())])
    flip = torch.rand(x.shape[0]) < 0.5
    return torch.where(flip.view(-1, 1, 1, 1), out.flip(3), out)


# --------------------------------------------------------------------------------------------- model

def to_t(lam, lo=LAMBDA_MIN, hi=LAMBDA_MAX):
    """lambda -> t in [0, 1] (METHOD.md: log scale between lambda_min and lambda_max)."""
    return (torch.log(lam) - math.log(lo)) / (math.log(hi) - math.log(lo))


def sample_lambdas(k, lo=LAMBDA_MIN, hi=LAMBDA_MAX):
    """lambda = 10^u, u ~ U(log10 lambda_min, log10 lambda_max): U(-3, 2) for MNIST."""
    return torch.pow(10.0, torch.empty(k).uniform_(math.log10(lo), math.log10(hi)))


class Net(torch.nn.Module):
    """784-50-10 ReLU MLP. Every weight and bias tensor has a mean (and a log-sigma if variational);
    each of these tensors is generated by the hypernetwork from `basis` learned copies:
    constant (1 copy: the plain model), linear (2: G(t) = t*A + (1-t)*B), piecewise (6 pivots at
    linspace(0, 1, 6), linear interpolation between neighbours = hat-function weights)."""

    def __init__(self, variational, hypernetwork, sizes=(784, 50, 10)):
        super().__init__()
        self.variational = variational
        self.basis = BASIS[hypernetwork]
        self.layers = len(sizes) - 1
        means, log_sigmas = [], []
        for i in range(self.layers):
            fan_in, fan_out = sizes[i], sizes[i + 1]
            bound = math.sqrt(6.0 / (fan_in + fan_out))  # Xavier uniform, also for the bias
            for shape in ((fan_in, fan_out), (fan_out,)):
                full = (self.basis, *shape) if self.basis > 1 else shape
                # every pivot starts from the same Xavier draw, so G(t) is a Xavier-initialised net for every t
                mean = (torch.rand(shape) * 2 - 1) * bound
                means.append(torch.nn.Parameter(mean.expand(full).clone()))
                if variational:
                    log_sigmas.append(torch.nn.Parameter(torch.full(full, -3.0)))
        self.means = torch.nn.ParameterList(means)
        self.log_sigmas = torch.nn.ParameterList(log_sigmas)
        self.register_buffer("pivots", torch.linspace(0, 1, self.basis) if self.basis > 1 else torch.zeros(1))

    def coefficients(self, t):
        """[K] -> [K, basis]: the interpolation weights of the pivots (two non-zero per row)."""
        width = 1.0 / (self.basis - 1)
        return (1 - (t.clamp(0, 1).unsqueeze(1) - self.pivots).abs() / width).clamp(min=0)

    def generate(self, t):
        """The mean and sigma tensors (sigma None if deterministic) for lambdas with normalised t [K].
        Plain models: the parameters themselves (no K axis); hypernetworks: [K, ...] tensors."""
        if self.basis == 1:
            mus = list(self.means)
            sigmas = [1e-5 + ls.exp() for ls in self.log_sigmas] if self.variational else [None] * len(mus)
            return mus, sigmas
        c = self.coefficients(t)
        mus = [torch.einsum("kb,b...->k...", c, b) for b in self.means]
        sigmas = ([1e-5 + torch.einsum("kb,b...->k...", c, b).exp() for b in self.log_sigmas]
                  if self.variational else [None] * len(mus))
        return mus, sigmas

    def forward(self, x, mus, sigmas, sample):
        """Logits: [B, 10] for plain models, [K, B, 10] for hypernetworks (x shared by the K lambdas)."""
        ws = [mu + sigma * torch.randn_like(mu) if (sample and sigma is not None) else mu
              for mu, sigma in zip(mus, sigmas)]
        if self.basis == 1:
            h = x
            for i in range(self.layers):
                h = torch.addmm(ws[2 * i + 1], h, ws[2 * i])
                if i + 1 < self.layers:
                    h = F.relu(h)
            return h
        h = x.unsqueeze(0).expand(ws[0].shape[0], -1, -1)
        for i in range(self.layers):
            h = torch.baddbmm(ws[2 * i + 1].unsqueeze(1), h, ws[2 * i])
            if i + 1 < self.layers:
                h = F.relu(h)
        return h


class ConvNet(Net):
    """METHOD.md's CIFAR-10 net: 3x3 convs 48, 96, maxpool, 192, 256, maxpool, dense 16384-512-64-10
    (ReLU), every tensor a mean (and log-sigma) generated from `basis` copies as in Net. Conv weights in
    PyTorch's [out, in, 3, 3] layout, Xavier-uniform with fans 9 in / 9 out (as hyperprune's)."""

    CHANNELS = (48, 96, 192, 256)
    DENSE = (16384, 512, 64, 10)

    def __init__(self, variational, hypernetwork):
        torch.nn.Module.__init__(self)
        self.variational = variational
        self.basis = BASIS[hypernetwork]
        means, log_sigmas = [], []
        shapes = []
        channels_in = 3
        for out in self.CHANNELS:
            shapes.append(((out, channels_in, 3, 3), 9 * channels_in, 9 * out))
            shapes.append(((out,), 9 * channels_in, out))
            channels_in = out
        for fan_in, fan_out in zip(self.DENSE, self.DENSE[1:]):
            shapes.append(((fan_in, fan_out), fan_in, fan_out))
            shapes.append(((fan_out,), fan_in, fan_out))
        for shape, fan_in, fan_out in shapes:
            bound = math.sqrt(6.0 / (fan_in + fan_out))
            full = (self.basis, *shape) if self.basis > 1 else shape
            mean = (torch.rand(shape) * 2 - 1) * bound
            means.append(torch.nn.Parameter(mean.expand(full).clone()))
            if variational:
                log_sigmas.append(torch.nn.Parameter(torch.full(full, -3.0)))
        self.means = torch.nn.ParameterList(means)
        self.log_sigmas = torch.nn.ParameterList(log_sigmas)
        self.register_buffer("pivots", torch.linspace(0, 1, self.basis) if self.basis > 1 else torch.zeros(1))

    def one(self, x, ws):
        h = x
        for i in range(len(self.CHANNELS)):
            h = F.relu(F.conv2d(h, ws[2 * i], ws[2 * i + 1], padding=1))
            if i % 2 == 1:
                h = F.max_pool2d(h, 2)
        h = h.reshape(h.shape[0], -1)
        dense = len(self.DENSE) - 1
        for i in range(dense):
            j = 2 * (len(self.CHANNELS) + i)
            h = torch.addmm(ws[j + 1], h, ws[j])
            if i + 1 < dense:
                h = F.relu(h)
        return h

    def forward(self, x, mus, sigmas, sample):
        """Logits: [B, 10] for plain models, [K, B, 10] for hypernetworks: the K nets one after another
        (the faster form here: 24.7 against 30.3 s/step for variational-linear, one thread), or
        (CONV_SAMPLES=grouped) as one grouped convolution per layer (the first, on the shared input, as
        one convolution with K x 48 filters) and one baddbmm per dense layer."""
        ws = [mu + sigma * torch.randn_like(mu) if (sample and sigma is not None) else mu
              for mu, sigma in zip(mus, sigmas)]
        if self.basis == 1:
            return self.one(x, ws)
        k = ws[0].shape[0]
        if os.environ.get("CONV_SAMPLES", "loop") == "loop":
            return torch.stack([self.one(x, [w[j] for w in ws]) for j in range(k)])
        h = x
        for i in range(len(self.CHANNELS)):
            w, b = ws[2 * i], ws[2 * i + 1]
            h = F.relu(F.conv2d(h, w.reshape(-1, *w.shape[2:]), b.reshape(-1), padding=1, groups=1 if i == 0 else k))
            if i % 2 == 1:
                h = F.max_pool2d(h, 2)
        h = h.reshape(x.shape[0], k, -1).transpose(0, 1)  # [K, B, 16384], each model's channels in order
        dense = len(self.DENSE) - 1
        for i in range(dense):
            j = 2 * (len(self.CHANNELS) + i)
            h = torch.baddbmm(ws[j + 1].unsqueeze(1), h, ws[j])
            if i + 1 < dense:
                h = F.relu(h)
        return h


def penalty(evidence, mus, sigmas, lam, batched):
    """Per-lambda penalty ([K] if batched else a scalar): lambda * sum(w^2) / sigma_pr (weight-decay),
    lambda * KL(q || N(0, 1)) (variational), KL(q || N(0, 1/lambda)) (prior-scaled); sigma_pr = 1."""
    total = 0
    for mu, sigma in zip(mus, sigmas):
        dims = tuple(range(1, mu.dim())) if batched else tuple(range(mu.dim()))
        if evidence == "weight-decay":
            total = total + (mu * mu).sum(dims)
            continue
        if evidence == "variational":  # s = 1: ln(1/sigma) + (sigma^2 + mu^2)/2 - 1/2
            total = total + (0.5 * (sigma * sigma + mu * mu) - torch.log(sigma) - 0.5).sum(dims)
        else:  # s^2 = 1/lambda: ln(s/sigma) + lambda (sigma^2 + mu^2)/2 - 1/2, ln s = -ln(lambda)/2
            lk = lam.view(-1, *([1] * (mu.dim() - 1))) if batched else lam
            numel = mu[0].numel() if batched else mu.numel()
            total = total + (0.5 * lk * (sigma * sigma + mu * mu) - torch.log(sigma) - 0.5).sum(dims) \
                - 0.5 * numel * torch.log(lam)
    return total if evidence == "prior-scaled" else lam * total


def make(evidence, hypernetwork, conv=False):
    net = (ConvNet if conv else Net)(evidence != "weight-decay", hypernetwork)
    # foreach=True: one fused multi-tensor Adam update instead of a Python loop over the tensors
    opt = torch.optim.Adam(net.parameters(), lr=5e-4, foreach=True)
    return net, opt


def train_epoch(net, opt, evidence, samples, fixed_lam, data, batch):
    """One epoch over the shuffled training set; returns its wall seconds."""
    xtr, ytr = data[0], data[1]
    m = xtr.shape[0]
    batched = net.basis > 1
    params = list(net.parameters())
    start = time.perf_counter()
    order = torch.randperm(m)
    for i in range(0, m, batch):
        idx = order[i:i + batch]
        x, y = torch.index_select(xtr, 0, idx), torch.index_select(ytr, 0, idx)
        lam = sample_lambdas(samples) if batched else torch.tensor(fixed_lam)
        mus, sigmas = net.generate(to_t(lam) if batched else None)
        logits = net(x, mus, sigmas, sample=True)
        if batched:  # mean over the K lambdas of (mean CE of the batch + penalty / m)
            ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.repeat(samples))  # = mean of the K batch means
            loss = ce + penalty(evidence, mus, sigmas, lam, True).mean() / m
        else:
            loss = F.cross_entropy(logits, y) + penalty(evidence, mus, sigmas, lam, False) / m
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_value_(params, 1.0)
        opt.step()
    return time.perf_counter() - start


@torch.no_grad()
def evaluate(net, evidence, lam, data, levels=(0,)):
    """Test accuracy with the means at one lambda, after deleting, within every weight matrix, the
    given percentages of the means with the smallest score (mu^2/sigma^2, or |w| for weight-decay;
    biases kept). Returns {level: accuracy}."""
    xte, yte = data[2], data[3]
    t = to_t(torch.tensor([float(lam)]))
    mus, sigmas = net.generate(t)
    if net.basis > 1:
        mus = [m[0] for m in mus]
        sigmas = [s[0] if s is not None else None for s in sigmas]
    out = {}
    for level in levels:
        pruned = []
        for j, (mu, sigma) in enumerate(zip(mus, sigmas)):
            if j % 2 == 0 and level > 0:  # weight matrix
                score = mu.abs() if sigma is None else (mu / sigma) ** 2
                k = int(round(score.numel() * level / 100.0))
                if k > 0:
                    threshold = score.flatten().kthvalue(k).values
                    mu = torch.where(score <= threshold, torch.zeros_like(mu), mu)
            pruned.append(mu)
        h = xte
        for i in range(net.layers):
            h = torch.addmm(pruned[2 * i + 1], h, pruned[2 * i])
            if i + 1 < net.layers:
                h = F.relu(h)
        out[level] = (h.argmax(1) == yte).float().mean().item()
    return out


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except OSError:
        return None


# ---------------------------------------------------------------------------------------- workloads

def run_workload(workload, data, args):
    torch.manual_seed(args.seed)
    evidence, hypernetwork, samples = WORKLOADS[workload]
    net, opt = make(evidence, hypernetwork)
    load_start = loadavg()
    times = []
    for epoch in range(1, args.epochs + 1):
        times.append(train_epoch(net, opt, evidence, samples, args.lam, data, args.batch_size))
        print(f"{workload} t{args.threads} epoch {epoch}: {times[-1]:.3f} s", file=sys.stderr, flush=True)
    steady = times[args.warmup:] if len(times) > args.warmup else times
    median = statistics.median(steady)
    return {"workload": workload, "threads": args.threads, "epochs": args.epochs, "warmup_epochs": args.warmup,
            "epoch_seconds": [round(s, 4) for s in times], "epoch_seconds_median": round(median, 4),
            "samples_per_second": round(data[0].shape[0] / median, 1), "peak_rss_mb": round(peak_rss_mb(), 1),
            "test_accuracy": round(evaluate(net, evidence, args.lam, data)[0], 4),
            "lambda_samples": samples, "loadavg_start": load_start, "loadavg_end": loadavg()}


def run_conv_workload(workload, args):
    """One epoch over (warmup + steps) batches of CIFAR-format data, every step timed from the end of
    the one before (batch gather, crop and flip, lambdas, generation, forward, backward, clipping, Adam)."""
    torch.manual_seed(args.seed)
    evidence, hypernetwork, samples = WORKLOADS[workload]
    batch = args.batch_size or 128
    steps = args.steps or CONV_STEPS
    xtr, ytr, _, _ = load_cifar(args.data_dir, (args.warmup + steps) * batch)
    m = xtr.shape[0]
    net, opt = make(evidence, hypernetwork, conv=True)
    params = list(net.parameters())
    batched = net.basis > 1
    load_start = loadavg()
    times = []
    order = torch.randperm(m)
    last = time.perf_counter()
    for i in range(0, m, batch):
        idx = order[i:i + batch]
        x, y = crop_and_flip(torch.index_select(xtr, 0, idx)), torch.index_select(ytr, 0, idx)
        lam = sample_lambdas(samples, CIFAR_LAMBDA_MIN, CIFAR_LAMBDA_MAX) if batched else torch.tensor(args.lam)
        mus, sigmas = net.generate(to_t(lam, CIFAR_LAMBDA_MIN, CIFAR_LAMBDA_MAX) if batched else None)
        logits = net(x, mus, sigmas, sample=True)
        if batched:
            ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.repeat(samples))
            loss = ce + penalty(evidence, mus, sigmas, lam, True).mean() / m
        else:
            loss = F.cross_entropy(logits, y) + penalty(evidence, mus, sigmas, lam, False) / m
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_value_(params, 1.0)
        opt.step()
        now = time.perf_counter()
        times.append(now - last)
        last = now
        print(f"{workload} t{args.threads} step {len(times)}: {times[-1]:.3f} s", file=sys.stderr, flush=True)
    median = statistics.median(times[args.warmup:])
    per_epoch = -(-CIFAR_TRAIN // batch)
    return {"workload": workload, "threads": args.threads, "batch_size": batch, "steps": steps,
            "warmup_steps": args.warmup, "step_seconds": [round(s, 4) for s in times],
            "step_seconds_median": round(median, 4), "steps_per_epoch": per_epoch, "epochs": 0, "epoch_seconds": [],
            "epoch_seconds_median": round(median * per_epoch, 3), "samples_per_second": round(batch / median, 2),
            "peak_rss_mb": round(peak_rss_mb(), 1), "lambda_samples": samples,
            "loadavg_start": load_start, "loadavg_end": loadavg()}


def run_grid(data, args):
    """paper-mnist grid, model after model: {variational, prior-scaled, weight-decay} x
    {constant, linear, piecewise}; plain models once per lambda, hypernetworks once; every trained
    model evaluated at every lambda it serves and every pruning level."""
    models = []
    start_all = time.perf_counter()
    for evidence in ("variational", "prior-scaled", "weight-decay"):
        for hypernetwork in ("constant", "linear", "piecewise"):
            plain = hypernetwork == "constant"
            begin = time.perf_counter()
            epochs = args.epochs_plain if plain else args.epochs_hyper
            train_s = eval_s = 0.0
            runs = 0
            accuracy = {}
            for restart in range(args.restarts):
                for lam in (GRID_LAMBDAS if plain else (None,)):
                    torch.manual_seed(args.seed + restart)
                    net, opt = make(evidence, hypernetwork)
                    for _ in range(epochs):
                        train_s += train_epoch(net, opt, evidence, 1 if plain else 5, lam, data, args.batch_size)
                    runs += 1
                    e0 = time.perf_counter()
                    for lam_eval in ((lam,) if plain else GRID_LAMBDAS):
                        curve = evaluate(net, evidence, lam_eval, data, PRUNE_LEVELS)
                        accuracy.setdefault(str(lam_eval), []).append([round(curve[p], 4) for p in PRUNE_LEVELS])
                    eval_s += time.perf_counter() - e0
            seconds = time.perf_counter() - begin
            name = f"{evidence}/{hypernetwork}"
            print(f"grid t{args.threads} {name}: {seconds:.1f} s ({runs} runs x {epochs} epochs)", file=sys.stderr, flush=True)
            models.append({"model": name, "evidence": evidence, "hypernetwork": hypernetwork, "runs": runs,
                           "epochs": epochs, "seconds": round(seconds, 3), "train_seconds": round(train_s, 3),
                           "eval_seconds": round(eval_s, 3), "accuracy": accuracy})
    return {"threads": args.threads, "restarts": args.restarts, "epochs_plain": args.epochs_plain,
            "epochs_hyper": args.epochs_hyper, "lambdas": list(GRID_LAMBDAS), "levels": list(PRUNE_LEVELS),
            "seconds": round(time.perf_counter() - start_all, 3), "peak_rss_mb": round(peak_rss_mb(), 1),
            "models": models}


def blas_library():
    """The BLAS shared library this process loaded (Debian's torch is built with BLAS_INFO=generic and
    calls whatever libblas.so.3 resolves to: the slow reference BLAS unless OpenBLAS is chosen)."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "blas" in line.rsplit("/", 1)[-1]}
    except OSError:
        return "unknown"
    real = sorted({os.path.realpath(p) for p in paths})
    short = ["/".join(p.split("/")[-2:]) for p in real]  # e.g. openblas-openmp/libopenblasp-r0.3.21.so
    openblas = [p for p in short if "libopenblas" in p]
    if openblas:
        return "OpenBLAS " + openblas[0]
    return ("reference BLAS " if any(p.startswith("blas/") for p in short) else "") + (", ".join(short) or "none")


def machine(threads):
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    try:
        with open("/proc/meminfo") as f:
            mem = round(int(f.readline().split()[1]) / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        mem = None
    return {"cpu": cpu, "cores": cores, "memory_gib": mem, "os": platform.platform(), "python": platform.python_version(),
            "torch": torch.__version__, "blas": blas_library(), "threads": threads, "omp_num_threads": os.environ.get("OMP_NUM_THREADS")}


def main(args):
    torch.set_num_threads(args.threads)
    doc = {"implementation": "pytorch", "machine": machine(args.threads)}
    if not args.grid and all(is_conv(w) for w in args.workload):
        doc["workloads"] = [run_conv_workload(w, args) for w in args.workload]
        json.dump(doc, sys.stdout, indent=1)
        print()
        return
    args.batch_size = args.batch_size or 256
    data = load(args.data_dir)
    if args.grid:
        doc["workloads"] = []
        doc["grid"] = run_grid(data, args)
    else:
        doc["workloads"] = [run_workload(w, data, args) for w in args.workload]
    json.dump(doc, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main(ARGS)
