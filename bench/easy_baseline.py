#!/usr/bin/env python3
"""A plain EASY backfilling replay of an SWF trace: the baseline a user could
write in an afternoon (bench/README.md). No ledger, no failures, no nodes:
GPUs are counted, as they are for an SWF trace of one GPU per processor.

    bench/easy_baseline.py T.swf [--schedule-out S.csv]

The rules are docs/metrics.md's ("Policies, exactly"), written plainly:
jobs wait in one queue in arrival order (every SWF job has priority 0);
events at the same second apply as job ends, then submissions, then one
decision point. At a decision point jobs start from the head while the head
fits; if a job still waits, the head's shadow time is the earliest estimated
end of a running job (by estimated end, then job order) at which enough GPUs
are free, and the extra GPUs are those free then beyond the head's needs; the
rest of the queue is walked in order, and each job that fits now starts if it
ends (by its estimate) by the shadow time, or if it needs no more than the
extra GPUs, which it then uses up. Estimate = max(requested time, run time).

Jobs are read as gpuledger reads them (traces/swf.h): field 1 id, 2 submit,
4 run time, 5 processors (8 where 5 is not positive), 9 requested time; jobs
with no run time, no size or a size above the capacity (the header's MaxProcs)
are skipped. Prints jobs, makespan, mean wait and utilization; with
--schedule-out, the schedule in gpuledger's CSV (job_id,submit,start,end,gpus)
so the two can be compared job for job.
"""
import argparse
import heapq
import sys


def read_swf(path):
    capacity, jobs = 0, []
    with open(path) as f:
        for line in f:
            s = line.strip()
            if s.startswith(";"):
                key, _, value = s[1:].partition(":")
                if key.strip() == "MaxProcs":
                    capacity = int(value)
                continue
            if not s:
                continue
            x = s.split()
            run = round(float(x[3]))
            size = int(x[4]) if int(x[4]) > 0 else int(x[7])
            if run <= 0 or size <= 0 or size > capacity:
                continue
            req = round(float(x[8]))
            jobs.append((x[0], round(float(x[1])), run, size, max(req, run)))
    return capacity, jobs


def easy(capacity, jobs):
    n = len(jobs)
    start = [0] * n
    free = capacity
    queue = []    # waiting job indices, in arrival order
    ends = []     # heap of (end, job) of running jobs
    running = {}  # job -> estimated end
    order = sorted(range(n), key=lambda i: (jobs[i][1], i))
    nxt = 0
    while nxt < n or queue or ends:
        now = min(ends[0][0] if ends else float("inf"),
                  jobs[order[nxt]][1] if nxt < n else float("inf"))
        while ends and ends[0][0] == now:
            _, j = heapq.heappop(ends)
            free += jobs[j][3]
            del running[j]
        while nxt < n and jobs[order[nxt]][1] == now:
            queue.append(order[nxt])
            nxt += 1

        def launch(j):
            nonlocal free
            start[j] = now
            free -= jobs[j][3]
            heapq.heappush(ends, (now + jobs[j][2], j))
            running[j] = now + jobs[j][4]

        while queue and jobs[queue[0]][3] <= free:
            launch(queue.pop(0))
        if not queue:
            continue
        head = jobs[queue[0]][3]
        avail, shadow = free, None
        for est, j in sorted((e, j) for j, e in running.items()):
            if shadow is not None and est > shadow:
                break
            avail += jobs[j][3]  # every job ending by the shadow time counts
            if shadow is None and avail >= head:
                shadow = est
        extra = avail - head
        rest = []
        for j in queue[1:]:
            g = jobs[j][3]
            if g <= free and now + jobs[j][4] <= shadow:
                launch(j)
            elif g <= free and g <= extra:
                extra -= g
                launch(j)
            else:
                rest.append(j)
        queue = [queue[0]] + rest
    return start


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("trace")
    ap.add_argument("--schedule-out")
    a = ap.parse_args()
    capacity, jobs = read_swf(a.trace)
    start = easy(capacity, jobs)
    end = [start[i] + j[2] for i, j in enumerate(jobs)]
    first = min(j[1] for j in jobs)
    makespan = max(end) - first
    wait = sum(start[i] - j[1] for i, j in enumerate(jobs)) / len(jobs)
    busy = sum(j[2] * j[3] for j in jobs)
    print(f"jobs {len(jobs)}, makespan {makespan} s, mean wait {wait:.1f} s, "
          f"utilization {busy / (capacity * makespan):.4f}")
    if a.schedule_out:
        with open(a.schedule_out, "w") as f:
            f.write("job_id,submit,start,end,gpus\n")
            for i, j in enumerate(jobs):
                f.write(f"{j[0]},{j[1]},{start[i]},{end[i]},{j[3]}\n")


if __name__ == "__main__":
    sys.exit(main())
