# Prices that move (issue 16): a price step charges a job each segment at
# the price in force; curves from points, straight lines, a yearly rate of
# change or a CSV file; a profile that moves reprices a dated run; the
# FOCUS rows split at each change. Constant prices are unchanged (every
# other transcript).
$ printf '%s\n' 'name: "step" start_date: "2025-01-01"' 'cluster { gpu: "H800" nodes: 1 }' 'pricing { rental { usd_per_gpu_hour_curve { points { date: "2025-01-01" usd: 2 } points { date: "2025-01-01T10:00:00Z" usd: 3 } } } }' 'jobs { id: "a" phase: PRETRAIN gpus: 8 gpu_hours: 160 }' > "$TMP/step.textproto"
$ gpuledger replay "$TMP/step.textproto" --ledger "$TMP/l.sqlite" | sed -n 3p
> rental $400.00; owned $129.37 (idle capacity included)
$ gpuledger report --ledger "$TMP/l.sqlite" --view rental
> run 1  step  (complete, fcfs, seed 0)
> cluster: 1 nodes x 8 H800 = 8 GPUs; simulated window 0.83 days (72,000 s)
> calendar: 2025-01-01T00:00:00Z to 2025-01-01T20:00:00Z
>
> job       GPU-hours  rental USD  start day  end day
> a            160.00      400.00       0.00     0.83
> ---------------------------------------------------
> all jobs     160.00      400.00       0.00     0.83
> idle           0.00        0.00       0.00     0.83
> ---------------------------------------------------
> total        160.00      400.00       0.00     0.83
>
> prices move: 2 segments of constant prices, each GPU-second charged at those in force (rental $2.0000 to $3.0000 per GPU-hour, first to last segment); the rates below are the first's
> rental: $2.0000 per GPU-hour held by a job; idle capacity costs a renter nothing
>
> schedule (fcfs):
> jobs: 1 done, 0 skipped
> makespan: 72000 s (0.83 days)
> wait (ready to start): mean 0.0 s, median 0.0 s, 95th percentile 0 s
> bounded slowdown (10 s): mean 1.000
> utilization: 100.00%
> preemptions: 0, lost work 0 GPU-seconds
$ gpuledger export --ledger "$TMP/l.sqlite" --view rental -o "$TMP/f.csv"
$ python3 -c 'import csv,sys; [print(r["ChargePeriodStart"], r["ChargePeriodEnd"], r["ListUnitPrice"], r["BilledCost"]) for r in csv.DictReader(open(sys.argv[1]))]' "$TMP/f.csv"
> 2025-01-01T00:00:00Z 2025-01-01T10:00:00Z 2.000000000 160.000000
> 2025-01-01T10:00:00Z 2025-01-01T20:00:00Z 3.000000000 240.000000
# A CSV of dated prices, read when the plan loads; the run keeps the points.
$ printf '%s\n' 'date,usd' '# an index, day by day' '2025-01-01,2.10' '2025-01-02,1.90' '2025-01-03,2.40' > "$TMP/index.csv"
$ sed 's/points { date: "2025-01-01" usd: 2 } points { date: "2025-01-01T10:00:00Z" usd: 3 }/csv: "index.csv"/; s/gpu_hours: 160/gpu_hours: 576/' "$TMP/step.textproto" > "$TMP/csv.textproto"
$ gpuledger replay "$TMP/csv.textproto" --ledger "$TMP/l.sqlite" > /dev/null
$ gpuledger report --ledger "$TMP/l.sqlite" --run 2 --by day --view rental --format csv
> group,gpu_hours,rental_usd,gpu_seconds,start_seconds,end_seconds
> 2025-01-01,192.000000,403.200000,691200,0,86400
> 2025-01-02,192.000000,364.800000,691200,86400,172800
> 2025-01-03,192.000000,460.800000,691200,172800,259200
> idle,0.000000,0.000000,0,0,259200
> total,576.000000,1228.800000,2073600,0,259200
# A dated DeepSeek replay repriced on a falling rent: a view, the run as it was.
$ gpuledger replay traces/deepseek-v3-r1.textproto --ledger "$TMP/l.sqlite" --start-date 2024-12-26 > /dev/null
$ gpuledger report --ledger "$TMP/l.sqlite" --run 3 --by quarter --view rental --pricing on-demand-falling
> run 3  deepseek-v3-r1  (complete, fcfs, seed 0)
> cluster: 256 nodes x 8 H800 = 2,048 GPUs; simulated window 68.68 days (5,934,378 s)
> calendar: 2024-12-26T00:00:00Z to 2025-03-04T16:26:18Z
>
> quarter      GPU-hours    rental USD  start day  end day
> 2024-Q4     294,912.00    588,499.97       0.00     6.00
> 2025-Q1   2,640,089.17  5,128,100.60       6.00    68.68
> --------------------------------------------------------
> all jobs  2,935,001.17  5,716,600.57       0.00    68.68
> idle        441,000.54          0.00       0.00    68.68
> --------------------------------------------------------
> total     3,376,001.71  5,716,600.57       0.00    68.68
>
> prices move: 69 segments of constant prices, each GPU-second charged at those in force (rental $2.0000 to $1.8813 per GPU-hour, first to last segment); the rates below are the first's
> rental: $2.0000 per GPU-hour held by a job; idle capacity costs a renter nothing
>
> schedule (fcfs):
> jobs: 6 done, 0 skipped
> makespan: 5934378 s (68.68 days)
> wait (ready to start): mean 1465.0 s, median 0.0 s, 95th percentile 8790 s; before that, waiting on dependencies: mean 4287305.7 s (49.62 days)
> bounded slowdown (10 s): mean 1.002
> utilization: 86.94%
> preemptions: 0, lost work 0 GPU-seconds
$ gpuledger report --ledger "$TMP/l.sqlite" --run 3 --by quarter --view rental --format csv
> group,gpu_hours,rental_usd,gpu_seconds,start_seconds,end_seconds
> 2024-Q4,294912.000000,589824.000000,1061683200,0,518400
> 2025-Q1,2640089.173333,5280178.346667,9504321024,518400,5934378
> idle,441000.533334,0.000000,1587601920,0,5934378
> total,3376001.706667,5870002.346667,12153606144,0,5934378
# Refused: dated prices without a start date, a bad CSV line, a curve that
# outgrows the money bound, and (not yet) compare; the HTML page charges
# each segment.
$ sed '/start_date/d' "$TMP/step.textproto" > "$TMP/undated.textproto"
$ gpuledger replay "$TMP/undated.textproto" --ledger "$TMP/l.sqlite"
2> gpuledger: $TMP/undated.textproto: field pricing.rental.usd_per_gpu_hour_curve.points: dated prices need a start date to be placed on; set the plan's start_date (or replay --start-date), or give the curve change_per_year alone
? 2
$ printf '%s\n' '2025-01-01,2.10' '2025-01-02;1.90' > "$TMP/index.csv"
$ gpuledger replay "$TMP/csv.textproto" --ledger "$TMP/l.sqlite"
2> gpuledger: $TMP/csv.textproto:3:1: field pricing.rental.usd_per_gpu_hour_curve.csv: $TMP/index.csv:2: expected date,usd
? 2
$ sed 's/points { date: "2025-01-01" usd: 2 } points { date: "2025-01-01T10:00:00Z" usd: 3 }/change_per_year: 10/; s/rental {/rental { usd_per_gpu_hour: 5000/; s/gpu_hours: 160/gpu_hours: 160000/' "$TMP/step.textproto" > "$TMP/grow.textproto"
$ gpuledger replay "$TMP/grow.textproto" --ledger "$TMP/l.sqlite"
2> gpuledger: $TMP/grow.textproto: field pricing.rental.usd_per_gpu_hour_curve.change_per_year: rising 1000% a year, the price could reach $1188369.48 per GPU-hour by the end of the replay's longest possible window (833 days), above the bound of $10000; lower the rate of change
? 2
$ gpuledger report --ledger "$TMP/l.sqlite" --run 1 --html "$TMP/p.html"
> wrote $TMP/p.html: run 1 (935,730 bytes; open it in a browser, it needs nothing else)
$ sed 's/nodes: 1/nodes: 2/' "$TMP/step.textproto" > "$TMP/two.textproto"
$ gpuledger compare "$TMP/two.textproto" --ledger "$TMP/c.sqlite"
2> gpuledger: $TMP/two.textproto: the plan's prices move, but compare prices each strategy by its own profiles (committed_pricing, on_demand_pricing), not by the plan's; give the curve in a profile (such as on-demand-falling), or replay the plan and use report or export
? 2
$ gpuledger ledger verify "$TMP/l.sqlite"
> $TMP/l.sqlite: sound: 3 runs (3 complete), 0 groups, 8 jobs, 11 entries, 0 events; 3 digests match
