# Fleet strategies (issue 17): the roadmap's second campaign on B200, three
# ways: keep the 2,048 H800 and buy 1,024 B200 in September 2025, keep them
# and rent B200 on demand, or buy 2,048 B200 and sell the H800 when the
# campaign starts. Each strategy's total, present cost at 8% and cost per
# productive GPU-hour by model (docs/compare.md, "Fleets").
$ gpuledger compare traces/roadmap-2024-2028.textproto --strategies traces/strategies/fleet.textproto --horizon 4y --discount-rate 8% --ledger "$TMP/l.sqlite"
> compare: roadmap-2024-2028 (2,048 H800 planned), 3 strategies, fcfs
>
> strategy              capacity                                     total USD  USD/productive GPU-h  amortized USD     capital USD  utilization  makespan d  break-even util.  break-even months  pretrain done d  context_extension done d  sft done d  rl done d  data done d  eval done d
> keep H800, buy B200   owned 1,024 B200 + owned 2,048 H800      89,840,607.78               15.1693   4,378,112.12  119,654,752.67        5.86%      426.88                 -                  -           419.20                    421.62      421.72     426.88       425.41       336.32
> keep H800, rent B200  on-demand 1,024 B200 + owned 2,048 H800  52,766,130.60                8.8630   4,578,011.11   62,976,403.05        8.20%      426.88                 -                  -           419.20                    421.62      421.72     426.88       425.41       338.00
> sell H800, buy B200   owned 2,048 B200 + owned 2,048 H800      87,809,816.98               20.1399   3,909,079.13  176,333,102.28        5.72%      395.19                 -                  -           388.82                    389.89      389.93     395.19       393.72       336.32
>
> total USD: what each strategy pays over its horizon (its replay, or --horizon: 1461.00 days at most), committed capacity whether used or not;
> amortized USD: owned capacity charged only for the GPU-hours the plan used;
> break-even util.: the utilization of committed GPUs at which they cost what renting on demand does;
> break-even months: months of use, at this utilization, after which owning has cost less cash than renting.
>
> cash flow, 2024-12 to 2028-11 (by month: --cash-flow):
> strategy                    paid USD   received USD         net USD  present cost USD at 8.00%     resale USD  book value USD  cash break-even
> keep H800, buy B200   130,498,239.28  37,226,275.67   93,271,963.61              98,197,320.41  37,226,275.67   40,657,631.49  never
> keep H800, rent B200   70,111,272.29  17,345,141.69   52,766,130.60              56,320,887.21  17,345,141.69   17,345,141.69  never
> sell H800, buy B200   186,011,192.52  85,394,706.40  100,616,486.12             106,635,059.56  85,394,706.40   98,201,375.54  never
>
> paid: purchases, loan payments, rent, reserved commitments, energy and operations; received: idle capacity rented out and the hardware's resale at the horizon (a pool retired before it: on its retired_at date);
> present cost: each month's net discounted to the first month's start;
> cash break-even: the month from which cumulative net cash stays at or below renting the same GPU-hours on demand.
>
> fleets by GPU model:
> strategy              model  pools                                          total USD     capital USD  productive GPU-h  USD/productive GPU-h
> keep H800, buy B200   B200   owned 1,024 from 2025-09-01                37,347,798.50   56,678,349.62            88,920              420.0125
> keep H800, buy B200   H800   owned 2,048 from 2024-12-01                52,492,809.28   62,976,403.05         5,833,594                8.9984
> keep H800, rent B200  B200   on-demand 1,024 from 2025-12-01               273,321.32               -            64,614                4.2300
> keep H800, rent B200  H800   owned 2,048 from 2024-12-01                52,492,809.28   62,976,403.05         5,888,890                8.9139
> sell H800, buy B200   B200   owned 2,048 from 2025-09-01                74,695,597.00  113,356,699.24         1,314,402               56.8285
> sell H800, buy B200   H800   owned 2,048 from 2024-12-01 to 2025-12-01  13,114,219.98   62,976,403.05         3,045,593                4.3060
>
> total USD: the model's pools over the horizon (owned: capital, energy and operations while held, used or idle; on demand: the GPU-hours jobs held);
> USD/productive GPU-h: that total per GPU-hour of productive work done on the model.
> ledger $TMP/l.sqlite: one run per strategy and comparison 1; gpuledger report --ledger $TMP/l.sqlite --run ID --by pool, or --comparison 1
# The same comparison as CSV: each GPU model's part in columns of its own.
$ gpuledger compare traces/roadmap-2024-2028.textproto --strategies traces/strategies/fleet.textproto --horizon 4y --discount-rate 8% --format csv
> strategy,committed,committed_gpus,on_demand,total_usd,usd_per_productive_gpu_hour,amortized_usd,on_demand_usd,committed_usd,capital_usd,committed_utilization,makespan_days,horizon_days,breakeven_utilization,breakeven_months,resized_jobs,run,finish_days_pretrain,finish_days_context_extension,finish_days_sft,finish_days_rl,finish_days_data,finish_days_eval,cash_net_usd,present_cost_usd,cash_breakeven_month,usd_B200,capital_usd_B200,productive_gpu_hours_B200,usd_per_productive_gpu_hour_B200,usd_H800,capital_usd_H800,productive_gpu_hours_H800,usd_per_productive_gpu_hour_H800
> "keep H800, buy B200",owned,3072,no,89840607.78,15.169334,4378112.12,0.00,89840607.78,119654752.67,0.058649,426.8787,1461.0000,,,0,1,419.1992,421.6203,421.7220,426.8787,425.4120,336.3187,93271963.61,98197320.41,never,37347798.50,56678349.62,88920.675556,420.012537,52492809.28,62976403.05,5833594.168889,8.998365
> "keep H800, rent B200",owned,2048,yes,52766130.60,8.863036,4578011.11,273321.32,52492809.28,62976403.05,0.082005,426.8787,1461.0000,,,0,2,419.1992,421.6203,421.7220,426.8787,425.4120,338.0000,52766130.60,56320887.21,never,273321.32,0.00,64614.968889,4.230000,52492809.28,62976403.05,5888890.168889,8.913871
> "sell H800, buy B200",owned,4096,no,87809816.98,20.139884,3909079.13,0.00,87809816.98,176333102.28,0.057155,395.1909,1461.0000,,,0,3,388.8236,389.8878,389.9325,395.1909,393.7243,336.3187,100616486.12,106635059.56,never,74695597.00,113356699.24,1314402.915556,56.828539,13114219.98,62976403.05,3045593.173333,4.305966
# A fleet's run, priced as each pool's capacity: the rented pool costs its
# GPU-hours and nothing idle.
$ gpuledger report --ledger "$TMP/l.sqlite" --run 2 --by model
> run 2  roadmap-2024-2028  (complete, fcfs, seed 0)
> cluster: pools B200 128 nodes x 8 = 1,024 GPUs, from day 365.00; H800 256 nodes x 8 = 2,048 GPUs; 3,072 GPUs in all; simulated window 426.88 days (36,882,317 s)
> calendar: 2024-12-01T00:00:00Z to 2026-01-31T21:05:17Z
>
> model         GPU-hours     rental USD   strategy USD  start day  end day
> B200          64,614.97     273,321.32     273,321.32     421.62   426.88
> H800       5,888,890.17  11,777,780.34   4,304,689.79       0.00   421.72
> -------------------------------------------------------------------------
> all jobs   5,953,505.14  12,051,101.66   4,578,011.11       0.00   426.88
> idle      16,549,165.37           0.00  11,032,791.77       0.00   426.88
> -------------------------------------------------------------------------
> total     22,502,670.51  12,051,101.66  15,610,802.88       0.00   426.88
>
> pool B200 (B200): 64,614.97 GPU-hours used, 1,456,115.20 idle
>   rental: $4.2300 per GPU-hour held by a job; $273,321.32
>   strategy: rented on demand, $4.2300 per GPU-hour held by a job, idle capacity free; $273,321.32
> pool H800 (H800): 5,888,890.17 GPU-hours used, 15,093,050.17 idle
>   rental: $2.0000 per GPU-hour held by a job; $11,777,780.34
>   strategy, owned: capital $62,976,403.05 (2,048 GPUs); $0.7310 per busy GPU-hour (depreciation $0.6354 + operations $0.0000 + energy $0.0956); $15,337,481.56 = $2.6045 per GPU-hour used, idle capacity included
> rental: idle capacity costs a renter nothing
> strategy: the window's cost $15,610,802.88 over 5,953,505.14 GPU-hours used = $2.6221 per GPU-hour used, idle capacity included
>
> schedule (fcfs):
> jobs: 21 done, 0 skipped
> makespan: 36882317 s (426.88 days)
> wait (ready to start): mean 418.6 s, median 0.0 s, 95th percentile 0 s; before that, waiting on dependencies: mean 9918780.0 s (114.80 days)
> bounded slowdown (10 s): mean 1.001
> utilization: 26.46%
> preemptions: 0, lost work 0 GPU-seconds
$ gpuledger report --ledger "$TMP/l.sqlite" --run 2 --by model --format json
> {
>   "run": {"id": 2, "plan": "roadmap-2024-2028", "plan_sha256": "73bdfe8c533b2bc4a112f0e5dc003f280e646879c55288634a56b1160d072110", "status": "complete", "policy": "fcfs", "seed": 0, "gpu_model": "B200+H800", "gpus": 3072, "jobs": 21, "sim_start_seconds": 0, "sim_end_seconds": 36882317, "wall_start": "2026-01-01T00:00:00Z", "wall_end": "2026-01-01T00:00:00Z", "start_date": "2024-12-01T00:00:00Z"},
>   "metrics": {"jobs_done": 21, "jobs_skipped": 0, "skipped_by_reason": {}, "makespan_seconds": 36882317, "wait_mean_seconds": 418.571, "wait_median_seconds": 0.0, "wait_p95_seconds": 0, "dependency_wait_mean_seconds": 9918780.0, "bounded_slowdown_mean": 1.000589, "utilization": 0.264569, "preemptions": 0, "lost_gpu_seconds": 0, "interruptions": 0, "planned_interruptions": 0, "interruptions_per_window": 0.000, "interruption_window_days": 0, "goodput": 1.000000, "checkpoint_gpu_seconds": 0, "restart_gpu_seconds": 0},
>   "group_by": "model",
>   "rows": [
>     {"group": "B200", "gpu_seconds": 232613888, "gpu_hours": 64614.968889, "rental_usd": 273321.318400, "rental_micro_usd": 273321318400, "owned_usd": 273321.318400, "owned_micro_usd": 273321318400, "start_seconds": 36427993, "end_seconds": 36882317},
>     {"group": "H800", "gpu_seconds": 21200004608, "gpu_hours": 5888890.168889, "rental_usd": 11777780.337778, "rental_micro_usd": 11777780337778, "owned_usd": 4304689.791216, "owned_micro_usd": 4304689791216, "start_seconds": 0, "end_seconds": 36436783},
>     {"group": "idle", "gpu_seconds": 59576995328, "gpu_hours": 16549165.368889, "rental_usd": 0.000000, "rental_micro_usd": 0, "owned_usd": 11032791.768400, "owned_micro_usd": 11032791768400, "start_seconds": 0, "end_seconds": 36882317}
>   ],
>   "jobs_total": {"group": "all jobs", "gpu_seconds": 21432618496, "gpu_hours": 5953505.137778, "rental_usd": 12051101.656178, "rental_micro_usd": 12051101656178, "owned_usd": 4578011.109616, "owned_micro_usd": 4578011109616, "start_seconds": 0, "end_seconds": 36882317},
>   "total": {"group": "total", "gpu_seconds": 81009613824, "gpu_hours": 22502670.506667, "rental_usd": 12051101.656178, "rental_micro_usd": 12051101656178, "owned_usd": 15610802.878016, "owned_micro_usd": 15610802878016, "start_seconds": 0, "end_seconds": 36882317},
>   "pools": [
>     {"name": "B200", "gpu_model": "B200", "gpus": 1024, "capacity": "on-demand", "available_from_seconds": 31536000, "retired_at_seconds": null, "busy_gpu_hours": 64614.968889, "idle_gpu_hours": 1456115.200000, "down_gpu_hours": 0.000000, "rental_usd_per_gpu_hour": 4.230000000, "owned_capital_usd": 0.000000, "owned_usd_per_busy_gpu_hour": 1.419867556, "rental_usd": 273321.318400, "owned_usd": 273321.318400},
>     {"name": "H800", "gpu_model": "H800", "gpus": 2048, "capacity": "owned", "available_from_seconds": 0, "retired_at_seconds": null, "busy_gpu_hours": 5888890.168889, "idle_gpu_hours": 15093050.168889, "down_gpu_hours": 0.000000, "rental_usd_per_gpu_hour": 2.000000000, "owned_capital_usd": 62976403.046400, "owned_usd_per_busy_gpu_hour": 0.730984900, "rental_usd": 11777780.337778, "owned_usd": 15337481.559616}
>   ]
> }
# The FOCUS export: a purchase for each owned pool only; EffectiveCost adds
# up to the strategy's total above.
$ gpuledger export --ledger "$TMP/l.sqlite" --run 2 > "$TMP/focus.csv"
$ python3 -c 'import csv, decimal, sys; rows = list(csv.DictReader(open(sys.argv[1]))); [print(r["ChargeCategory"], r["SkuId"], r["ChargePeriodStart"], r["EffectiveCost"]) for r in rows if r["ChargeCategory"] == "Purchase"]; print(len(rows), "rows; EffectiveCost", sum(decimal.Decimal(r["EffectiveCost"]) for r in rows))' "$TMP/focus.csv"
> Purchase H800 2024-12-01T00:00:00Z 0.000000
> 51 rows; EffectiveCost 15610802.878016
# The month-by-month cash flow of the strategy that sells the H800: bought
# 2024-12, sold 2025-12; B200 bought 2025-09, sold at the horizon.
$ gpuledger compare traces/roadmap-2024-2028.textproto --strategies traces/strategies/fleet.textproto --horizon 4y --discount-rate 8% --ledger "$TMP/c.sqlite" --cash-flow --format csv | grep -E '^(strategy|"?sell H800, buy B200"?),(month|2024-12|2025-09|2025-12|2028-11),'
> strategy,month,purchase_usd,loan_usd,rent_usd,reserved_usd,energy_usd,operations_usd,rent_out_usd,resale_usd,net_usd,cumulative_usd,rent_same_work_cumulative_usd
> "sell H800, buy B200",2024-12,62976403.05,0.00,0.00,0.00,145590.68,0.00,0.00,0.00,63121993.73,63121993.73,3047424.00
> "sell H800, buy B200",2025-09,113356699.24,0.00,0.00,0.00,342171.65,0.00,0.00,0.00,113698870.89,177962107.70,6125457.39
> "sell H800, buy B200",2025-12,0.00,0.00,0.00,0.00,207986.69,0.00,0.00,45632438.45,-45424451.76,133233404.96,11651110.68
> "sell H800, buy B200",2028-11,0.00,0.00,0.00,0.00,201277.44,0.00,0.00,39762267.96,-39560990.52,100616486.12,11651110.68
# Bad input: a fleet's pool names a capacity it cannot be.
$ printf 'strategies { name: "x" pools { gpu: "B200" gpus: 1024 capacity: "reserved" } }\n' > "$TMP/bad.textproto"
$ gpuledger compare traces/roadmap-2024-2028.textproto --strategies "$TMP/bad.textproto" --ledger "$TMP/bad.sqlite"
2> gpuledger: $TMP/bad.textproto:1:55: strategy "x": field pools[0].capacity: must be "owned" or "on-demand", got "reserved" (a fleet's pools are not reserved yet: reserve one pool with committed: "reserved" instead)
? 2
