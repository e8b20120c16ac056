# Flags the docs show that the other transcripts leave out: a server with
# every option, partial reports, a forced repair.
$ gpuledger replay traces/deepseek-v3-r1.textproto --ledger "$TMP/l.sqlite" >/dev/null
$& gpuledger serve --ledger "$TMP/l.sqlite" --listen 127.0.0.1:0 --speed 86400 --max-replays 2 --traces-dir traces --max-message-bytes 4000000
> listening on $SERVER
$ gpuledger query --server "$SERVER" --timeout 10 runs --format csv
> run,plan,state,policy,seed,gpu_model,gpus,sim_start_seconds,sim_end_seconds,wall_start,wall_end
> 1,deepseek-v3-r1,complete,fcfs,0,H800,2048,0,5934378,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z
$ gpuledger query --server "$SERVER" report --run 1 --partial --by phase --view owned
> run 1  deepseek-v3-r1  (complete, fcfs, seed 0)
> cluster: 256 nodes x 8 H800 = 2,048 GPUs; simulated window 68.68 days (5,934,378 s)
>
> phase                 GPU-hours     owned USD  start day  end day
> pretrain           2,664,000.28  2,153,929.41       0.00    54.20
> context_extension    119,000.18     96,215.45      54.20    56.62
> sft                    5,000.54      4,043.09      56.62    56.72
> rl                   142,000.07    114,811.60      56.72    68.68
> data                   5,000.10      4,042.75      64.94    65.35
> -----------------------------------------------------------------
> all jobs           2,935,001.17  2,373,042.30       0.00    68.68
> idle                 441,000.54    356,563.03       0.00    68.68
> -----------------------------------------------------------------
> total              3,376,001.71  2,729,605.33       0.00    68.68
>
> owned: cluster capital $51,200,000.00 (2,048 GPUs); per GPU-hour: depreciation $0.7130 + operations $0.0000 + energy $0.0956 busy / $0.0956 idle = $0.8085 per busy GPU-hour
> owned: the window's cost $2,729,605.33 over 2,935,001.17 GPU-hours used = $0.9300 per GPU-hour used, idle capacity included
>
> schedule (fcfs):
> jobs: 6 done, 0 skipped
> makespan: 5934378 s (68.68 days)
> wait (ready to start): mean 1465.0 s, median 0.0 s, 95th percentile 8790 s; before that, waiting on dependencies: mean 4287305.7 s (49.62 days)
> bounded slowdown (10 s): mean 1.002
> utilization: 86.94%
> preemptions: 0, lost work 0 GPU-seconds
$ gpuledger report --ledger "$TMP/l.sqlite" --partial --by phase --format csv
> group,gpu_hours,rental_usd,owned_usd,gpu_seconds,start_seconds,end_seconds
> pretrain,2664000.284444,5328000.568889,2153929.414046,9590401024,0,4682813
> context_extension,119000.177778,238000.355555,96215.448883,428400640,4682813,4891993
> sft,5000.533334,10001.066667,4043.091098,18001920,4891993,4900783
> rl,142000.071111,284000.142222,114811.598087,511200256,4900783,5934378
> data,5000.106666,10000.213334,4042.746124,18000384,5610939,5646096
> idle,441000.533334,0.000000,356563.032633,1587601920,0,5934378
> total,3376001.706667,5870002.346667,2729605.330871,12153606144,0,5934378
$ gpuledger ledger repair --force "$TMP/l.sqlite"
> $TMP/l.sqlite: 0 runs abandoned, 0 left running
$ gpuledger serve --ledger "$TMP/l.sqlite" --listen 127.0.0.1:0 --max-replays 0
2> gpuledger: --max-replays: must be at least 1
? 2
$ gpuledger serve --ledger "$TMP/l.sqlite" --listen 127.0.0.1:0 --traces-dir "$TMP/nowhere"
2> gpuledger: --traces-dir: $TMP/nowhere: no such folder (where plans named in StartReplay live)
? 2
$ gpuledger serve --ledger "$TMP/l.sqlite" --listen localhost
2> gpuledger: --listen: expected HOST:PORT with a port from 0 to 65535, got "localhost"
? 2
