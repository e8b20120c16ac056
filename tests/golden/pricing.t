# Repricing a run with each shipped profile and with a file.
$ gpuledger replay traces/deepseek-v3-r1.textproto --ledger "$TMP/l.sqlite" >/dev/null
$ gpuledger report --ledger "$TMP/l.sqlite" --by phase --pricing on-demand
> run 1  deepseek-v3-r1  (complete, fcfs, seed 0)
> cluster: 256 nodes x 8 H800 = 2,048 GPUs; simulated window 68.68 days (5,934,378 s)
>
> phase                 GPU-hours    rental USD     owned USD  start day  end day
> pretrain           2,664,000.28  5,328,000.57  2,153,929.41       0.00    54.20
> context_extension    119,000.18    238,000.36     96,215.45      54.20    56.62
> sft                    5,000.54     10,001.07      4,043.09      56.62    56.72
> rl                   142,000.07    284,000.14    114,811.60      56.72    68.68
> data                   5,000.10     10,000.21      4,042.75      64.94    65.35
> -------------------------------------------------------------------------------
> all jobs           2,935,001.17  5,870,002.35  2,373,042.30       0.00    68.68
> idle                 441,000.54          0.00    356,563.03       0.00    68.68
> -------------------------------------------------------------------------------
> total              3,376,001.71  5,870,002.35  2,729,605.33       0.00    68.68
>
> rental: $2.0000 per GPU-hour held by a job; idle capacity costs a renter nothing
> owned: cluster capital $51,200,000.00 (2,048 GPUs); per GPU-hour: depreciation $0.7130 + operations $0.0000 + energy $0.0956 busy / $0.0956 idle = $0.8085 per busy GPU-hour
> owned: the window's cost $2,729,605.33 over 2,935,001.17 GPU-hours used = $0.9300 per GPU-hour used, idle capacity included
> break-even: owning costs what renting does at 40.43% utilization of the owned GPUs (this run: 86.94%)
>
> schedule (fcfs):
> jobs: 6 done, 0 skipped
> makespan: 5934378 s (68.68 days)
> wait (ready to start): mean 1465.0 s, median 0.0 s, 95th percentile 8790 s; before that, waiting on dependencies: mean 4287305.7 s (49.62 days)
> bounded slowdown (10 s): mean 1.002
> utilization: 86.94%
> preemptions: 0, lost work 0 GPU-seconds
$ gpuledger report --ledger "$TMP/l.sqlite" --by phase --pricing on-demand-hyperscaler
> run 1  deepseek-v3-r1  (complete, fcfs, seed 0)
> cluster: 256 nodes x 8 H800 = 2,048 GPUs; simulated window 68.68 days (5,934,378 s)
>
> phase                 GPU-hours     rental USD     owned USD  start day  end day
> pretrain           2,664,000.28  15,984,001.71  2,153,929.41       0.00    54.20
> context_extension    119,000.18     714,001.07     96,215.45      54.20    56.62
> sft                    5,000.54      30,003.20      4,043.09      56.62    56.72
> rl                   142,000.07     852,000.43    114,811.60      56.72    68.68
> data                   5,000.10      30,000.64      4,042.75      64.94    65.35
> --------------------------------------------------------------------------------
> all jobs           2,935,001.17  17,610,007.04  2,373,042.30       0.00    68.68
> idle                 441,000.54           0.00    356,563.03       0.00    68.68
> --------------------------------------------------------------------------------
> total              3,376,001.71  17,610,007.04  2,729,605.33       0.00    68.68
>
> rental: $6.0000 per GPU-hour held by a job; idle capacity costs a renter nothing
> owned: cluster capital $51,200,000.00 (2,048 GPUs); per GPU-hour: depreciation $0.7130 + operations $0.0000 + energy $0.0956 busy / $0.0956 idle = $0.8085 per busy GPU-hour
> owned: the window's cost $2,729,605.33 over 2,935,001.17 GPU-hours used = $0.9300 per GPU-hour used, idle capacity included
> break-even: owning costs what renting does at 13.48% utilization of the owned GPUs (this run: 86.94%)
>
> schedule (fcfs):
> jobs: 6 done, 0 skipped
> makespan: 5934378 s (68.68 days)
> wait (ready to start): mean 1465.0 s, median 0.0 s, 95th percentile 8790 s; before that, waiting on dependencies: mean 4287305.7 s (49.62 days)
> bounded slowdown (10 s): mean 1.002
> utilization: 86.94%
> preemptions: 0, lost work 0 GPU-seconds
$ gpuledger report --ledger "$TMP/l.sqlite" --by phase --pricing reserved-1y
2> gpuledger: --pricing reserved-1y: reserved: run 1 has no reserved capacity (a plain replay prices rental and owned), so these prices would change nothing
? 2
$ gpuledger report --ledger "$TMP/l.sqlite" --by phase --pricing reserved-3y
2> gpuledger: --pricing reserved-3y: reserved: run 1 has no reserved capacity (a plain replay prices rental and owned), so these prices would change nothing
? 2
$ gpuledger report --ledger "$TMP/l.sqlite" --by pool --pricing owned-straight-line
> run 1  deepseek-v3-r1  (complete, fcfs, seed 0)
> cluster: 256 nodes x 8 H800 = 2,048 GPUs; simulated window 68.68 days (5,934,378 s)
>
> pool         GPU-hours    rental USD     owned USD  start day  end day
>           2,935,001.17  5,870,002.35  2,373,042.30       0.00    68.68
> ----------------------------------------------------------------------
> all jobs  2,935,001.17  5,870,002.35  2,373,042.30       0.00    68.68
> idle        441,000.54          0.00    356,563.03       0.00    68.68
> ----------------------------------------------------------------------
> total     3,376,001.71  5,870,002.35  2,729,605.33       0.00    68.68
>
> rental: $2.0000 per GPU-hour held by a job; idle capacity costs a renter nothing
> owned: cluster capital $51,200,000.00 (2,048 GPUs); per GPU-hour: depreciation $0.7130 + operations $0.0000 + energy $0.0956 busy / $0.0956 idle = $0.8085 per busy GPU-hour
> owned: the window's cost $2,729,605.33 over 2,935,001.17 GPU-hours used = $0.9300 per GPU-hour used, idle capacity included
> break-even: owning costs what renting does at 40.43% utilization of the owned GPUs (this run: 86.94%)
>
> schedule (fcfs):
> jobs: 6 done, 0 skipped
> makespan: 5934378 s (68.68 days)
> wait (ready to start): mean 1465.0 s, median 0.0 s, 95th percentile 8790 s; before that, waiting on dependencies: mean 4287305.7 s (49.62 days)
> bounded slowdown (10 s): mean 1.002
> utilization: 86.94%
> preemptions: 0, lost work 0 GPU-seconds
$ gpuledger report --ledger "$TMP/l.sqlite" --by pool --pricing owned-epoch
> run 1  deepseek-v3-r1  (complete, fcfs, seed 0)
> cluster: 256 nodes x 8 H800 = 2,048 GPUs; simulated window 68.68 days (5,934,378 s)
>
> pool         GPU-hours    rental USD     owned USD  start day  end day
>           2,935,001.17  5,870,002.35  2,145,441.54       0.00    68.68
> ----------------------------------------------------------------------
> all jobs  2,935,001.17  5,870,002.35  2,145,441.54       0.00    68.68
> idle        441,000.54          0.00    322,364.73       0.00    68.68
> ----------------------------------------------------------------------
> total     3,376,001.71  5,870,002.35  2,467,806.27       0.00    68.68
>
> rental: $2.0000 per GPU-hour held by a job; idle capacity costs a renter nothing
> owned: cluster capital $62,976,403.05 (2,048 GPUs); per GPU-hour: depreciation $0.6354 + operations $0.0000 + energy $0.0956 busy / $0.0956 idle = $0.7310 per busy GPU-hour
> owned: the window's cost $2,467,806.27 over 2,935,001.17 GPU-hours used = $0.8408 per GPU-hour used, idle capacity included
> break-even: owning costs what renting does at 36.55% utilization of the owned GPUs (this run: 86.94%)
>
> schedule (fcfs):
> jobs: 6 done, 0 skipped
> makespan: 5934378 s (68.68 days)
> wait (ready to start): mean 1465.0 s, median 0.0 s, 95th percentile 8790 s; before that, waiting on dependencies: mean 4287305.7 s (49.62 days)
> bounded slowdown (10 s): mean 1.002
> utilization: 86.94%
> preemptions: 0, lost work 0 GPU-seconds
$ gpuledger report --ledger "$TMP/l.sqlite" --by pool --pricing owned-financed --format csv
> group,gpu_hours,rental_usd,owned_usd,gpu_seconds,start_seconds,end_seconds
> ,2935001.173333,5870002.346667,2707858.767548,10566004224,0,5934378
> idle,441000.533334,0.000000,406871.101630,1587601920,0,5934378
> total,3376001.706667,5870002.346667,3114729.869178,12153606144,0,5934378
$ gpuledger report --ledger "$TMP/l.sqlite" --by phase --pricing traces/pricing/reserved-1y.textproto --view rental
2> gpuledger: --pricing traces/pricing/reserved-1y.textproto: reserved: run 1 has no reserved capacity (a plain replay prices rental and owned), so these prices would change nothing
? 2
