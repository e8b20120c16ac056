# Rent versus buy (docs/compare.md): default strategies, a sweep of owned
# sizes, a horizon, CSV, and runs kept in a ledger.
$ gpuledger compare traces/deepseek-v3-r1.textproto
> compare: deepseek-v3-r1 (2,048 H800 planned), 5 strategies, fcfs
>
> strategy               capacity                    total USD  USD/productive GPU-h  amortized USD    capital USD  utilization  makespan d  break-even util.  break-even months  pretrain done d  context_extension done d  sft done d  rl done d  data done d
> all on-demand          on-demand                5,870,002.35                2.0000   5,870,002.35              -            -       68.58                 -                  -            54.20                     56.62       56.72      68.58        65.25
> reserved for the plan  reserved 2,048           5,064,002.56                1.7254   5,064,002.56              -       86.94%       68.68            75.00%                  -            54.20                     56.62       56.72      68.68        65.35
> own the peak           owned 2,048              2,729,605.33                0.9300   2,373,042.30  51,200,000.00       86.94%       68.68            40.43%               20.8            54.20                     56.62       56.72      68.68        65.35
> own half, burst        owned 1,024 + on-demand  6,942,269.08                2.3653   5,697,928.34  25,600,000.00        8.72%       68.60            40.43%              434.2            54.21                     56.64       56.75      68.60        65.27
> own half, queue        owned 1,024              2,491,896.64                0.8490   2,373,042.30  25,600,000.00       95.23%      125.41            40.43%               18.9           108.40                    113.24      113.44     125.41       122.07
>
> total USD: what each strategy pays over its horizon (its replay, or --horizon: 125.41 days at most), committed capacity whether used or not;
> amortized USD: owned capacity charged only for the GPU-hours the plan used;
> break-even util.: the utilization of committed GPUs at which they cost what renting on demand does;
> break-even months: months of use, at this utilization, after which owning has cost less cash than renting.
> own half, queue: 3 jobs ran on fewer GPUs than planned, for longer (same GPU-hours)
> runs not kept: give --ledger FILE to keep one run per strategy
$ gpuledger compare traces/deepseek-v3-r1.textproto --own-sizes 512,1024,2048,4096 --format csv
> strategy,committed,committed_gpus,on_demand,total_usd,usd_per_productive_gpu_hour,amortized_usd,on_demand_usd,committed_usd,capital_usd,committed_utilization,makespan_days,horizon_days,breakeven_utilization,breakeven_months,resized_jobs,run,finish_days_pretrain,finish_days_context_extension,finish_days_sft,finish_days_rl,finish_days_data
> own 512,owned,512,no,2373042.30,0.808532,2373042.30,0.00,2373042.30,12800000.00,1.000000,238.8510,238.8510,0.404266,17.970,3,1,216.7969,226.4812,226.8881,238.8510,235.5144
> own 1024,owned,1024,no,2491896.64,0.849027,2373042.30,0.00,2491896.64,25600000.00,0.952304,125.4070,125.4070,0.404266,18.918,3,2,108.3984,113.2406,113.4441,125.4070,122.0704
> own 2048,owned,2048,no,2729605.33,0.930018,2373042.30,0.00,2729605.33,51200000.00,0.869372,68.6849,68.6849,0.404266,20.827,0,3,54.1992,56.6203,56.7220,68.6849,65.3483
> own 4096,owned,4096,no,5451124.48,1.857282,2373042.30,0.00,5451124.48,102400000.00,0.435331,68.5832,68.5832,0.404266,44.153,0,4,54.1992,56.6203,56.7220,68.5832,65.2466
$ gpuledger compare traces/deepseek-v3-r1.textproto --own-sizes 1024,2048
> compare: deepseek-v3-r1 (2,048 H800 planned), 2 strategies, fcfs
>
> strategy  capacity        total USD  USD/productive GPU-h  amortized USD    capital USD  utilization  makespan d  break-even util.  break-even months  pretrain done d  context_extension done d  sft done d  rl done d  data done d
> own 1024  owned 1,024  2,491,896.64                0.8490   2,373,042.30  25,600,000.00       95.23%      125.41            40.43%               18.9           108.40                    113.24      113.44     125.41       122.07
> own 2048  owned 2,048  2,729,605.33                0.9300   2,373,042.30  51,200,000.00       86.94%       68.68            40.43%               20.8            54.20                     56.62       56.72      68.68        65.35
>
> total USD: what each strategy pays over its horizon (its replay, or --horizon: 125.41 days at most), committed capacity whether used or not;
> amortized USD: owned capacity charged only for the GPU-hours the plan used;
> break-even util.: the utilization of committed GPUs at which they cost what renting on demand does;
> break-even months: months of use, at this utilization, after which owning has cost less cash than renting.
> own 1024: 3 jobs ran on fewer GPUs than planned, for longer (same GPU-hours)
> runs not kept: give --ledger FILE to keep one run per strategy
$ gpuledger compare traces/deepseek-v3-r1.textproto --horizon 4y
> compare: deepseek-v3-r1 (2,048 H800 planned), 5 strategies, fcfs
>
> strategy               capacity                      total USD  USD/productive GPU-h   amortized USD    capital USD  utilization  makespan d  break-even util.  break-even months  pretrain done d  context_extension done d  sft done d  rl done d  data done d
> all on-demand          on-demand                  5,870,002.35                2.0000    5,870,002.35              -            -       68.58                 -                  -            54.20                     56.62       56.72      68.58        65.25
> reserved for the plan  reserved 2,048           107,716,608.00               36.7007  107,716,608.00              -        4.09%       68.68            75.00%                  -            54.20                     56.62       56.72      68.68        65.35
> own the peak           owned 2,048               58,061,547.94               19.7825    2,373,042.30  51,200,000.00        4.09%       68.68            40.43%              never            54.20                     56.62       56.72      68.68        65.35
> own half, burst        owned 1,024 + on-demand   34,609,847.96               11.7921    5,697,928.34  25,600,000.00        0.41%       68.60            40.43%              never            54.21                     56.64       56.75      68.60        65.27
> own half, queue        owned 1,024               29,030,773.97                9.8912    2,373,042.30  25,600,000.00        8.17%      125.41            40.43%              503.8           108.40                    113.24      113.44     125.41       122.07
>
> total USD: what each strategy pays over its horizon (its replay, or --horizon: 1461.00 days at most), committed capacity whether used or not;
> amortized USD: owned capacity charged only for the GPU-hours the plan used;
> break-even util.: the utilization of committed GPUs at which they cost what renting on demand does;
> break-even months: months of use, at this utilization, after which owning has cost less cash than renting.
> own half, queue: 3 jobs ran on fewer GPUs than planned, for longer (same GPU-hours)
> runs not kept: give --ledger FILE to keep one run per strategy
$ gpuledger compare traces/deepseek-v3-r1.textproto --strategies traces/strategies/default.textproto --horizon 90d --format csv
> strategy,committed,committed_gpus,on_demand,total_usd,usd_per_productive_gpu_hour,amortized_usd,on_demand_usd,committed_usd,capital_usd,committed_utilization,makespan_days,horizon_days,breakeven_utilization,breakeven_months,resized_jobs,run,finish_days_pretrain,finish_days_context_extension,finish_days_sft,finish_days_rl,finish_days_data
> all on-demand,,0,yes,5870002.35,2.000000,5870002.35,5870002.35,0.00,0.00,0.000000,68.5832,90.0000,,,0,1,54.1992,56.6203,56.7220,68.5832,65.2466
> reserved for the plan,reserved,2048,no,6635520.00,2.260824,6635520.00,0.00,6635520.00,0.00,0.663475,68.6849,90.0000,0.750000,,0,2,54.1992,56.6203,56.7220,68.6849,65.3483
> own the peak,owned,2048,no,3576686.73,1.218632,2373042.30,0.00,3576686.73,51200000.00,0.663475,68.6849,90.0000,0.404266,27.792,0,3,54.1992,56.6203,56.7220,68.6849,65.3483
> "own half, burst",owned,1024,yes,7367417.36,2.510192,5697928.34,5579073.99,1788343.37,25600000.00,0.066461,68.6040,90.0000,0.404266,915.763,0,4,54.2096,56.6411,56.7533,68.6040,65.2674
> "own half, queue",owned,1024,no,2491896.64,0.849027,2373042.30,0.00,2491896.64,25600000.00,0.952304,125.4070,125.4070,0.404266,18.918,3,5,108.3984,113.2406,113.4441,125.4070,122.0704
$ gpuledger compare traces/deepseek-v3-r1-failures.textproto --policy easy --seed 2 --ledger "$TMP/l.sqlite"
> compare: deepseek-v3-r1-failures (2,048 H800 planned), 5 strategies, easy
>
> strategy               capacity                    total USD  USD/productive GPU-h  amortized USD    capital USD  utilization  makespan d  break-even util.  break-even months  pretrain done d  context_extension done d  sft done d  rl done d  data done d
> all on-demand          on-demand                5,948,287.15                2.0267   5,948,287.15              -            -       69.44                 -                  -            54.94                     57.39       57.50      69.44        66.08
> reserved for the plan  reserved 2,048           6,531,419.31                2.2254   6,531,419.31              -       69.59%       88.59            75.00%                  -            73.22                     76.36       76.46      88.59        85.22
> own the peak           owned 2,048              3,520,142.54                1.1994   2,449,880.00  51,200,000.00       69.59%       88.59            40.43%               26.4            73.22                     76.36       76.46      88.59        85.22
> own half, burst        owned 1,024 + on-demand  7,035,730.58                2.3972   5,775,189.85  25,600,000.00        8.68%       69.48            40.43%              438.5            54.95                     57.42       57.53      69.48        66.12
> own half, queue        owned 1,024              2,859,849.72                0.9744   2,425,659.86  25,600,000.00       84.81%      143.94            40.43%               21.4           125.57                    131.18      131.73     143.94       140.58
>
> total USD: what each strategy pays over its horizon (its replay, or --horizon: 143.94 days at most), committed capacity whether used or not;
> amortized USD: owned capacity charged only for the GPU-hours the plan used;
> break-even util.: the utilization of committed GPUs at which they cost what renting on demand does;
> break-even months: months of use, at this utilization, after which owning has cost less cash than renting.
> own half, queue: 3 jobs ran on fewer GPUs than planned, for longer (same GPU-hours)
> ledger $TMP/l.sqlite: one run per strategy and comparison 1; gpuledger report --ledger $TMP/l.sqlite --run ID --by pool, or --comparison 1
$ gpuledger report --ledger "$TMP/l.sqlite" --run 2 --by pool
> run 2  deepseek-v3-r1-failures  (complete, easy, seed 2)
> cluster: 256 nodes x 8 H800 = 2,048 GPUs; simulated window 88.59 days (7,654,007 s)
>
> pool         GPU-hours    rental USD  strategy USD  start day  end day
> reserved  3,030,034.77  6,060,069.55  4,545,052.16       0.00    88.59
> ----------------------------------------------------------------------
> all jobs  3,030,034.77  6,060,069.55  4,545,052.16       0.00    88.59
> idle      1,319,726.77          0.00  1,979,590.15       0.00    88.59
> down          4,518.00          0.00      6,777.00       0.00    88.59
> ----------------------------------------------------------------------
> total     4,354,279.54  6,060,069.55  6,531,419.31       0.00    88.59
>
> rental: $2.0000 per GPU-hour held by a job; idle capacity costs a renter nothing
> strategy "reserved for the plan": the cluster is reserved; strategy USD prices each entry by its pool: on-demand at $2.0000 per GPU-hour, reserved at $1.5000 per GPU-hour used or not
> strategy "reserved for the plan": $6,531,419.31 = reserved cluster $6,531,419.31 (idle included) + on-demand $0.00 (0.00 GPU-hours)
>
> schedule (easy):
> jobs: 6 done, 0 skipped
> makespan: 7654007 s (88.59 days)
> wait (ready to start): mean 1485.0 s, median 0.0 s, 95th percentile 8910 s; before that, waiting on dependencies: mean 5701806.3 s (65.99 days)
> bounded slowdown (10 s): mean 1.002
> utilization: 69.59%
> preemptions: 0, lost work 158814720 GPU-seconds
> interruptions: 64 unexpected, 8 planned (39.0 unexpected per 54 days)
> goodput: 96.86% (checkpoint writes 140912640, restarts 42393600 GPU-seconds)
