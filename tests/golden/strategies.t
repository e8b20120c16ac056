# Every strategy of the default set reported by pool (on demand, reserved,
# owned, owned with bursts), a reserved term longer than the replay (its
# unused rest is a row of the report and of the FOCUS export), and the FOCUS
# rows of reserved and on-demand capacity.
$ gpuledger compare traces/deepseek-v3-r1.textproto --ledger "$TMP/s.sqlite" --format csv
> strategy,committed,committed_gpus,on_demand,total_usd,usd_per_productive_gpu_hour,amortized_usd,on_demand_usd,committed_usd,capital_usd,committed_utilization,makespan_days,horizon_days,breakeven_utilization,breakeven_months,resized_jobs,run,finish_days_pretrain,finish_days_context_extension,finish_days_sft,finish_days_rl,finish_days_data
> all on-demand,,0,yes,5870002.35,2.000000,5870002.35,5870002.35,0.00,0.00,0.000000,68.5832,68.5832,,,0,1,54.1992,56.6203,56.7220,68.5832,65.2466
> reserved for the plan,reserved,2048,no,5064002.56,1.725383,5064002.56,0.00,5064002.56,0.00,0.869372,68.6849,68.6849,0.750000,,0,2,54.1992,56.6203,56.7220,68.6849,65.3483
> own the peak,owned,2048,no,2729605.33,0.930018,2373042.30,0.00,2729605.33,51200000.00,0.869372,68.6849,68.6849,0.404266,20.827,0,3,54.1992,56.6203,56.7220,68.6849,65.3483
> "own half, burst",owned,1024,yes,6942269.08,2.365338,5697928.34,5579073.99,1363195.09,25600000.00,0.087188,68.6040,68.6040,0.404266,434.160,0,4,54.2096,56.6411,56.7533,68.6040,65.2674
> "own half, queue",owned,1024,no,2491896.64,0.849027,2373042.30,0.00,2491896.64,25600000.00,0.952304,125.4070,125.4070,0.404266,18.918,3,5,108.3984,113.2406,113.4441,125.4070,122.0704
$ gpuledger report --ledger "$TMP/s.sqlite" --run 1 --by pool
> run 1  deepseek-v3-r1  (complete, fcfs, seed 0)
> cluster: none of its own (every H800 GPU on demand); simulated window 68.58 days (5,925,588 s)
>
> pool          GPU-hours    rental USD  strategy USD  start day  end day
> on-demand  2,935,001.17  5,870,002.35  5,870,002.35       0.00    68.58
> -----------------------------------------------------------------------
> all jobs   2,935,001.17  5,870,002.35  5,870,002.35       0.00    68.58
> idle               0.00          0.00          0.00       0.00    68.58
> -----------------------------------------------------------------------
> total      2,935,001.17  5,870,002.35  5,870,002.35       0.00    68.58
>
> rental: $2.0000 per GPU-hour held by a job; idle capacity costs a renter nothing
> strategy "all on-demand": the cluster is none (all on demand); strategy USD prices each entry by its pool: on-demand at $2.0000 per GPU-hour
> strategy "all on-demand": $5,870,002.35 = on-demand $5,870,002.35 (2,935,001.17 GPU-hours)
>
> schedule (fcfs):
> jobs: 6 done, 0 skipped
> makespan: 5925588 s (68.58 days)
> wait (ready to start): mean 0.0 s, median 0.0 s, 95th percentile 0 s; before that, waiting on dependencies: mean 4284375.7 s (49.59 days)
> bounded slowdown (10 s): mean 1.000
> utilization: - (no cluster of its own: all on demand)
> preemptions: 0, lost work 0 GPU-seconds
$ gpuledger report --ledger "$TMP/s.sqlite" --run 2 --by pool --view owned
> run 2  deepseek-v3-r1  (complete, fcfs, seed 0)
> cluster: 256 nodes x 8 H800 = 2,048 GPUs; simulated window 68.68 days (5,934,378 s)
>
> pool         GPU-hours  strategy USD  start day  end day
> reserved  2,935,001.17  4,402,501.76       0.00    68.68
> --------------------------------------------------------
> all jobs  2,935,001.17  4,402,501.76       0.00    68.68
> idle        441,000.54    661,500.80       0.00    68.68
> --------------------------------------------------------
> total     3,376,001.71  5,064,002.56       0.00    68.68
>
> strategy "reserved for the plan": the cluster is reserved; strategy USD prices each entry by its pool: on-demand at $2.0000 per GPU-hour, reserved at $1.5000 per GPU-hour used or not
> strategy "reserved for the plan": $5,064,002.56 = reserved cluster $5,064,002.56 (idle included) + on-demand $0.00 (0.00 GPU-hours)
>
> schedule (fcfs):
> jobs: 6 done, 0 skipped
> makespan: 5934378 s (68.68 days)
> wait (ready to start): mean 1465.0 s, median 0.0 s, 95th percentile 8790 s; before that, waiting on dependencies: mean 4287305.7 s (49.62 days)
> bounded slowdown (10 s): mean 1.002
> utilization: 86.94%
> preemptions: 0, lost work 0 GPU-seconds
$ gpuledger report --ledger "$TMP/s.sqlite" --run 3 --by pool --format csv
> group,gpu_hours,rental_usd,owned_usd,gpu_seconds,start_seconds,end_seconds
> owned,2935001.173333,5870002.346667,2373042.298238,10566004224,0,5934378
> idle,441000.533334,0.000000,356563.032633,1587601920,0,5934378
> total,3376001.706667,5870002.346667,2729605.330871,12153606144,0,5934378
$ gpuledger report --ledger "$TMP/s.sqlite" --run 4 --by pool --format json
> {
>   "run": {"id": 4, "plan": "deepseek-v3-r1", "plan_sha256": "ed45010973fe0d5a6d3ecd40d9b7e71d026a76e1ac6f9127cdd501455e38acc7", "status": "complete", "policy": "fcfs", "seed": 0, "gpu_model": "H800", "gpus": 1024, "jobs": 6, "sim_start_seconds": 0, "sim_end_seconds": 5927388, "wall_start": "2026-01-01T00:00:00Z", "wall_end": "2026-01-01T00:00:00Z"},
>   "metrics": {"jobs_done": 6, "jobs_skipped": 0, "skipped_by_reason": {}, "makespan_seconds": 5927388, "wait_mean_seconds": 0.000, "wait_median_seconds": 0.0, "wait_p95_seconds": 0, "dependency_wait_mean_seconds": 4285725.7, "bounded_slowdown_mean": 1.000000, "utilization": 0.087188, "preemptions": 0, "lost_gpu_seconds": 0, "interruptions": 0, "planned_interruptions": 0, "interruptions_per_window": 0.000, "interruption_window_days": 0, "goodput": 0.999477, "checkpoint_gpu_seconds": 0, "restart_gpu_seconds": 0},
>   "group_by": "pool",
>   "rows": [
>     {"group": "on-demand", "gpu_seconds": 10042333184, "gpu_hours": 2789536.995556, "rental_usd": 5579073.991111, "rental_micro_usd": 5579073991111, "owned_usd": 5579073.991111, "owned_micro_usd": 5579073991111, "start_seconds": 0, "end_seconds": 4903483},
>     {"group": "owned", "gpu_seconds": 529200640, "gpu_hours": 147000.177778, "rental_usd": 294000.355556, "rental_micro_usd": 294000355556, "owned_usd": 118854.344211, "owned_micro_usd": 118854344211, "start_seconds": 4893793, "end_seconds": 5927388},
>     {"group": "idle", "gpu_seconds": 5540444672, "gpu_hours": 1539012.408889, "rental_usd": 0.000000, "rental_micro_usd": 0, "owned_usd": 1244340.744048, "owned_micro_usd": 1244340744048, "start_seconds": 0, "end_seconds": 5927388}
>   ],
>   "jobs_total": {"group": "all jobs", "gpu_seconds": 10571533824, "gpu_hours": 2936537.173333, "rental_usd": 5873074.346667, "rental_micro_usd": 5873074346667, "owned_usd": 5697928.335322, "owned_micro_usd": 5697928335322, "start_seconds": 0, "end_seconds": 5927388},
>   "total": {"group": "total", "gpu_seconds": 16111978496, "gpu_hours": 4475549.582222, "rental_usd": 5873074.346667, "rental_micro_usd": 5873074346667, "owned_usd": 6942269.079370, "owned_micro_usd": 6942269079370, "start_seconds": 0, "end_seconds": 5927388},
>   "rental": {"usd_per_gpu_hour": 2.000000000},
>   "owned": {"capital_usd": 25600000.000000, "depreciation_usd_per_gpu_hour": 0.712981976, "financing_usd_per_gpu_hour": 0.000000000, "operations_usd_per_gpu_hour": 0.000000000, "busy_energy_usd_per_gpu_hour": 0.095550000, "idle_energy_usd_per_gpu_hour": 0.095550000, "usd_per_busy_gpu_hour": 0.808531976, "usd_per_gpu_hour_used": 9.2734}
> }
$ gpuledger export --ledger "$TMP/s.sqlite" --run 4 --format focus --focus-version 1.2 | grep -c ,
> 24
$ gpuledger export --ledger "$TMP/s.sqlite" --run 4 --format focus --focus-version 1.2 | grep 'on demand' | head -2
> ,1024.000000,gpuledger,gpuledger replay of deepseek-v3-r1,Replay,USD,2025-02-01T00:00:00Z,2025-01-01T00:00:00Z,,,Usage,,provisioning GPU time of job v3-pretrain rented on demand,Usage-Based,2025-01-01T00:15:00Z,2025-01-01T00:00:00Z,,,,,,,,512.000000,GPU-Hours,1024.000000000000000000,2.000000000,1024.000000,runs/4/2025-01,GPU cloud (on-demand),1024.000000000000000000,2.000000000,Standard,USD,2.000000000,1024.000000,2.000000000,512.000000000,GPU-Hours,GPU cloud (on-demand),GPU cloud (on-demand),,,runs/4/jobs/v3-pretrain,v3-pretrain,GPU job,AI and Machine Learning,H800 GPU cluster,Generative AI,H800,GPU time,,H800/on-demand/2.000000000,,,,,4,"own half, burst",on-demand,v3-pretrain,pretrain,DeepSeek-V3,provisioning,1843200
> ,3046400.000000,gpuledger,gpuledger replay of deepseek-v3-r1,Replay,USD,2025-02-01T00:00:00Z,2025-01-01T00:00:00Z,,,Usage,,productive GPU time of job v3-pretrain rented on demand,Usage-Based,2025-02-01T00:00:00Z,2025-01-01T00:15:00Z,,,,,,,,1523200.000000,GPU-Hours,3046400.000000000000000000,2.000000000,3046400.000000,runs/4/2025-01,GPU cloud (on-demand),3046400.000000000000000000,2.000000000,Standard,USD,2.000000000,3046400.000000,2.000000000,1523200.000000000,GPU-Hours,GPU cloud (on-demand),GPU cloud (on-demand),,,runs/4/jobs/v3-pretrain,v3-pretrain,GPU job,AI and Machine Learning,H800 GPU cluster,Generative AI,H800,GPU time,,H800/on-demand/2.000000000,,,,,4,"own half, burst",on-demand,v3-pretrain,pretrain,DeepSeek-V3,productive,5483520000
$ printf 'strategies { name: "reserve a year" committed: "reserved" committed_share_of_peak: 1 committed_pricing: "reserved-1y" term_years: 1 }\n' > "$TMP/year.textproto"
$ gpuledger compare traces/deepseek-v3-r1.textproto --strategies "$TMP/year.textproto" --ledger "$TMP/y.sqlite"
> compare: deepseek-v3-r1 (2,048 H800 planned), 1 strategies, fcfs
>
> strategy        capacity            total USD  USD/productive GPU-h  amortized USD  capital USD  utilization  makespan d  break-even util.  break-even months  pretrain done d  context_extension done d  sft done d  rl done d  data done d
> reserve a year  reserved 2,048  26,929,152.00                9.1752  26,929,152.00            -       86.94%       68.68            75.00%                  -            54.20                     56.62       56.72      68.68        65.35
>
> total USD: what each strategy pays over its horizon (its replay, or --horizon: 68.68 days at most), committed capacity whether used or not;
> amortized USD: owned capacity charged only for the GPU-hours the plan used;
> break-even util.: the utilization of committed GPUs at which they cost what renting on demand does;
> break-even months: months of use, at this utilization, after which owning has cost less cash than renting.
> ledger $TMP/y.sqlite: one run per strategy and comparison 1; gpuledger report --ledger $TMP/y.sqlite --run ID --by pool, or --comparison 1
$ gpuledger report --ledger "$TMP/y.sqlite" --run 1 --by category
> run 1  deepseek-v3-r1  (complete, fcfs, seed 0)
> cluster: 256 nodes x 8 H800 = 2,048 GPUs; simulated window 68.68 days (5,934,378 s)
>
> category         GPU-hours    rental USD   strategy USD  start day  end day
> productive    2,935,001.17  5,870,002.35   4,402,501.76       0.00    68.68
> ---------------------------------------------------------------------------
> all jobs      2,935,001.17  5,870,002.35   4,402,501.76       0.00    68.68
> idle            441,000.54          0.00     661,500.80       0.00    68.68
> unused term  14,576,766.29          0.00  21,865,149.44      68.68   365.25
> ---------------------------------------------------------------------------
> total        17,952,768.00  5,870,002.35  26,929,152.00       0.00   365.25
>
> rental: $2.0000 per GPU-hour held by a job; idle capacity costs a renter nothing
> strategy "reserve a year": the cluster is reserved; strategy USD prices each entry by its pool: on-demand at $2.0000 per GPU-hour, reserved at $1.5000 per GPU-hour used or not
> strategy "reserve a year": $26,929,152.00 = reserved cluster $26,929,152.00 (idle included) + on-demand $0.00 (0.00 GPU-hours)
>
> schedule (fcfs):
> jobs: 6 done, 0 skipped
> makespan: 5934378 s (68.68 days)
> wait (ready to start): mean 1465.0 s, median 0.0 s, 95th percentile 8790 s; before that, waiting on dependencies: mean 4287305.7 s (49.62 days)
> bounded slowdown (10 s): mean 1.002
> utilization: 86.94%
> preemptions: 0, lost work 0 GPU-seconds
$ gpuledger export --ledger "$TMP/y.sqlite" --run 1 --format focus --focus-version 1.2 | grep -E 'Unused|after the replay'
> ,0.000000,gpuledger,gpuledger replay of deepseek-v3-r1,Replay,USD,2025-03-01T00:00:00Z,2025-02-01T00:00:00Z,,,Usage,,idle reserved capacity,Usage-Based,2025-03-01T00:00:00Z,2025-02-26T17:19:43Z,Usage,runs/1/reservation,reserved capacity,83975.253333334,Unused,Reserved capacity,GPU-Hours,,,125962.880000001000000000,1.500000000,125962.880000,runs/1/2025-02,GPU cloud (reserved),167950.506666668000000000,2.000000000,Committed,USD,1.500000000,125962.880000,2.000000000,83975.253333334,GPU-Hours,GPU cloud (reserved),GPU cloud (reserved),,,runs/1/reservation,cluster,GPU cluster,AI and Machine Learning,H800 GPU cluster,Generative AI,H800,GPU time,,H800/reserved/1.500000000,,,,,1,reserve a year,reserved,,,,idle,302310912
> ,0.000000,gpuledger,gpuledger replay of deepseek-v3-r1,Replay,USD,2025-04-01T00:00:00Z,2025-03-01T00:00:00Z,,,Usage,,idle reserved capacity,Usage-Based,2025-03-06T22:35:39Z,2025-03-01T00:00:00Z,Usage,runs/1/reservation,reserved capacity,219024.640000000,Unused,Reserved capacity,GPU-Hours,,,328536.960000000000000000,1.500000000,328536.960000,runs/1/2025-03,GPU cloud (reserved),438049.280000000000000000,2.000000000,Committed,USD,1.500000000,328536.960000,2.000000000,219024.640000000,GPU-Hours,GPU cloud (reserved),GPU cloud (reserved),,,runs/1/reservation,cluster,GPU cluster,AI and Machine Learning,H800 GPU cluster,Generative AI,H800,GPU time,,H800/reserved/1.500000000,,,,,1,reserve a year,reserved,,,,idle,788488704
> ,0.000000,gpuledger,gpuledger replay of deepseek-v3-r1,Replay,USD,2025-04-01T00:00:00Z,2025-03-01T00:00:00Z,,,Usage,,idle reserved capacity,Usage-Based,2025-03-07T08:21:36Z,2025-03-06T22:35:39Z,Usage,runs/1/reservation,reserved capacity,15000.320000000,Unused,Reserved capacity,GPU-Hours,,,22500.480000000000000000,1.500000000,22500.480000,runs/1/2025-03,GPU cloud (reserved),30000.640000000000000000,2.000000000,Committed,USD,1.500000000,22500.480000,2.000000000,15000.320000000,GPU-Hours,GPU cloud (reserved),GPU cloud (reserved),,,runs/1/reservation,cluster,GPU cluster,AI and Machine Learning,H800 GPU cluster,Generative AI,H800,GPU time,,H800/reserved/1.500000000,,,,,1,reserve a year,reserved,,,,idle,54001152
> ,0.000000,gpuledger,gpuledger replay of deepseek-v3-r1,Replay,USD,2025-04-01T00:00:00Z,2025-03-01T00:00:00Z,,,Usage,,idle reserved capacity,Usage-Based,2025-03-10T16:26:18Z,2025-03-07T08:21:36Z,Usage,runs/1/reservation,reserved capacity,123000.320000000,Unused,Reserved capacity,GPU-Hours,,,184500.480000000000000000,1.500000000,184500.480000,runs/1/2025-03,GPU cloud (reserved),246000.640000000000000000,2.000000000,Committed,USD,1.500000000,184500.480000,2.000000000,123000.320000000,GPU-Hours,GPU cloud (reserved),GPU cloud (reserved),,,runs/1/reservation,cluster,GPU cluster,AI and Machine Learning,H800 GPU cluster,Generative AI,H800,GPU time,,H800/reserved/1.500000000,,,,,1,reserve a year,reserved,,,,idle,442801152
> ,0.000000,gpuledger,gpuledger replay of deepseek-v3-r1,Replay,USD,2025-04-01T00:00:00Z,2025-03-01T00:00:00Z,,,Usage,,"reserved capacity after the replay, unused",Usage-Based,2025-04-01T00:00:00Z,2025-03-10T16:26:18Z,Usage,runs/1/reservation,,1047678.293333333,Unused,Reserved capacity,GPU-Hours,,,1571517.439999999500000000,1.500000000,1571517.440000,runs/1/2025-03,GPU cloud (reserved),2095356.586666666000000000,2.000000000,Committed,USD,1.500000000,1571517.440000,2.000000000,1047678.293333333,GPU-Hours,GPU cloud (reserved),GPU cloud (reserved),,,runs/1/reservation,cluster,GPU cluster,AI and Machine Learning,H800 GPU cluster,Generative AI,H800,GPU time,,H800/reserved/1.500000000,,,,,1,reserve a year,reserved,,,,idle,3771641856
> ,0.000000,gpuledger,gpuledger replay of deepseek-v3-r1,Replay,USD,2025-05-01T00:00:00Z,2025-04-01T00:00:00Z,,,Usage,,"reserved capacity after the replay, unused",Usage-Based,2025-05-01T00:00:00Z,2025-04-01T00:00:00Z,Usage,runs/1/reservation,,1474560.000000000,Unused,Reserved capacity,GPU-Hours,,,2211840.000000000000000000,1.500000000,2211840.000000,runs/1/2025-04,GPU cloud (reserved),2949120.000000000000000000,2.000000000,Committed,USD,1.500000000,2211840.000000,2.000000000,1474560.000000000,GPU-Hours,GPU cloud (reserved),GPU cloud (reserved),,,runs/1/reservation,cluster,GPU cluster,AI and Machine Learning,H800 GPU cluster,Generative AI,H800,GPU time,,H800/reserved/1.500000000,,,,,1,reserve a year,reserved,,,,idle,5308416000
> ,0.000000,gpuledger,gpuledger replay of deepseek-v3-r1,Replay,USD,2025-06-01T00:00:00Z,2025-05-01T00:00:00Z,,,Usage,,"reserved capacity after the replay, unused",Usage-Based,2025-06-01T00:00:00Z,2025-05-01T00:00:00Z,Usage,runs/1/reservation,,1523712.000000000,Unused,Reserved capacity,GPU-Hours,,,2285568.000000000000000000,1.500000000,2285568.000000,runs/1/2025-05,GPU cloud (reserved),3047424.000000000000000000,2.000000000,Committed,USD,1.500000000,2285568.000000,2.000000000,1523712.000000000,GPU-Hours,GPU cloud (reserved),GPU cloud (reserved),,,runs/1/reservation,cluster,GPU cluster,AI and Machine Learning,H800 GPU cluster,Generative AI,H800,GPU time,,H800/reserved/1.500000000,,,,,1,reserve a year,reserved,,,,idle,5485363200
> ,0.000000,gpuledger,gpuledger replay of deepseek-v3-r1,Replay,USD,2025-07-01T00:00:00Z,2025-06-01T00:00:00Z,,,Usage,,"reserved capacity after the replay, unused",Usage-Based,2025-07-01T00:00:00Z,2025-06-01T00:00:00Z,Usage,runs/1/reservation,,1474560.000000000,Unused,Reserved capacity,GPU-Hours,,,2211840.000000000000000000,1.500000000,2211840.000000,runs/1/2025-06,GPU cloud (reserved),2949120.000000000000000000,2.000000000,Committed,USD,1.500000000,2211840.000000,2.000000000,1474560.000000000,GPU-Hours,GPU cloud (reserved),GPU cloud (reserved),,,runs/1/reservation,cluster,GPU cluster,AI and Machine Learning,H800 GPU cluster,Generative AI,H800,GPU time,,H800/reserved/1.500000000,,,,,1,reserve a year,reserved,,,,idle,5308416000
> ,0.000000,gpuledger,gpuledger replay of deepseek-v3-r1,Replay,USD,2025-08-01T00:00:00Z,2025-07-01T00:00:00Z,,,Usage,,"reserved capacity after the replay, unused",Usage-Based,2025-08-01T00:00:00Z,2025-07-01T00:00:00Z,Usage,runs/1/reservation,,1523712.000000000,Unused,Reserved capacity,GPU-Hours,,,2285568.000000000000000000,1.500000000,2285568.000000,runs/1/2025-07,GPU cloud (reserved),3047424.000000000000000000,2.000000000,Committed,USD,1.500000000,2285568.000000,2.000000000,1523712.000000000,GPU-Hours,GPU cloud (reserved),GPU cloud (reserved),,,runs/1/reservation,cluster,GPU cluster,AI and Machine Learning,H800 GPU cluster,Generative AI,H800,GPU time,,H800/reserved/1.500000000,,,,,1,reserve a year,reserved,,,,idle,5485363200
> ,0.000000,gpuledger,gpuledger replay of deepseek-v3-r1,Replay,USD,2025-09-01T00:00:00Z,2025-08-01T00:00:00Z,,,Usage,,"reserved capacity after the replay, unused",Usage-Based,2025-09-01T00:00:00Z,2025-08-01T00:00:00Z,Usage,runs/1/reservation,,1523712.000000000,Unused,Reserved capacity,GPU-Hours,,,2285568.000000000000000000,1.500000000,2285568.000000,runs/1/2025-08,GPU cloud (reserved),3047424.000000000000000000,2.000000000,Committed,USD,1.500000000,2285568.000000,2.000000000,1523712.000000000,GPU-Hours,GPU cloud (reserved),GPU cloud (reserved),,,runs/1/reservation,cluster,GPU cluster,AI and Machine Learning,H800 GPU cluster,Generative AI,H800,GPU time,,H800/reserved/1.500000000,,,,,1,reserve a year,reserved,,,,idle,5485363200
> ,0.000000,gpuledger,gpuledger replay of deepseek-v3-r1,Replay,USD,2025-10-01T00:00:00Z,2025-09-01T00:00:00Z,,,Usage,,"reserved capacity after the replay, unused",Usage-Based,2025-10-01T00:00:00Z,2025-09-01T00:00:00Z,Usage,runs/1/reservation,,1474560.000000000,Unused,Reserved capacity,GPU-Hours,,,2211840.000000000000000000,1.500000000,2211840.000000,runs/1/2025-09,GPU cloud (reserved),2949120.000000000000000000,2.000000000,Committed,USD,1.500000000,2211840.000000,2.000000000,1474560.000000000,GPU-Hours,GPU cloud (reserved),GPU cloud (reserved),,,runs/1/reservation,cluster,GPU cluster,AI and Machine Learning,H800 GPU cluster,Generative AI,H800,GPU time,,H800/reserved/1.500000000,,,,,1,reserve a year,reserved,,,,idle,5308416000
> ,0.000000,gpuledger,gpuledger replay of deepseek-v3-r1,Replay,USD,2025-11-01T00:00:00Z,2025-10-01T00:00:00Z,,,Usage,,"reserved capacity after the replay, unused",Usage-Based,2025-11-01T00:00:00Z,2025-10-01T00:00:00Z,Usage,runs/1/reservation,,1523712.000000000,Unused,Reserved capacity,GPU-Hours,,,2285568.000000000000000000,1.500000000,2285568.000000,runs/1/2025-10,GPU cloud (reserved),3047424.000000000000000000,2.000000000,Committed,USD,1.500000000,2285568.000000,2.000000000,1523712.000000000,GPU-Hours,GPU cloud (reserved),GPU cloud (reserved),,,runs/1/reservation,cluster,GPU cluster,AI and Machine Learning,H800 GPU cluster,Generative AI,H800,GPU time,,H800/reserved/1.500000000,,,,,1,reserve a year,reserved,,,,idle,5485363200
> ,0.000000,gpuledger,gpuledger replay of deepseek-v3-r1,Replay,USD,2025-12-01T00:00:00Z,2025-11-01T00:00:00Z,,,Usage,,"reserved capacity after the replay, unused",Usage-Based,2025-12-01T00:00:00Z,2025-11-01T00:00:00Z,Usage,runs/1/reservation,,1474560.000000000,Unused,Reserved capacity,GPU-Hours,,,2211840.000000000000000000,1.500000000,2211840.000000,runs/1/2025-11,GPU cloud (reserved),2949120.000000000000000000,2.000000000,Committed,USD,1.500000000,2211840.000000,2.000000000,1474560.000000000,GPU-Hours,GPU cloud (reserved),GPU cloud (reserved),,,runs/1/reservation,cluster,GPU cluster,AI and Machine Learning,H800 GPU cluster,Generative AI,H800,GPU time,,H800/reserved/1.500000000,,,,,1,reserve a year,reserved,,,,idle,5308416000
> ,0.000000,gpuledger,gpuledger replay of deepseek-v3-r1,Replay,USD,2026-01-01T00:00:00Z,2025-12-01T00:00:00Z,,,Usage,,"reserved capacity after the replay, unused",Usage-Based,2026-01-01T00:00:00Z,2025-12-01T00:00:00Z,Usage,runs/1/reservation,,1523712.000000000,Unused,Reserved capacity,GPU-Hours,,,2285568.000000000000000000,1.500000000,2285568.000000,runs/1/2025-12,GPU cloud (reserved),3047424.000000000000000000,2.000000000,Committed,USD,1.500000000,2285568.000000,2.000000000,1523712.000000000,GPU-Hours,GPU cloud (reserved),GPU cloud (reserved),,,runs/1/reservation,cluster,GPU cluster,AI and Machine Learning,H800 GPU cluster,Generative AI,H800,GPU time,,H800/reserved/1.500000000,,,,,1,reserve a year,reserved,,,,idle,5485363200
> ,0.000000,gpuledger,gpuledger replay of deepseek-v3-r1,Replay,USD,2026-02-01T00:00:00Z,2026-01-01T00:00:00Z,,,Usage,,"reserved capacity after the replay, unused",Usage-Based,2026-01-01T06:00:00Z,2026-01-01T00:00:00Z,Usage,runs/1/reservation,,12288.000000000,Unused,Reserved capacity,GPU-Hours,,,18432.000000000000000000,1.500000000,18432.000000,runs/1/2026-01,GPU cloud (reserved),24576.000000000000000000,2.000000000,Committed,USD,1.500000000,18432.000000,2.000000000,12288.000000000,GPU-Hours,GPU cloud (reserved),GPU cloud (reserved),,,runs/1/reservation,cluster,GPU cluster,AI and Machine Learning,H800 GPU cluster,Generative AI,H800,GPU time,,H800/reserved/1.500000000,,,,,1,reserve a year,reserved,,,,idle,44236800
# In FOCUS 1.3 the year's reservation is a contract commitment: one term,
# billed in full although the replay used 68.68 days of it.
$ gpuledger export --ledger "$TMP/y.sqlite" --run 1 --dataset contract-commitment
> BillingCurrency,ContractCommitmentCategory,ContractCommitmentCost,ContractCommitmentDescription,ContractCommitmentId,ContractCommitmentPeriodEnd,ContractCommitmentPeriodStart,ContractCommitmentQuantity,ContractCommitmentType,ContractCommitmentUnit,ContractId,ContractPeriodEnd,ContractPeriodStart,x_RunId,x_Strategy,x_Gpus,x_UsdPerGpuHour,x_GpuSeconds
> USD,Usage,26929152.000000,"Reservation of 2048 H800 GPUs, term 1 of 1 (365.25 days), at the rate in force when the term began",runs/1/reservation/term-1,2026-01-01T06:00:00Z,2025-01-01T00:00:00Z,17952768.000000,Reserved capacity,GPU-Hours,runs/1/reservation,2026-01-01T06:00:00Z,2025-01-01T00:00:00Z,1,reserve a year,2048,1.500000000,64629964800
