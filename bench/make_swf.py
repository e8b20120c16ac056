#!/usr/bin/env python3
"""Writes a synthetic SWF trace for the benchmarks (bench/README.md).

    bench/make_swf.py --jobs 100000 --gpus 16384 --load 0.9 --seed 1 -o T.swf

The shape of replay_bench's trace: Poisson arrivals; sizes a power of two from
1 to 1,024 GPUs, each power equally likely; run times log-normal around a
median of 30 minutes (sigma 1.5), whole seconds, 1 s to 7 days; the arrival
rate set so the offered load (GPU-seconds asked per GPU-second of capacity) is
--load. Requested times overestimate: run time x a factor log-uniform in
[1, 4], rounded up. Header `; MaxProcs: GPUS`, one GPU per SWF processor.
Seeded (Python's random), so a seed always writes the same file.
"""
import argparse
import math
import random


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jobs", type=int, default=100000)
    ap.add_argument("--gpus", type=int, default=16384)
    ap.add_argument("--load", type=float, default=0.9)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    mean_gpus = (2 ** 11 - 1) / 11.0
    mean_run = 1800.0 * math.exp(1.5 * 1.5 / 2)
    mean_gap = mean_gpus * mean_run / (a.load * a.gpus)
    t = 0.0
    with open(a.output, "w") as out:
        out.write(f"; synthetic trace: bench/make_swf.py --jobs {a.jobs} --gpus {a.gpus} "
                  f"--load {a.load} --seed {a.seed}\n; MaxProcs: {a.gpus}\n")
        for i in range(1, a.jobs + 1):
            gpus = 1 << rng.randrange(11)
            run = max(1, min(round(rng.lognormvariate(math.log(1800.0), 1.5)), 7 * 86400))
            req = math.ceil(run * math.exp(rng.uniform(0, math.log(4))))
            # id submit wait run alloc cpu mem req_procs req_time req_mem status user
            # group app queue partition preceding think
            out.write(f"{i} {round(t)} -1 {run} {gpus} -1 -1 {gpus} {req} -1 1 1 1 1 1 1 -1 -1\n")
            t += rng.expovariate(1.0 / mean_gap)


if __name__ == "__main__":
    main()
