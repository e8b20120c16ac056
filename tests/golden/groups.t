# Monte Carlo groups: replay --seeds and the group's report (README, docs/metrics.md).
$ gpuledger replay traces/llama3-405b.textproto --seeds 8 --threads 1 --ledger "$TMP/l.sqlite"
> group 1  llama3-405b  (8 replays, seeds 0-7, fcfs); runs 1..8
>
> figure                                            mean             p5            p95
> GPU-hours held by jobs                   28,212,643.84  28,164,856.04  28,296,301.23
> rental USD                               56,425,287.68  56,329,712.07  56,592,602.45
> owned USD (idle and down included)       22,986,378.28  22,947,398.98  23,054,552.36
> unexpected interruptions                         558.8          540.0          597.0
> unexpected interruptions per 54 days            420.51         406.71         448.75
> planned interruptions                             63.5           46.0           73.0
> goodput (productive / held)                     94.35%         94.07%         94.51%
> makespan, days                                   71.75          71.63          71.96
> wall-clock days: llama3.1-405b-pretrain          71.75          71.63          71.96
>
> p5 and p95: nearest-rank percentiles over the runs; one run's figures: gpuledger report --run ID
> ledger $TMP/l.sqlite; again: gpuledger report --ledger $TMP/l.sqlite --group 1
$ gpuledger report --ledger "$TMP/l.sqlite" --group 1
> group 1  llama3-405b  (8 replays, seeds 0-7, fcfs); runs 1..8
>
> figure                                            mean             p5            p95
> GPU-hours held by jobs                   28,212,643.84  28,164,856.04  28,296,301.23
> rental USD                               56,425,287.68  56,329,712.07  56,592,602.45
> owned USD (idle and down included)       22,986,378.28  22,947,398.98  23,054,552.36
> unexpected interruptions                         558.8          540.0          597.0
> unexpected interruptions per 54 days            420.51         406.71         448.75
> planned interruptions                             63.5           46.0           73.0
> goodput (productive / held)                     94.35%         94.07%         94.51%
> makespan, days                                   71.75          71.63          71.96
> wall-clock days: llama3.1-405b-pretrain          71.75          71.63          71.96
>
> p5 and p95: nearest-rank percentiles over the runs; one run's figures: gpuledger report --run ID
$ gpuledger report --ledger "$TMP/l.sqlite" --group 1 --format csv
> figure,mean,p5,p95
> gpu_hours,28212643.840000,28164856.035556,28296301.226667
> rental_usd,56425287.680000,56329712.071111,56592602.453333
> owned_usd,22986378.284422,22947398.980009,23054552.363278
> interruptions,558.750000,540.000000,597.000000
> interruptions_per_window,420.513662,406.707166,448.754663
> planned_interruptions,63.500000,46.000000,73.000000
> goodput,0.943473,0.940681,0.945071
> makespan_days,71.748464,71.626933,71.961215
> wall_clock_days:llama3.1-405b-pretrain,71.748464,71.626933,71.961215
$ gpuledger report --ledger "$TMP/l.sqlite" --group 1 --format json
> {
>   "group": {"id": 1, "plan": "llama3-405b", "plan_sha256": "f411e2d83eb5e59de7370da7dec2ead92ca39761d783107838468ca69bbd7077", "policy": "fcfs", "first_seed": 0, "seeds": 8, "interruption_window_days": 54},
>   "runs": [
>     {"id": 1, "seed": 0, "interruptions": 543, "planned_interruptions": 70, "goodput": 0.944715, "makespan_seconds": 6190903},
>     {"id": 2, "seed": 1, "interruptions": 597, "planned_interruptions": 46, "goodput": 0.942284, "makespan_seconds": 6206873},
>     {"id": 3, "seed": 2, "interruptions": 565, "planned_interruptions": 68, "goodput": 0.942561, "makespan_seconds": 6205048},
>     {"id": 4, "seed": 3, "interruptions": 551, "planned_interruptions": 61, "goodput": 0.944313, "makespan_seconds": 6193537},
>     {"id": 5, "seed": 4, "interruptions": 540, "planned_interruptions": 72, "goodput": 0.944137, "makespan_seconds": 6194688},
>     {"id": 6, "seed": 5, "interruptions": 545, "planned_interruptions": 61, "goodput": 0.944018, "makespan_seconds": 6195473},
>     {"id": 7, "seed": 6, "interruptions": 584, "planned_interruptions": 73, "goodput": 0.940681, "makespan_seconds": 6217449},
>     {"id": 8, "seed": 7, "interruptions": 545, "planned_interruptions": 57, "goodput": 0.945071, "makespan_seconds": 6188567}
>   ],
>   "stats": [
>     {"name": "gpu_hours", "mean": 28212643.840000, "p5": 28164856.035556, "p95": 28296301.226667},
>     {"name": "rental_usd", "mean": 56425287.680000, "p5": 56329712.071111, "p95": 56592602.453333},
>     {"name": "owned_usd", "mean": 22986378.284422, "p5": 22947398.980009, "p95": 23054552.363278},
>     {"name": "interruptions", "mean": 558.750000, "p5": 540.000000, "p95": 597.000000},
>     {"name": "interruptions_per_window", "mean": 420.513662, "p5": 406.707166, "p95": 448.754663},
>     {"name": "planned_interruptions", "mean": 63.500000, "p5": 46.000000, "p95": 73.000000},
>     {"name": "goodput", "mean": 0.943473, "p5": 0.940681, "p95": 0.945071},
>     {"name": "makespan_days", "mean": 71.748464, "p5": 71.626933, "p95": 71.961215},
>     {"name": "wall_clock_days:llama3.1-405b-pretrain", "mean": 71.748464, "p5": 71.626933, "p95": 71.961215}
>   ]
> }
$ gpuledger report --ledger "$TMP/l.sqlite" --run 3 --by category
> run 3  llama3-405b  (complete, fcfs, seed 2)
> cluster: 2,064 nodes x 8 H100 = 16,512 GPUs; simulated window 71.82 days (6,205,048 s)
>
> category        GPU-hours     rental USD      owned USD  start day  end day
> productive  26,617,796.84  53,235,593.67  21,521,339.87       0.00    71.82
> checkpoint     376,213.04     752,426.10     304,180.28       0.22    71.82
> lost           397,689.75     795,379.48     321,544.87       0.22    71.78
> restart        848,163.27   1,696,326.54     685,767.13       0.22    71.79
> ---------------------------------------------------------------------------
> all jobs    28,239,862.90  56,479,725.80  22,832,832.15       0.00    71.82
> idle           192,303.74           0.00     155,483.72       0.00    71.82
> down            28,320.19           0.00      20,191.78       0.00    71.82
> ---------------------------------------------------------------------------
> total       28,460,486.83  56,479,725.80  23,008,507.66       0.00    71.82
>
> beyond the jobs' work (productive): 1,622,066.06 GPU-hours, +6.09% (checkpoint 376,213.05, lost 397,689.74, restart 848,163.27): rental $3,244,132.12, owned $1,311,492.28
> owned: nodes under repair 28,320.19 GPU-hours, $20,191.78
> rental: $2.0000 per GPU-hour held by a job; idle capacity costs a renter nothing
> owned: cluster capital $412,800,000.00 (16,512 GPUs); per GPU-hour: depreciation $0.7130 + operations $0.0000 + energy $0.0956 busy / $0.0956 idle = $0.8085 per busy GPU-hour
> owned: the window's cost $23,008,507.66 over 28,239,862.90 GPU-hours used = $0.8148 per GPU-hour used, idle capacity included
> break-even: owning costs what renting does at 40.43% utilization of the owned GPUs (this run: 99.22%)
>
> schedule (fcfs):
> jobs: 1 done, 0 skipped
> makespan: 6205048 s (71.82 days)
> wait (ready to start): mean 0.0 s, median 0.0 s, 95th percentile 0 s
> bounded slowdown (10 s): mean 1.000
> utilization: 99.22%
> preemptions: 0, lost work 1431683072 GPU-seconds
> interruptions: 565 unexpected, 68 planned (424.8 unexpected per 54 days)
> goodput: 94.26% (checkpoint writes 1354366976, restarts 3053387776 GPU-seconds)
$ gpuledger replay traces/deepseek-v3-r1-failures.textproto --seeds 3 --seed 10 --threads 1 --ledger "$TMP/l.sqlite"
> group 2  deepseek-v3-r1-failures  (3 replays, seeds 10-12, fcfs); runs 9..11
>
> figure                                         mean            p5           p95
> GPU-hours held by jobs                 3,025,362.87  3,020,198.26  3,033,106.35
> rental USD                             6,050,725.74  6,040,396.52  6,066,212.69
> owned USD (idle and down included)     3,471,796.43  3,369,310.59  3,635,587.59
> unexpected interruptions                       60.3          51.0          72.0
> unexpected interruptions per 54 days          37.16         32.48         42.49
> planned interruptions                           5.0           4.0           6.0
> goodput (productive / held)                  97.01%        96.77%        97.18%
> makespan, days                                87.37         84.79         91.49
> wall-clock days: v3-pretrain                  72.12         69.70         75.89
> wall-clock days: v3-context-extension          3.01          2.80          3.34
> wall-clock days: v3-post-training              0.10          0.10          0.10
> wall-clock days: r1-zero                       8.35          8.31          8.40
> wall-clock days: r1-sft-data                   0.41          0.41          0.41
> wall-clock days: r1                            3.39          3.36          3.41
>
> p5 and p95: nearest-rank percentiles over the runs; one run's figures: gpuledger report --run ID
> ledger $TMP/l.sqlite; again: gpuledger report --ledger $TMP/l.sqlite --group 2
$ gpuledger report --ledger "$TMP/l.sqlite" --group 2 --view rental
> group 2  deepseek-v3-r1-failures  (3 replays, seeds 10-12, fcfs); runs 9..11
>
> figure                                         mean            p5           p95
> GPU-hours held by jobs                 3,025,362.87  3,020,198.26  3,033,106.35
> rental USD                             6,050,725.74  6,040,396.52  6,066,212.69
> owned USD (idle and down included)     3,471,796.43  3,369,310.59  3,635,587.59
> unexpected interruptions                       60.3          51.0          72.0
> unexpected interruptions per 54 days          37.16         32.48         42.49
> planned interruptions                           5.0           4.0           6.0
> goodput (productive / held)                  97.01%        96.77%        97.18%
> makespan, days                                87.37         84.79         91.49
> wall-clock days: v3-pretrain                  72.12         69.70         75.89
> wall-clock days: v3-context-extension          3.01          2.80          3.34
> wall-clock days: v3-post-training              0.10          0.10          0.10
> wall-clock days: r1-zero                       8.35          8.31          8.40
> wall-clock days: r1-sft-data                   0.41          0.41          0.41
> wall-clock days: r1                            3.39          3.36          3.41
>
> p5 and p95: nearest-rank percentiles over the runs; one run's figures: gpuledger report --run ID
