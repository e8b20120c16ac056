# A mixed fleet (issue 17): DeepSeek's work on 2,048 H800, then again a year
# later on 1,024 B200 added in September 2025, each pool priced as its model
# (docs/metrics.md, "Mixed clusters, exactly" and "Mixed clusters, priced").
$ gpuledger replay traces/fleet-h800-b200.textproto --ledger "$TMP/l.sqlite" --schedule-out "$TMP/s.csv"
> run 1 complete: fleet-h800-b200, 6 jobs on 2,048 H800 + 1,024 B200 (fcfs, seed 0)
> simulated 420.06 days; 4,218,517.05 GPU-hours used, 20,017,772.66 idle
> rental $11,310,426.01; owned $21,790,233.15 (idle capacity included)
> jobs: 6 done, 0 skipped
> makespan: 36293102 s (420.06 days)
> wait (ready to start): mean 0.0 s, median 0.0 s, 95th percentile 0 s; before that, waiting on dependencies: mean 13511396.7 s (156.38 days)
> bounded slowdown (10 s): mean 1.000
> utilization: 17.41%
> preemptions: 0, lost work 0 GPU-seconds
> ledger $TMP/l.sqlite; details: gpuledger report --ledger $TMP/l.sqlite --run 1
$ cat "$TMP/s.csv"
> job_id,submit,start,end,gpus,pool
> c1-v3-pretrain,0,0,4682813,2048,H800
> c1-v3-context-extension,0,4682813,4891993,2048,H800
> c1-r1-rl,0,4891993,5925587,512,H800
> c2-pretrain,31536000,31536000,35654794,1024,B200
> c2-context-extension,0,35654794,35838780,1024,B200
> c2-rl,0,35838780,36293102,512,B200
$ gpuledger report --ledger "$TMP/l.sqlite" --by model
> run 1  fleet-h800-b200  (complete, fcfs, seed 0)
> cluster: pools H800 256 nodes x 8 = 2,048 GPUs; B200 128 nodes x 8 = 1,024 GPUs, from day 274.00; 3,072 GPUs in all; simulated window 420.06 days (36,293,102 s)
> calendar: 2024-12-01T00:00:00Z to 2026-01-25T01:25:02Z
>
> model         GPU-hours     rental USD      owned USD  start day  end day
> H800       2,930,000.50   5,860,001.00   2,368,999.09       0.00    68.58
> B200       1,288,516.55   5,450,425.01   1,829,522.85     365.00   420.06
> -------------------------------------------------------------------------
> all jobs   4,218,517.05  11,310,426.01   4,198,521.94       0.00   420.06
> idle      20,017,772.66           0.00  17,591,711.21       0.00   420.06
> -------------------------------------------------------------------------
> total     24,236,289.71  11,310,426.01  21,790,233.15       0.00   420.06
>
> pool H800 (H800): 2,930,000.50 GPU-hours used, 17,716,741.97 idle
>   rental: $2.0000 per GPU-hour held by a job; $5,860,001.00
>   owned: capital $51,200,000.00 (2,048 GPUs); $0.8085 per busy GPU-hour (depreciation $0.7130 + operations $0.0000 + energy $0.0956); $16,693,551.49 = $5.6975 per GPU-hour used, idle capacity included
> pool B200 (B200): 1,288,516.55 GPU-hours used, 2,301,030.68 idle
>   rental: $4.2300 per GPU-hour held by a job; $5,450,425.01
>   owned: capital $46,080,000.00 (1,024 GPUs); $1.4199 per busy GPU-hour (depreciation $1.2834 + operations $0.0000 + energy $0.1365); $5,096,681.66 = $3.9555 per GPU-hour used, idle capacity included
> rental: idle capacity costs a renter nothing
> owned: the window's cost $21,790,233.15 over 4,218,517.05 GPU-hours used = $5.1654 per GPU-hour used, idle capacity included
>
> schedule (fcfs):
> jobs: 6 done, 0 skipped
> makespan: 36293102 s (420.06 days)
> wait (ready to start): mean 0.0 s, median 0.0 s, 95th percentile 0 s; before that, waiting on dependencies: mean 13511396.7 s (156.38 days)
> bounded slowdown (10 s): mean 1.000
> utilization: 17.41%
> preemptions: 0, lost work 0 GPU-seconds
$ gpuledger report --ledger "$TMP/l.sqlite" --by project --format csv
> group,gpu_hours,rental_usd,owned_usd,gpu_seconds,start_seconds,end_seconds
> DeepSeek-V3,2783000.462222,5566000.924444,2250144.862929,10018801664,0,4891993
> DeepSeek-R1,147000.035556,294000.071112,118854.229220,529200128,4891993,5925587
> campaign-2,1288516.551111,5450425.011200,1829522.846292,4638659584,31536000,36293102
> idle,20017772.657778,0.000000,17591711.210184,72063981568,0,36293102
> total,24236289.706667,11310426.006756,21790233.148625,87250642944,0,36293102
$ gpuledger report --ledger "$TMP/l.sqlite" --by model --format json
> {
>   "run": {"id": 1, "plan": "fleet-h800-b200", "plan_sha256": "8238e6f22770ea9a675abe8b5390607a4dd2988011a7dad5f16b3c9fce0ced34", "status": "complete", "policy": "fcfs", "seed": 0, "gpu_model": "H800+B200", "gpus": 3072, "jobs": 6, "sim_start_seconds": 0, "sim_end_seconds": 36293102, "wall_start": "2026-01-01T00:00:00Z", "wall_end": "2026-01-01T00:00:00Z", "start_date": "2024-12-01T00:00:00Z"},
>   "metrics": {"jobs_done": 6, "jobs_skipped": 0, "skipped_by_reason": {}, "makespan_seconds": 36293102, "wait_mean_seconds": 0.000, "wait_median_seconds": 0.0, "wait_p95_seconds": 0, "dependency_wait_mean_seconds": 13511396.7, "bounded_slowdown_mean": 1.000000, "utilization": 0.174058, "preemptions": 0, "lost_gpu_seconds": 0, "interruptions": 0, "planned_interruptions": 0, "interruptions_per_window": 0.000, "interruption_window_days": 0, "goodput": 1.000000, "checkpoint_gpu_seconds": 0, "restart_gpu_seconds": 0},
>   "group_by": "model",
>   "rows": [
>     {"group": "H800", "gpu_seconds": 10548001792, "gpu_hours": 2930000.497778, "rental_usd": 5860000.995556, "rental_micro_usd": 5860000995556, "owned_usd": 2368999.092149, "owned_micro_usd": 2368999092149, "start_seconds": 0, "end_seconds": 5925587},
>     {"group": "B200", "gpu_seconds": 4638659584, "gpu_hours": 1288516.551111, "rental_usd": 5450425.011200, "rental_micro_usd": 5450425011200, "owned_usd": 1829522.846292, "owned_micro_usd": 1829522846292, "start_seconds": 31536000, "end_seconds": 36293102},
>     {"group": "idle", "gpu_seconds": 72063981568, "gpu_hours": 20017772.657778, "rental_usd": 0.000000, "rental_micro_usd": 0, "owned_usd": 17591711.210184, "owned_micro_usd": 17591711210184, "start_seconds": 0, "end_seconds": 36293102}
>   ],
>   "jobs_total": {"group": "all jobs", "gpu_seconds": 15186661376, "gpu_hours": 4218517.048889, "rental_usd": 11310426.006756, "rental_micro_usd": 11310426006756, "owned_usd": 4198521.938441, "owned_micro_usd": 4198521938441, "start_seconds": 0, "end_seconds": 36293102},
>   "total": {"group": "total", "gpu_seconds": 87250642944, "gpu_hours": 24236289.706667, "rental_usd": 11310426.006756, "rental_micro_usd": 11310426006756, "owned_usd": 21790233.148625, "owned_micro_usd": 21790233148625, "start_seconds": 0, "end_seconds": 36293102},
>   "pools": [
>     {"name": "H800", "gpu_model": "H800", "gpus": 2048, "available_from_seconds": 0, "retired_at_seconds": null, "busy_gpu_hours": 2930000.497778, "idle_gpu_hours": 17716741.973333, "down_gpu_hours": 0.000000, "rental_usd_per_gpu_hour": 2.000000000, "owned_capital_usd": 51200000.000000, "owned_usd_per_busy_gpu_hour": 0.808531976, "rental_usd": 5860000.995556, "owned_usd": 16693551.488131},
>     {"name": "B200", "gpu_model": "B200", "gpus": 1024, "available_from_seconds": 23673600, "retired_at_seconds": null, "busy_gpu_hours": 1288516.551111, "idle_gpu_hours": 2301030.684444, "down_gpu_hours": 0.000000, "rental_usd_per_gpu_hour": 4.230000000, "owned_capital_usd": 46080000.000000, "owned_usd_per_busy_gpu_hour": 1.419867556, "rental_usd": 5450425.011200, "owned_usd": 5096681.660495}
>   ]
> }
# The same work priced another way: every model's prices under a profile.
$ gpuledger report --ledger "$TMP/l.sqlite" --by model --pricing owned-epoch --view owned
> run 1  fleet-h800-b200  (complete, fcfs, seed 0)
> cluster: pools H800 256 nodes x 8 = 2,048 GPUs; B200 128 nodes x 8 = 1,024 GPUs, from day 274.00; 3,072 GPUs in all; simulated window 420.06 days (36,293,102 s)
> calendar: 2024-12-01T00:00:00Z to 2026-01-25T01:25:02Z
>
> model         GPU-hours      owned USD  start day  end day
> H800       2,930,000.50   2,141,786.12       0.00    68.58
> B200       1,288,516.55     994,650.90     365.00   420.06
> ----------------------------------------------------------
> all jobs   4,218,517.05   3,136,437.02       0.00   420.06
> idle      20,017,772.66  14,726,916.75       0.00   420.06
> ----------------------------------------------------------
> total     24,236,289.71  17,863,353.77       0.00   420.06
>
> pool H800 (H800): 2,930,000.50 GPU-hours used, 17,716,741.97 idle
>   owned: capital $62,976,403.05 (2,048 GPUs); $0.7310 per busy GPU-hour (depreciation $0.6354 + operations $0.0000 + energy $0.0956); $15,092,456.98 = $5.1510 per GPU-hour used, idle capacity included
> pool B200 (B200): 1,288,516.55 GPU-hours used, 2,301,030.68 idle
>   owned: capital $31,488,201.52 (1,024 GPUs); $0.7719 per busy GPU-hour (depreciation $0.6354 + operations $0.0000 + energy $0.1365); $2,770,896.79 = $2.1505 per GPU-hour used, idle capacity included
> owned: the window's cost $17,863,353.77 over 4,218,517.05 GPU-hours used = $4.2345 per GPU-hour used, idle capacity included
>
> schedule (fcfs):
> jobs: 6 done, 0 skipped
> makespan: 36293102 s (420.06 days)
> wait (ready to start): mean 0.0 s, median 0.0 s, 95th percentile 0 s; before that, waiting on dependencies: mean 13511396.7 s (156.38 days)
> bounded slowdown (10 s): mean 1.000
> utilization: 17.41%
> preemptions: 0, lost work 0 GPU-seconds
# FOCUS: a purchase per pool, each entry at its model's prices; the rows'
# EffectiveCost adds up to the owned total above, to the micro-dollar.
$ gpuledger export --ledger "$TMP/l.sqlite" > "$TMP/focus.csv"
$ python3 -c 'import csv, decimal, sys; rows = list(csv.DictReader(open(sys.argv[1]))); [print(r["ChargeCategory"], r["SkuId"], r["CommitmentDiscountId"], r["ChargePeriodStart"], r["BilledCost"], r["EffectiveCost"]) for r in rows[:4]]; print(len(rows), "rows; EffectiveCost", sum(decimal.Decimal(r["EffectiveCost"]) for r in rows))' "$TMP/focus.csv"
> Purchase H800 runs/1/owned-cluster/H800 2024-12-01T00:00:00Z 51200000.000000 0.000000
> Purchase B200 runs/1/owned-cluster/B200 2025-09-01T00:00:00Z 46080000.000000 0.000000
> Usage H800 runs/1/owned-cluster/H800 2024-12-01T00:00:00Z 145590.681600 1231969.874215
> Usage H800 runs/1/owned-cluster/H800 2025-01-01T00:00:00Z 108954.545579 921959.539831
> 31 rows; EffectiveCost 21790233.148625
