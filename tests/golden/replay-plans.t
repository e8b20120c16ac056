# Every shipped plan replayed into one ledger (README, traces/*.textproto).
$ gpuledger replay traces/deepseek-v3-r1.textproto --ledger "$TMP/l.sqlite"
> run 1 complete: deepseek-v3-r1, 6 jobs on 2,048 H800 (fcfs, seed 0)
> simulated 68.68 days; 2,935,001.17 GPU-hours used, 441,000.53 idle
> rental $5,870,002.35; owned $2,729,605.33 (idle capacity included)
> jobs: 6 done, 0 skipped
> makespan: 5934378 s (68.68 days)
> wait (ready to start): mean 1465.0 s, median 0.0 s, 95th percentile 8790 s; before that, waiting on dependencies: mean 4287305.7 s (49.62 days)
> bounded slowdown (10 s): mean 1.002
> utilization: 86.94%
> preemptions: 0, lost work 0 GPU-seconds
> ledger $TMP/l.sqlite; details: gpuledger report --ledger $TMP/l.sqlite --run 1
$ gpuledger replay traces/deepseek-v3-r1-failures.textproto --ledger "$TMP/l.sqlite"
> run 2 complete: deepseek-v3-r1-failures, 6 jobs on 2,048 H800 (fcfs, seed 0)
> simulated 87.05 days; 3,030,884.98 GPU-hours used, 1,243,451.33 idle
> rental $6,061,769.96; owned $3,459,013.39 (idle capacity included)
> beyond the jobs' work (productive): 95,883.80 GPU-hours, +3.27% (checkpoint 39,142.40, lost 45,392.07, restart 11,349.33): rental $191,767.61, owned $77,525.12
> owned: nodes under repair 4,314.00 GPU-hours, $3,075.80
> jobs: 6 done, 0 skipped
> makespan: 7521065 s (87.05 days)
> wait (ready to start): mean 1485.0 s, median 0.0 s, 95th percentile 8910 s; before that, waiting on dependencies: mean 5596699.5 s (64.78 days)
> bounded slowdown (10 s): mean 1.002
> utilization: 70.84%
> preemptions: 0, lost work 163411456 GPU-seconds
> interruptions: 60 unexpected, 8 planned (37.2 unexpected per 54 days)
> goodput: 96.84% (checkpoint writes 140912640, restarts 40857600 GPU-seconds)
> ledger $TMP/l.sqlite; details: gpuledger report --ledger $TMP/l.sqlite --run 2
$ gpuledger replay traces/llama3-405b.textproto --ledger "$TMP/l.sqlite" --seed 3
> run 3 complete: llama3-405b, 1 jobs on 16,512 H100 (fcfs, seed 3)
> simulated 71.68 days; 28,187,475.06 GPU-hours used, 192,994.58 idle
> rental $56,374,950.12; owned $22,965,924.61 (idle capacity included)
> beyond the jobs' work (productive): 1,569,678.22 GPU-hours, +5.90% (checkpoint 376,213.05, lost 370,842.74, restart 822,622.44): rental $3,139,356.44, owned $1,269,135.03
> owned: nodes under repair 27,220.07 GPU-hours, $19,407.42
> jobs: 1 done, 0 skipped
> makespan: 6193537 s (71.68 days)
> wait (ready to start): mean 0.0 s, median 0.0 s, 95th percentile 0 s
> bounded slowdown (10 s): mean 1.000
> utilization: 99.22%
> preemptions: 0, lost work 1335033856 GPU-seconds
> interruptions: 551 unexpected, 61 planned (415.1 unexpected per 54 days)
> goodput: 94.43% (checkpoint writes 1354366976, restarts 2961440768 GPU-seconds)
> ledger $TMP/l.sqlite; details: gpuledger report --ledger $TMP/l.sqlite --run 3
$ gpuledger replay traces/llama4.textproto --ledger "$TMP/l.sqlite" --policy easy
> run 4 complete: llama4, 2 jobs on 16,384 H100 (easy, seed 0)
> simulated 25.43 days; 7,380,002.13 GPU-hours used, 2,619,999.57 idle
> rental $14,760,004.27; owned $8,085,321.14 (idle capacity included)
> jobs: 2 done, 0 skipped
> makespan: 2197266 s (25.43 days)
> wait (ready to start): mean 0.0 s, median 0.0 s, 95th percentile 0 s
> bounded slowdown (10 s): mean 1.000
> utilization: 73.80%
> preemptions: 0, lost work 0 GPU-seconds
> ledger $TMP/l.sqlite; details: gpuledger report --ledger $TMP/l.sqlite --run 4
$ gpuledger replay traces/deepseek-v3-r1.textproto --ledger "$TMP/l.sqlite" --policy conservative --format plan
> run 5 complete: deepseek-v3-r1, 6 jobs on 2,048 H800 (conservative, seed 0)
> simulated 68.68 days; 2,935,001.17 GPU-hours used, 441,000.53 idle
> rental $5,870,002.35; owned $2,729,605.33 (idle capacity included)
> jobs: 6 done, 0 skipped
> makespan: 5934378 s (68.68 days)
> wait (ready to start): mean 1465.0 s, median 0.0 s, 95th percentile 8790 s; before that, waiting on dependencies: mean 4287305.7 s (49.62 days)
> bounded slowdown (10 s): mean 1.002
> utilization: 86.94%
> preemptions: 0, lost work 0 GPU-seconds
> ledger $TMP/l.sqlite; details: gpuledger report --ledger $TMP/l.sqlite --run 5
$ gpuledger replay traces/deepseek-v3-r1.textproto --ledger "$TMP/l.sqlite" --policy priority --backfill-depth 2
> run 6 complete: deepseek-v3-r1, 6 jobs on 2,048 H800 (priority, seed 0)
> simulated 68.68 days; 2,935,001.17 GPU-hours used, 441,000.53 idle
> rental $5,870,002.35; owned $2,729,605.33 (idle capacity included)
> jobs: 6 done, 0 skipped
> makespan: 5934378 s (68.68 days)
> wait (ready to start): mean 1465.0 s, median 0.0 s, 95th percentile 8790 s; before that, waiting on dependencies: mean 4287305.7 s (49.62 days)
> bounded slowdown (10 s): mean 1.002
> utilization: 86.94%
> preemptions: 0, lost work 0 GPU-seconds
> ledger $TMP/l.sqlite; details: gpuledger report --ledger $TMP/l.sqlite --run 6
