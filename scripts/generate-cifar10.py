#!/usr/bin/env python3
"""Writes CIFAR-10-format binary batches of random images into DIR/cifar-10-batches-bin (default DIR: data).

For timing the conv net where no CIFAR-10 copy can be downloaded: the files have the real layout and
size (data_batch_1..5.bin and test_batch.bin, 10,000 records each of 1 label byte and 3072 pixel bytes),
so `hyperprune train --dataset cifar10 --data-dir DIR` reads them like the real ones. Seeded: the same
bytes on every run. Not for accuracy: the labels are random.
"""
import os
import random
import sys

RECORDS = 10_000
PIXELS = 3 * 32 * 32


def main():
    directory = os.path.join(sys.argv[1] if len(sys.argv) > 1 else "data", "cifar-10-batches-bin")
    os.makedirs(directory, exist_ok=True)
    rng = random.Random(22)
    for name in [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]:
        records = bytearray()
        for _ in range(RECORDS):
            records.append(rng.randrange(10))
            records += rng.randbytes(PIXELS)
        path = os.path.join(directory, name)
        with open(path + ".part", "wb") as f:
            f.write(records)
        os.replace(path + ".part", path)
    print(f"CIFAR-10-format random data in {directory}", file=sys.stderr)


if __name__ == "__main__":
    main()
