# A calendar (issue 16): a plan or trace with a start date has real days,
# ISO weeks, months and quarters; an entry is cut at each midnight, and the
# periods add up to the run's total. A run without one keeps counting days
# from its start, has weeks of seven such days, and no months.
$ gpuledger replay traces/deepseek-v3-r1.textproto --ledger "$TMP/l.sqlite" --start-date 2024-12-26 > /dev/null
$ gpuledger report --ledger "$TMP/l.sqlite" --by month --view rental
> run 1  deepseek-v3-r1  (complete, fcfs, seed 0)
> cluster: 256 nodes x 8 H800 = 2,048 GPUs; simulated window 68.68 days (5,934,378 s)
> calendar: 2024-12-26T00:00:00Z to 2025-03-04T16:26:18Z
>
> month        GPU-hours    rental USD  start day  end day
> 2024-12     294,912.00    589,824.00       0.00     6.00
> 2025-01   1,523,712.00  3,047,424.00       6.00    37.00
> 2025-02   1,071,096.75  2,142,193.49      37.00    65.00
> 2025-03      45,280.42     90,560.85      65.00    68.68
> --------------------------------------------------------
> all jobs  2,935,001.17  5,870,002.35       0.00    68.68
> idle        441,000.54          0.00       0.00    68.68
> --------------------------------------------------------
> total     3,376,001.71  5,870,002.35       0.00    68.68
>
> rental: $2.0000 per GPU-hour held by a job; idle capacity costs a renter nothing
>
> schedule (fcfs):
> jobs: 6 done, 0 skipped
> makespan: 5934378 s (68.68 days)
> wait (ready to start): mean 1465.0 s, median 0.0 s, 95th percentile 8790 s; before that, waiting on dependencies: mean 4287305.7 s (49.62 days)
> bounded slowdown (10 s): mean 1.002
> utilization: 86.94%
> preemptions: 0, lost work 0 GPU-seconds
$ gpuledger report --ledger "$TMP/l.sqlite" --by quarter --format csv
> group,gpu_hours,rental_usd,owned_usd,gpu_seconds,start_seconds,end_seconds
> 2024-Q4,294912.000000,589824.000000,238445.782106,1061683200,0,518400
> 2025-Q1,2640089.173333,5280178.346667,2134596.516132,9504321024,518400,5934378
> idle,441000.533334,0.000000,356563.032633,1587601920,0,5934378
> total,3376001.706667,5870002.346667,2729605.330871,12153606144,0,5934378
$ gpuledger report --ledger "$TMP/l.sqlite" --by week --format csv | head -4
> group,gpu_hours,rental_usd,owned_usd,gpu_seconds,start_seconds,end_seconds
> 2024-W52,196608.000000,393216.000000,158963.854737,707788800,0,345600
> 2025-W01,344064.000000,688128.000000,278186.745791,1238630400,345600,950400
> 2025-W02,344064.000000,688128.000000,278186.745790,1238630400,950400,1555200
$ gpuledger report --ledger "$TMP/l.sqlite" --by day --format csv | sed -n '1,3p;$p'
> group,gpu_hours,rental_usd,owned_usd,gpu_seconds,start_seconds,end_seconds
> 2024-12-26,49152.000000,98304.000000,39740.963684,176947200,0,86400
> 2024-12-27,49152.000000,98304.000000,39740.963685,176947200,86400,172800
> total,3376001.706667,5870002.346667,2729605.330871,12153606144,0,5934378
# Undated: days and weeks from the start; months refused.
$ gpuledger replay traces/deepseek-v3-r1.textproto --ledger "$TMP/l.sqlite" > /dev/null
$ gpuledger report --ledger "$TMP/l.sqlite" --run 2 --by week --format csv | head -3
> group,gpu_hours,rental_usd,owned_usd,gpu_seconds,start_seconds,end_seconds
> week 1,344064.000000,688128.000000,278186.745790,1238630400,0,604800
> week 2,344064.000000,688128.000000,278186.745791,1238630400,604800,1209600
$ gpuledger report --ledger "$TMP/l.sqlite" --run 2 --by month
2> gpuledger: run 2 has no start date, so it has no months: give its plan a start_date (or replay it with --start-date), or group by day or week (counted from its start)
? 2
# A plan's own start_date, not on a midnight: its first day is the rest of
# that day.
$ { cat traces/deepseek-v3-r1.textproto; echo 'start_date: "2024-12-26T18:00:00Z"'; } > "$TMP/dated.textproto"
$ gpuledger replay "$TMP/dated.textproto" --ledger "$TMP/l.sqlite" > /dev/null
$ gpuledger report --ledger "$TMP/l.sqlite" --run 3 --by day --format csv | head -3
> group,gpu_hours,rental_usd,owned_usd,gpu_seconds,start_seconds,end_seconds
> 2024-12-26,12288.000000,24576.000000,9935.240921,44236800,0,21600
> 2024-12-27,49152.000000,98304.000000,39740.963684,176947200,21600,108000
$ gpuledger report --ledger "$TMP/l.sqlite" --run 3 --format json | head -2 | cut -c 1-60,290-
> {
>   "run": {"id": 3, "plan": "deepseek-v3-r1", "plan_sha256": : "2026-01-01T00:00:00Z", "wall_end": "2026-01-01T00:00:00Z", "start_date": "2024-12-26T18:00:00Z"},
# FOCUS rows of a dated run carry its dates: the same rows as the undated
# run exported with --epoch at that date; another --epoch is refused.
$ gpuledger export --ledger "$TMP/l.sqlite" --run 1 -o "$TMP/f1.csv"
$ gpuledger export --ledger "$TMP/l.sqlite" --run 2 --epoch 2024-12-26 -o "$TMP/f2.csv"
$ diff <(sed -E 's#runs/1/#runs/N/#g; s#,1,,owned,#,N,,owned,#' "$TMP/f1.csv") <(sed -E 's#runs/2/#runs/N/#g; s#,2,,owned,#,N,,owned,#' "$TMP/f2.csv") && echo same rows but the run
> same rows but the run
$ gpuledger export --ledger "$TMP/l.sqlite" --run 1 --epoch 2025-01-01 -o "$TMP/f3.csv"
2> gpuledger: --epoch 2025-01-01: run 1 has its own start date, 2024-12-26T00:00:00Z, which dates its rows; leave --epoch out
? 2
# Bad dates name the option, or the plan's file, line and field.
$ gpuledger replay traces/deepseek-v3-r1.textproto --ledger "$TMP/l.sqlite" --start-date 2025-02-29
2> gpuledger: --start-date "2025-02-29": no such date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, UTC)
? 2
$ gpuledger replay traces/deepseek-v3-r1.textproto --ledger "$TMP/l.sqlite" --start-date 2024-12-26T08:00:00+08:00
2> gpuledger: --start-date "2024-12-26T08:00:00+08:00": not UTC (end it with Z) (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, UTC)
? 2
$ { cat traces/deepseek-v3-r1.textproto; echo 'start_date: "26/12/2024"'; } > "$TMP/bad.textproto"
$ gpuledger replay "$TMP/bad.textproto" --ledger "$TMP/l.sqlite"
2> gpuledger: $TMP/bad.textproto:83:1: field start_date: "26/12/2024": not a date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, UTC)
? 2
$ gpuledger ledger verify "$TMP/l.sqlite"
> $TMP/l.sqlite: sound: 3 runs (3 complete), 0 groups, 18 jobs, 27 entries, 0 events; 3 digests match
