#!/usr/bin/env python3
"""Writes random data in CIFAR-10's binary format: DIR/cifar-10-batches-bin/data_batch_1..5.bin and
test_batch.bin, each 10,000 records of 1 label byte (0-9) and 3072 pixel bytes (channel-major 32x32),
seeded. There is no CIFAR-10 copy offline; hyperprune's reader (the cifar10 data set) and
bench/torch/reference.py read these files exactly as they read the real ones, and a conv net's step
takes the same time on any pixels.

  make_cifar.py DIR [--seed 0]
"""
import argparse
import os
import random

RECORDS, RECORD = 10_000, 1 + 3 * 32 * 32
FILES = [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    out = os.path.join(args.dir, "cifar-10-batches-bin")
    os.makedirs(out, exist_ok=True)
    rng = random.Random(args.seed)
    for name in FILES:
        data = bytearray(rng.randbytes(RECORDS * RECORD))
        for r in range(RECORDS):
            data[r * RECORD] %= 10  # the label
        tmp = os.path.join(out, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, os.path.join(out, name))
    print(out)


if __name__ == "__main__":
    main()
