# Asking a server (docs/api.md): every `query` against a ledger with a run
# and a group; the reports equal `gpuledger report`'s.
$ gpuledger replay traces/deepseek-v3-r1.textproto --ledger "$TMP/l.sqlite" >/dev/null
$ gpuledger replay traces/llama4.textproto --seeds 3 --threads 1 --ledger "$TMP/l.sqlite" >/dev/null
$& gpuledger serve --ledger "$TMP/l.sqlite" --listen 127.0.0.1:0
> listening on $SERVER
$ gpuledger query --server "$SERVER" runs
> run  plan            state     policy  seed  gpu_model   gpus  sim_start_seconds  sim_end_seconds  wall_start            wall_end
>   1  deepseek-v3-r1  complete  fcfs       0  H800        2048                  0          5934378  2026-01-01T00:00:00Z  2026-01-01T00:00:00Z
>   2  llama4          complete  fcfs       0  H100       16384                  0          2197266  2026-01-01T00:00:00Z  2026-01-01T00:00:00Z
>   3  llama4          complete  fcfs       1  H100       16384                  0          2197266  2026-01-01T00:00:00Z  2026-01-01T00:00:00Z
>   4  llama4          complete  fcfs       2  H100       16384                  0          2197266  2026-01-01T00:00:00Z  2026-01-01T00:00:00Z
$ gpuledger query --server "$SERVER" runs --format csv
> run,plan,state,policy,seed,gpu_model,gpus,sim_start_seconds,sim_end_seconds,wall_start,wall_end
> 1,deepseek-v3-r1,complete,fcfs,0,H800,2048,0,5934378,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z
> 2,llama4,complete,fcfs,0,H100,16384,0,2197266,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z
> 3,llama4,complete,fcfs,1,H100,16384,0,2197266,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z
> 4,llama4,complete,fcfs,2,H100,16384,0,2197266,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z
$ gpuledger query --server "$SERVER" runs --group 1 --format json
> [
>   {"run": 2, "plan": "llama4", "state": "complete", "policy": "fcfs", "seed": 0, "gpu_model": "H100", "gpus": 16384, "sim_start_seconds": 0, "sim_end_seconds": 2197266, "wall_start": "2026-01-01T00:00:00Z", "wall_end": "2026-01-01T00:00:00Z"},
>   {"run": 3, "plan": "llama4", "state": "complete", "policy": "fcfs", "seed": 1, "gpu_model": "H100", "gpus": 16384, "sim_start_seconds": 0, "sim_end_seconds": 2197266, "wall_start": "2026-01-01T00:00:00Z", "wall_end": "2026-01-01T00:00:00Z"},
>   {"run": 4, "plan": "llama4", "state": "complete", "policy": "fcfs", "seed": 2, "gpu_model": "H100", "gpus": 16384, "sim_start_seconds": 0, "sim_end_seconds": 2197266, "wall_start": "2026-01-01T00:00:00Z", "wall_end": "2026-01-01T00:00:00Z"}
> ]
$ gpuledger query --server "$SERVER" jobs --run 1
> job                   phase              project      gpus  priority  submit_seconds  run_seconds  start_seconds  end_seconds
> v3-pretrain           pretrain           DeepSeek-V3  2048         0               0      4682813              0      4682813
> v3-context-extension  context_extension  DeepSeek-V3  2048         0               0       209180        4682813      4891993
> v3-post-training      sft                DeepSeek-V3  2048         0               0         8790        4891993      4900783
> r1-zero               rl                 DeepSeek-R1   512         0               0       710156        4900783      5610939
> r1-sft-data           data               DeepSeek-R1   512         0               0        35157        5610939      5646096
> r1                    rl                 DeepSeek-R1   512         0               0       288282        5646096      5934378
$ gpuledger query --server "$SERVER" usage --run 1 --job r1 --format json
> [
>   {"entry": 9, "job": "r1", "phase": "rl", "category": "productive", "start_seconds": 5646096, "end_seconds": 5934378, "gpus": 512, "gpu_seconds": 147600384}
> ]
$ gpuledger query --server "$SERVER" usage --run 1 --category idle --from 0 --to 5000000
> entry  job  phase  category  start_seconds  end_seconds  gpus  gpu_seconds
>     4              idle            4900783      5610939  1536   1090799616
$ gpuledger query --server "$SERVER" report --run 1 --by project --format csv
> group,gpu_hours,rental_usd,owned_usd,gpu_seconds,start_seconds,end_seconds
> DeepSeek-V3,2788000.995556,5576001.991111,2254187.954027,10036803584,0,4900783
> DeepSeek-R1,147000.177777,294000.355556,118854.344211,529200640,4900783,5934378
> idle,441000.533334,0.000000,356563.032633,1587601920,0,5934378
> total,3376001.706667,5870002.346667,2729605.330871,12153606144,0,5934378
$ gpuledger report --ledger "$TMP/l.sqlite" --run 1 --by project --format csv
> group,gpu_hours,rental_usd,owned_usd,gpu_seconds,start_seconds,end_seconds
> DeepSeek-V3,2788000.995556,5576001.991111,2254187.954027,10036803584,0,4900783
> DeepSeek-R1,147000.177777,294000.355556,118854.344211,529200640,4900783,5934378
> idle,441000.533334,0.000000,356563.032633,1587601920,0,5934378
> total,3376001.706667,5870002.346667,2729605.330871,12153606144,0,5934378
$ gpuledger query --server "$SERVER" report --run 1 --rental-usd 2.50 --view rental
> run 1  deepseek-v3-r1  (complete, fcfs, seed 0)
> cluster: 256 nodes x 8 H800 = 2,048 GPUs; simulated window 68.68 days (5,934,378 s)
>
> job                      GPU-hours    rental USD  start day  end day
> v3-pretrain           2,664,000.28  6,660,000.71       0.00    54.20
> v3-context-extension    119,000.18    297,500.44      54.20    56.62
> v3-post-training          5,000.54     12,501.33      56.62    56.72
> r1-zero                 100,999.96    252,499.91      56.72    64.94
> r1-sft-data               5,000.11     12,500.27      64.94    65.35
> r1                       41,000.10    102,500.27      65.35    68.68
> --------------------------------------------------------------------
> all jobs              2,935,001.17  7,337,502.93       0.00    68.68
> idle                    441,000.54          0.00       0.00    68.68
> --------------------------------------------------------------------
> total                 3,376,001.71  7,337,502.93       0.00    68.68
>
> rental: $2.5000 per GPU-hour held by a job; idle capacity costs a renter nothing
>
> schedule (fcfs):
> jobs: 6 done, 0 skipped
> makespan: 5934378 s (68.68 days)
> wait (ready to start): mean 1465.0 s, median 0.0 s, 95th percentile 8790 s; before that, waiting on dependencies: mean 4287305.7 s (49.62 days)
> bounded slowdown (10 s): mean 1.002
> utilization: 86.94%
> preemptions: 0, lost work 0 GPU-seconds
$ gpuledger query --server "$SERVER" report --run 2 --by category --format json
> {
>   "run": {"id": 2, "plan": "llama4", "plan_sha256": "6da09600dc19d24df5cf0aa3310f20444022d064e4998fdf255a95157507d2ed", "status": "complete", "policy": "fcfs", "seed": 0, "gpu_model": "H100", "gpus": 16384, "jobs": 2, "sim_start_seconds": 0, "sim_end_seconds": 2197266, "wall_start": "2026-01-01T00:00:00Z", "wall_end": "2026-01-01T00:00:00Z"},
>   "metrics": {"jobs_done": 2, "jobs_skipped": 0, "skipped_by_reason": {}, "makespan_seconds": 2197266, "wait_mean_seconds": 0.000, "wait_median_seconds": 0.0, "wait_p95_seconds": 0, "dependency_wait_mean_seconds": 0.0, "bounded_slowdown_mean": 1.000000, "utilization": 0.738000, "preemptions": 0, "lost_gpu_seconds": 0, "interruptions": 0, "planned_interruptions": 0, "interruptions_per_window": 0.000, "interruption_window_days": 0, "goodput": 1.000000, "checkpoint_gpu_seconds": 0, "restart_gpu_seconds": 0},
>   "group_by": "category",
>   "rows": [
>     {"group": "productive", "gpu_seconds": 26568007680, "gpu_hours": 7380002.133333, "rental_usd": 14760004.266667, "rental_micro_usd": 14760004266667, "owned_usd": 5966967.707748, "owned_micro_usd": 5966967707748, "start_seconds": 0, "end_seconds": 2197266},
>     {"group": "idle", "gpu_seconds": 9431998464, "gpu_hours": 2619999.573333, "rental_usd": 0.000000, "rental_micro_usd": 0, "owned_usd": 2118353.432147, "owned_micro_usd": 2118353432147, "start_seconds": 0, "end_seconds": 2197266}
>   ],
>   "jobs_total": {"group": "all jobs", "gpu_seconds": 26568007680, "gpu_hours": 7380002.133333, "rental_usd": 14760004.266667, "rental_micro_usd": 14760004266667, "owned_usd": 5966967.707748, "owned_micro_usd": 5966967707748, "start_seconds": 0, "end_seconds": 2197266},
>   "total": {"group": "total", "gpu_seconds": 36000006144, "gpu_hours": 10000001.706667, "rental_usd": 14760004.266667, "rental_micro_usd": 14760004266667, "owned_usd": 8085321.139895, "owned_micro_usd": 8085321139895, "start_seconds": 0, "end_seconds": 2197266},
>   "rental": {"usd_per_gpu_hour": 2.000000000},
>   "owned": {"capital_usd": 409600000.000000, "depreciation_usd_per_gpu_hour": 0.712981976, "financing_usd_per_gpu_hour": 0.000000000, "operations_usd_per_gpu_hour": 0.000000000, "busy_energy_usd_per_gpu_hour": 0.095550000, "idle_energy_usd_per_gpu_hour": 0.095550000, "usd_per_busy_gpu_hour": 0.808531976, "usd_per_gpu_hour_used": 1.0956}
> }
$ gpuledger query --server "$SERVER" group --group 1 --format csv
> figure,mean,p5,p95
> gpu_hours,7380002.133333,7380002.133333,7380002.133333
> rental_usd,14760004.266667,14760004.266667,14760004.266667
> owned_usd,8085321.139895,8085321.139895,8085321.139895
> interruptions,0.000000,0.000000,0.000000
> planned_interruptions,0.000000,0.000000,0.000000
> goodput,1.000000,1.000000,1.000000
> makespan_days,25.431319,25.431319,25.431319
> wall_clock_days:llama4-scout,25.431319,25.431319,25.431319
> wall_clock_days:llama4-maverick,12.105313,12.105313,12.105313
$ gpuledger report --ledger "$TMP/l.sqlite" --group 1 --format csv
> figure,mean,p5,p95
> gpu_hours,7380002.133333,7380002.133333,7380002.133333
> rental_usd,14760004.266667,14760004.266667,14760004.266667
> owned_usd,8085321.139895,8085321.139895,8085321.139895
> interruptions,0.000000,0.000000,0.000000
> planned_interruptions,0.000000,0.000000,0.000000
> goodput,1.000000,1.000000,1.000000
> makespan_days,25.431319,25.431319,25.431319
> wall_clock_days:llama4-scout,25.431319,25.431319,25.431319
> wall_clock_days:llama4-maverick,12.105313,12.105313,12.105313
$ gpuledger query --server "$SERVER" usage --run 1 --phase context_extension
> entry  job                   phase              category    start_seconds  end_seconds  gpus  gpu_seconds
>     2  v3-context-extension  context_extension  productive        4682813      4891993  2048    428400640
$ gpuledger query --server "$SERVER" report --run 99
2> gpuledger: server: no run 99 in the ledger
? 2
$ gpuledger query --server 127.0.0.1:1 runs --timeout 2
2> gpuledger: server: failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:1: Failed to connect to remote host: Connection refused
? 2
