# Spot capacity (issue 16, item 5; docs/compare.md, "Spot capacity"): the
# shipped spot strategies on the DeepSeek plan with checkpoints: what the
# discount saved, the runs reclaimed and the work they lost; a spot run's
# report and its FOCUS rows (PricingCategory Dynamic at the spot price,
# the on-demand price as the list price).
$ gpuledger compare traces/deepseek-v3-r1-failures.textproto --strategies traces/strategies/spot.textproto --ledger "$TMP/l.sqlite"
> compare: deepseek-v3-r1-failures (2,048 H800 planned), 3 strategies, fcfs
>
> strategy                 capacity               total USD  USD/productive GPU-h  amortized USD    capital USD  utilization  makespan d  break-even util.  break-even months  pretrain done d  context_extension done d  sft done d  rl done d  data done d
> all on-demand            on-demand           5,948,287.15                2.0267   5,948,287.15              -            -       69.44                 -                  -            54.94                     57.39       57.50      69.44        66.08
> all spot                 spot                2,400,931.73                0.8180   2,400,931.73              -            -       70.01                 -                  -            55.47                     57.94       58.04      70.01        66.65
> own half, burst to spot  owned 1,024 + spot  3,769,099.31                1.2842   2,465,849.95  25,600,000.00        8.46%       71.66            40.43%              464.7            57.03                     59.53       59.65      71.66        68.27
>
> total USD: what each strategy pays over its horizon (its replay, or --horizon: 71.66 days at most), committed capacity whether used or not;
> amortized USD: owned capacity charged only for the GPU-hours the plan used;
> break-even util.: the utilization of committed GPUs at which they cost what renting on demand does;
> break-even months: months of use, at this utilization, after which owning has cost less cash than renting.
>
> spot capacity:
> strategy                 spot GPU-h  reclaimed runs  lost GPU-h  discount saved USD  lost work USD
> all spot                  3,001,164             156        37.5        3,601,397.59          30.04
> own half, burst to spot   2,931,735             153        51.2        3,518,082.39          40.96
>
> discount saved: the spot GPU-hours at the on-demand price less what they cost; lost work: the work reclaimed machines took with them (redone), at the spot price.
> ledger $TMP/l.sqlite: one run per strategy and comparison 1; gpuledger report --ledger $TMP/l.sqlite --run ID --by pool, or --comparison 1
$ gpuledger report --ledger "$TMP/l.sqlite" --run 2 --by pool
> run 2  deepseek-v3-r1-failures  (complete, fcfs, seed 0)
> cluster: none of its own (every H800 GPU on demand); simulated window 70.01 days (6,048,701 s)
>
> pool          GPU-hours    rental USD  strategy USD  start day  end day
> on-demand  3,001,164.66  2,400,931.73  2,400,931.73       0.00    70.01
> -----------------------------------------------------------------------
> all jobs   3,001,164.66  2,400,931.73  2,400,931.73       0.00    70.01
> idle               0.00          0.00          0.00       0.00    70.01
> -----------------------------------------------------------------------
> total      3,001,164.66  2,400,931.73  2,400,931.73       0.00    70.01
>
> rental: $0.8000 per GPU-hour held by a job; idle capacity costs a renter nothing
> strategy "all spot": the cluster is none (all on demand); strategy USD prices each entry by its pool: on-demand at $0.8000 per GPU-hour
> strategy "all spot": $2,400,931.73 = on-demand $2,400,931.73 (3,001,164.66 GPU-hours)
>
> schedule (fcfs):
> jobs: 6 done, 0 skipped
> makespan: 6048701 s (70.01 days)
> wait (ready to start): mean 0.0 s, median 0.0 s, 95th percentile 0 s; before that, waiting on dependencies: mean 4381024.8 s (50.71 days)
> bounded slowdown (10 s): mean 1.000
> utilization: - (no cluster of its own: all on demand)
> preemptions: 0, lost work 135168 GPU-seconds
> interruptions: 0 unexpected, 0 planned (0.0 unexpected per 54 days)
> goodput: 97.80% (checkpoint writes 145432576, restarts 92620800 GPU-seconds)
> spot capacity reclaimed: 156 runs, 135168 GPU-seconds of work lost
$ gpuledger export --ledger "$TMP/l.sqlite" --run 2 -o "$TMP/s.csv" && grep -c ',Dynamic,' "$TMP/s.csv" && grep -c -v ',Dynamic,' "$TMP/s.csv"
> 628
> 1
# Without checkpoints, every reclaim takes all of a run's work: the plan
# never finishes on this capacity, and compare says so.
$ gpuledger compare traces/deepseek-v3-r1.textproto --strategies traces/strategies/spot.textproto --ledger "$TMP/m.sqlite"
2> gpuledger: strategy "all spot": job "v3-pretrain" was interrupted 100000 times without finishing: spot capacity is reclaimed too often for its run and checkpoints; the comparison stops (no comparison is kept), and the run replayed before it stays in the ledger: 1
? 2
