# An SWF trace (docs/traces.md) under every policy, with its schedule.
$ gpuledger replay tests/data/lublin_256.swf.gz --ledger "$TMP/l.sqlite" --schedule-out "$TMP/fcfs.csv"
> run 1 complete: lublin_256, 10000 jobs on 256 H800 (fcfs, seed 0)
> simulated 144.47 days; 581,328.10 GPU-hours used, 306,319.83 idle
> rental $1,162,656.20; owned $717,691.73 (idle capacity included)
> jobs: 10000 done, 0 skipped
> makespan: 12482549 s (144.47 days)
> wait (ready to start): mean 2388443.8 s, median 2399531.5 s, 95th percentile 4383794 s
> bounded slowdown (10 s): mean 66502.476
> utilization: 65.49%
> preemptions: 0, lost work 0 GPU-seconds
> ledger $TMP/l.sqlite; details: gpuledger report --ledger $TMP/l.sqlite --run 1
$ head -4 "$TMP/fcfs.csv" && wc -l < "$TMP/fcfs.csv" && md5sum < "$TMP/fcfs.csv"
> job_id,submit,start,end,gpus
> 1,5094,5094,17166,16
> 2,5170,5170,5172,1
> 3,6742,6742,30831,1
> 10001
> bd66875a6172338a816f06747bd5ca1e  -
$ gpuledger replay tests/data/lublin_256.swf.gz --ledger "$TMP/l.sqlite" --policy easy --schedule-out "$TMP/easy.csv" && md5sum < "$TMP/easy.csv"
> run 2 complete: lublin_256, 10000 jobs on 256 H800 (easy, seed 0)
> simulated 101.05 days; 581,328.10 GPU-hours used, 39,521.53 idle
> rental $1,162,656.20; owned $501,976.78 (idle capacity included)
> jobs: 10000 done, 0 skipped
> makespan: 8730698 s (101.05 days)
> wait (ready to start): mean 97156.0 s, median 23072.5 s, 95th percentile 598413 s
> bounded slowdown (10 s): mean 590.054
> utilization: 93.63%
> preemptions: 0, lost work 0 GPU-seconds
> ledger $TMP/l.sqlite; details: gpuledger report --ledger $TMP/l.sqlite --run 2
> c588d3d03b42902e7f0ead6726137ca7  -
$ gpuledger replay tests/data/lublin_256.swf.gz --ledger "$TMP/l.sqlite" --policy conservative
> run 3 complete: lublin_256, 10000 jobs on 256 H800 (conservative, seed 0)
> simulated 101.04 days; 581,328.10 GPU-hours used, 39,436.13 idle
> rental $1,162,656.20; owned $501,907.73 (idle capacity included)
> jobs: 10000 done, 0 skipped
> makespan: 8729497 s (101.04 days)
> wait (ready to start): mean 131567.5 s, median 21361.5 s, 95th percentile 701984 s
> bounded slowdown (10 s): mean 489.201
> utilization: 93.65%
> preemptions: 0, lost work 0 GPU-seconds
> ledger $TMP/l.sqlite; details: gpuledger report --ledger $TMP/l.sqlite --run 3
$ gpuledger replay tests/data/lublin_256.swf.gz --ledger "$TMP/l.sqlite" --policy priority --backfill-depth 8
> run 4 complete: lublin_256, 10000 jobs on 256 H800 (priority, seed 0)
> simulated 144.47 days; 581,328.10 GPU-hours used, 306,319.83 idle
> rental $1,162,656.20; owned $717,691.73 (idle capacity included)
> jobs: 10000 done, 0 skipped
> makespan: 12482549 s (144.47 days)
> wait (ready to start): mean 2388443.8 s, median 2399531.5 s, 95th percentile 4383794 s
> bounded slowdown (10 s): mean 66502.476
> utilization: 65.49%
> preemptions: 0, lost work 0 GPU-seconds
> ledger $TMP/l.sqlite; details: gpuledger report --ledger $TMP/l.sqlite --run 4
$ gpuledger replay tests/data/lublin_256.swf.gz --ledger "$TMP/l.sqlite" --capacity 512 --gpus-per-node 8 --format swf
> run 5 complete: lublin_256, 9079 jobs on 512 H800 (fcfs, seed 0)
> simulated 89.52 days; 470,566.22 GPU-hours used, 629,498.49 idle
> rental $941,132.44; owned $889,437.49 (idle capacity included)
> jobs: 9079 done, 921 skipped (size not whole nodes: 921)
> makespan: 7734830 s (89.52 days)
> wait (ready to start): mean 6054.5 s, median 0.0 s, 95th percentile 30691 s
> bounded slowdown (10 s): mean 172.326
> utilization: 42.78%
> preemptions: 0, lost work 0 GPU-seconds
> ledger $TMP/l.sqlite; details: gpuledger report --ledger $TMP/l.sqlite --run 5
$ gpuledger report --ledger "$TMP/l.sqlite" --run 2 --by category
> run 2  lublin_256  (complete, easy, seed 0)
> cluster: 256 nodes x 1 H800 = 256 GPUs; simulated window 101.05 days (8,730,698 s)
>
> category     GPU-hours    rental USD   owned USD  start day  end day
> productive  581,328.10  1,162,656.20  470,022.36       0.06   101.11
> --------------------------------------------------------------------
> all jobs    581,328.10  1,162,656.20  470,022.36       0.06   101.11
> idle         39,521.54          0.00   31,954.42       0.06   101.11
> --------------------------------------------------------------------
> total       620,849.64  1,162,656.20  501,976.78       0.06   101.11
>
> rental: $2.0000 per GPU-hour held by a job; idle capacity costs a renter nothing
> owned: cluster capital $6,400,000.00 (256 GPUs); per GPU-hour: depreciation $0.7130 + operations $0.0000 + energy $0.0956 busy / $0.0956 idle = $0.8085 per busy GPU-hour
> owned: the window's cost $501,976.78 over 581,328.10 GPU-hours used = $0.8635 per GPU-hour used, idle capacity included
> break-even: owning costs what renting does at 40.43% utilization of the owned GPUs (this run: 93.63%)
>
> schedule (easy):
> jobs: 10000 done, 0 skipped
> makespan: 8730698 s (101.05 days)
> wait (ready to start): mean 97156.0 s, median 23072.5 s, 95th percentile 598413 s
> bounded slowdown (10 s): mean 590.054
> utilization: 93.63%
> preemptions: 0, lost work 0 GPU-seconds
