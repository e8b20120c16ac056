# The DeepSeek replay's report in every --by, --view and --format
# (README, docs/metrics.md).
$ gpuledger replay traces/deepseek-v3-r1-failures.textproto --ledger "$TMP/l.sqlite" >/dev/null
$ gpuledger report --ledger "$TMP/l.sqlite"
> run 1  deepseek-v3-r1-failures  (complete, fcfs, seed 0)
> cluster: 256 nodes x 8 H800 = 2,048 GPUs; simulated window 87.05 days (7,521,065 s)
>
> job                      GPU-hours    rental USD     owned USD  start day  end day
> v3-pretrain           2,755,169.28  5,510,338.56  2,227,642.46       0.00    72.02
> v3-context-extension    121,805.37    243,610.74     98,483.54      72.02    74.83
> v3-post-training          5,068.80     10,137.60      4,098.29      74.83    74.94
> r1-zero                 102,529.85    205,059.70     82,898.66      74.94    83.28
> r1-sft-data               5,034.24     10,068.48      4,070.34      83.28    83.69
> r1                       41,277.44     82,554.88     33,374.13      83.69    87.05
> ----------------------------------------------------------------------------------
> all jobs              3,030,884.98  6,061,769.96  2,450,567.42       0.00    87.05
> idle                  1,243,451.33          0.00  1,005,370.16       0.00    87.05
> down                      4,314.00          0.00      3,075.80       0.00    87.05
> ----------------------------------------------------------------------------------
> total                 4,278,650.31  6,061,769.96  3,459,013.39       0.00    87.05
>
> rental: $2.0000 per GPU-hour held by a job; idle capacity costs a renter nothing
> owned: cluster capital $51,200,000.00 (2,048 GPUs); per GPU-hour: depreciation $0.7130 + operations $0.0000 + energy $0.0956 busy / $0.0956 idle = $0.8085 per busy GPU-hour
> owned: the window's cost $3,459,013.39 over 3,030,884.98 GPU-hours used = $1.1413 per GPU-hour used, idle capacity included
> break-even: owning costs what renting does at 40.43% utilization of the owned GPUs (this run: 70.84%)
>
> schedule (fcfs):
> jobs: 6 done, 0 skipped
> makespan: 7521065 s (87.05 days)
> wait (ready to start): mean 1485.0 s, median 0.0 s, 95th percentile 8910 s; before that, waiting on dependencies: mean 5596699.5 s (64.78 days)
> bounded slowdown (10 s): mean 1.002
> utilization: 70.84%
> preemptions: 0, lost work 163411456 GPU-seconds
> interruptions: 60 unexpected, 8 planned (37.2 unexpected per 54 days)
> goodput: 96.84% (checkpoint writes 140912640, restarts 40857600 GPU-seconds)
$ gpuledger report --ledger "$TMP/l.sqlite" --by phase
> run 1  deepseek-v3-r1-failures  (complete, fcfs, seed 0)
> cluster: 256 nodes x 8 H800 = 2,048 GPUs; simulated window 87.05 days (7,521,065 s)
>
> phase                 GPU-hours    rental USD     owned USD  start day  end day
> pretrain           2,755,169.28  5,510,338.56  2,227,642.46       0.00    72.02
> context_extension    121,805.37    243,610.74     98,483.54      72.02    74.83
> sft                    5,068.80     10,137.60      4,098.29      74.83    74.94
> rl                   143,807.29    287,614.58    116,272.79      74.94    87.05
> data                   5,034.24     10,068.48      4,070.34      83.28    83.69
> -------------------------------------------------------------------------------
> all jobs           3,030,884.98  6,061,769.96  2,450,567.42       0.00    87.05
> idle               1,243,451.33          0.00  1,005,370.16       0.00    87.05
> down                   4,314.00          0.00      3,075.80       0.00    87.05
> -------------------------------------------------------------------------------
> total              4,278,650.31  6,061,769.96  3,459,013.39       0.00    87.05
>
> rental: $2.0000 per GPU-hour held by a job; idle capacity costs a renter nothing
> owned: cluster capital $51,200,000.00 (2,048 GPUs); per GPU-hour: depreciation $0.7130 + operations $0.0000 + energy $0.0956 busy / $0.0956 idle = $0.8085 per busy GPU-hour
> owned: the window's cost $3,459,013.39 over 3,030,884.98 GPU-hours used = $1.1413 per GPU-hour used, idle capacity included
> break-even: owning costs what renting does at 40.43% utilization of the owned GPUs (this run: 70.84%)
>
> schedule (fcfs):
> jobs: 6 done, 0 skipped
> makespan: 7521065 s (87.05 days)
> wait (ready to start): mean 1485.0 s, median 0.0 s, 95th percentile 8910 s; before that, waiting on dependencies: mean 5596699.5 s (64.78 days)
> bounded slowdown (10 s): mean 1.002
> utilization: 70.84%
> preemptions: 0, lost work 163411456 GPU-seconds
> interruptions: 60 unexpected, 8 planned (37.2 unexpected per 54 days)
> goodput: 96.84% (checkpoint writes 140912640, restarts 40857600 GPU-seconds)
$ gpuledger report --ledger "$TMP/l.sqlite" --by project --view rental
> run 1  deepseek-v3-r1-failures  (complete, fcfs, seed 0)
> cluster: 256 nodes x 8 H800 = 2,048 GPUs; simulated window 87.05 days (7,521,065 s)
>
> project         GPU-hours    rental USD  start day  end day
> DeepSeek-V3  2,882,043.45  5,764,086.90       0.00    74.94
> DeepSeek-R1    148,841.53    297,683.06      74.94    87.05
> -----------------------------------------------------------
> all jobs     3,030,884.98  6,061,769.96       0.00    87.05
> idle         1,243,451.33          0.00       0.00    87.05
> down             4,314.00          0.00       0.00    87.05
> -----------------------------------------------------------
> total        4,278,650.31  6,061,769.96       0.00    87.05
>
> rental: $2.0000 per GPU-hour held by a job; idle capacity costs a renter nothing
>
> schedule (fcfs):
> jobs: 6 done, 0 skipped
> makespan: 7521065 s (87.05 days)
> wait (ready to start): mean 1485.0 s, median 0.0 s, 95th percentile 8910 s; before that, waiting on dependencies: mean 5596699.5 s (64.78 days)
> bounded slowdown (10 s): mean 1.002
> utilization: 70.84%
> preemptions: 0, lost work 163411456 GPU-seconds
> interruptions: 60 unexpected, 8 planned (37.2 unexpected per 54 days)
> goodput: 96.84% (checkpoint writes 140912640, restarts 40857600 GPU-seconds)
$ gpuledger report --ledger "$TMP/l.sqlite" --by category --view owned
> run 1  deepseek-v3-r1-failures  (complete, fcfs, seed 0)
> cluster: 256 nodes x 8 H800 = 2,048 GPUs; simulated window 87.05 days (7,521,065 s)
>
> category       GPU-hours     owned USD  start day  end day
> productive  2,935,001.17  2,373,042.30       0.00    87.03
> checkpoint     39,142.40     31,647.88       1.29    87.05
> lost           45,392.07     36,700.94       1.31    76.02
> restart        11,349.34      9,176.30       1.37    76.03
> ----------------------------------------------------------
> all jobs    3,030,884.98  2,450,567.42       0.00    87.05
> idle        1,243,451.33  1,005,370.16       0.00    87.05
> down            4,314.00      3,075.80       0.00    87.05
> ----------------------------------------------------------
> total       4,278,650.31  3,459,013.39       0.00    87.05
>
> beyond the jobs' work (productive): 95,883.80 GPU-hours, +3.27% (checkpoint 39,142.40, lost 45,392.07, restart 11,349.33): rental $191,767.61, owned $77,525.12
> owned: nodes under repair 4,314.00 GPU-hours, $3,075.80
> owned: cluster capital $51,200,000.00 (2,048 GPUs); per GPU-hour: depreciation $0.7130 + operations $0.0000 + energy $0.0956 busy / $0.0956 idle = $0.8085 per busy GPU-hour
> owned: the window's cost $3,459,013.39 over 3,030,884.98 GPU-hours used = $1.1413 per GPU-hour used, idle capacity included
>
> schedule (fcfs):
> jobs: 6 done, 0 skipped
> makespan: 7521065 s (87.05 days)
> wait (ready to start): mean 1485.0 s, median 0.0 s, 95th percentile 8910 s; before that, waiting on dependencies: mean 5596699.5 s (64.78 days)
> bounded slowdown (10 s): mean 1.002
> utilization: 70.84%
> preemptions: 0, lost work 163411456 GPU-seconds
> interruptions: 60 unexpected, 8 planned (37.2 unexpected per 54 days)
> goodput: 96.84% (checkpoint writes 140912640, restarts 40857600 GPU-seconds)
$ gpuledger report --ledger "$TMP/l.sqlite" --by pool
> run 1  deepseek-v3-r1-failures  (complete, fcfs, seed 0)
> cluster: 256 nodes x 8 H800 = 2,048 GPUs; simulated window 87.05 days (7,521,065 s)
>
> pool         GPU-hours    rental USD     owned USD  start day  end day
>           3,030,884.98  6,061,769.96  2,450,567.42       0.00    87.05
> ----------------------------------------------------------------------
> all jobs  3,030,884.98  6,061,769.96  2,450,567.42       0.00    87.05
> idle      1,243,451.33          0.00  1,005,370.16       0.00    87.05
> down          4,314.00          0.00      3,075.80       0.00    87.05
> ----------------------------------------------------------------------
> total     4,278,650.31  6,061,769.96  3,459,013.39       0.00    87.05
>
> rental: $2.0000 per GPU-hour held by a job; idle capacity costs a renter nothing
> owned: cluster capital $51,200,000.00 (2,048 GPUs); per GPU-hour: depreciation $0.7130 + operations $0.0000 + energy $0.0956 busy / $0.0956 idle = $0.8085 per busy GPU-hour
> owned: the window's cost $3,459,013.39 over 3,030,884.98 GPU-hours used = $1.1413 per GPU-hour used, idle capacity included
> break-even: owning costs what renting does at 40.43% utilization of the owned GPUs (this run: 70.84%)
>
> schedule (fcfs):
> jobs: 6 done, 0 skipped
> makespan: 7521065 s (87.05 days)
> wait (ready to start): mean 1485.0 s, median 0.0 s, 95th percentile 8910 s; before that, waiting on dependencies: mean 5596699.5 s (64.78 days)
> bounded slowdown (10 s): mean 1.002
> utilization: 70.84%
> preemptions: 0, lost work 163411456 GPU-seconds
> interruptions: 60 unexpected, 8 planned (37.2 unexpected per 54 days)
> goodput: 96.84% (checkpoint writes 140912640, restarts 40857600 GPU-seconds)
$ gpuledger report --ledger "$TMP/l.sqlite" --by day --format csv
> group,gpu_hours,rental_usd,owned_usd,gpu_seconds,start_seconds,end_seconds
> day 1,49152.000000,98304.000000,39740.963684,176947200,0,86400
> day 2,47104.000000,94208.000000,38085.090198,169574400,86400,172800
> day 3,49152.000000,98304.000000,39740.963684,176947200,172800,259200
> day 4,17287.395556,34574.791111,13977.412089,62234624,259200,345600
> day 5,16384.000000,32768.000000,13246.987894,58982400,345600,432000
> day 6,32768.000000,65536.000000,26493.975790,117964800,432000,518400
> day 7,48640.000000,97280.000000,39326.995313,175104000,518400,604800
> day 8,47104.000000,94208.000000,38085.090197,169574400,604800,691200
> day 9,23851.804444,47703.608889,19284.946579,85866496,691200,733127
> day 10,42930.631111,85861.262222,34710.788003,154550272,781336,864000
> day 11,32768.000000,65536.000000,26493.975790,117964800,864000,950400
> day 12,46592.000000,93184.000000,37671.121825,167731200,950400,1036800
> day 13,24576.000000,49152.000000,19870.481842,88473600,1036800,1123200
> day 14,32768.000000,65536.000000,26493.975790,117964800,1123200,1209600
> day 15,30720.000000,61440.000000,24838.102303,110592000,1209600,1296000
> day 16,28672.000000,57344.000000,23182.228816,103219200,1296000,1382400
> day 17,22958.648889,45917.297778,18562.801752,82651136,1382400,1422757
> day 18,41209.173333,82418.346667,33318.934345,148353024,1482762,1555200
> day 19,41671.680000,83343.360000,33692.885773,150018048,1555200,1628451
> day 20,31869.724445,63739.448889,25767.691280,114731008,1657579,1728000
> day 21,32768.000000,65536.000000,26493.975789,117964800,1728000,1814400
> day 22,49152.000000,98304.000000,39740.963685,176947200,1814400,1900800
> day 23,49152.000000,98304.000000,39740.963684,176947200,1900800,1987200
> day 24,47104.000000,94208.000000,38085.090198,169574400,1987200,2073600
> day 25,40960.000000,81920.000000,33117.469737,147456000,2073600,2160000
> day 26,32768.000000,65536.000000,26493.975789,117964800,2160000,2246400
> day 27,49152.000000,98304.000000,39740.963685,176947200,2246400,2332800
> day 28,40448.000000,80896.000000,32703.501365,145612800,2332800,2419200
> day 29,49152.000000,98304.000000,39740.963684,176947200,2419200,2505600
> day 30,49152.000000,98304.000000,39740.963684,176947200,2505600,2592000
> day 31,32768.000000,65536.000000,26493.975790,117964800,2592000,2678400
> day 32,49152.000000,98304.000000,39740.963684,176947200,2678400,2764800
> day 33,49152.000000,98304.000000,39740.963685,176947200,2764800,2851200
> day 34,49152.000000,98304.000000,39740.963684,176947200,2851200,2937600
> day 35,22758.968889,45517.937777,18401.354088,81932288,2937600,2977606
> day 36,35767.751111,71535.502223,28919.370483,128763904,3040327,3110400
> day 37,49152.000000,98304.000000,39740.963684,176947200,3110400,3196800
> day 38,49152.000000,98304.000000,39740.963684,176947200,3196800,3283200
> day 39,47104.000000,94208.000000,38085.090198,169574400,3283200,3369600
> day 40,49152.000000,98304.000000,39740.963684,176947200,3369600,3456000
> day 41,32768.000000,65536.000000,26493.975790,117964800,3456000,3542400
> day 42,16384.000000,32768.000000,13246.987894,58982400,3542400,3628800
> day 43,41952.142222,83904.284444,33919.648449,151027712,3628800,3709744
> day 44,35871.857778,71743.715556,29003.544052,129138688,3738544,3801600
> day 45,32465.351111,64930.702222,26249.274485,116875264,3801600,3887468
> day 46,28974.648889,57949.297778,23426.930120,104308736,3916268,3974400
> day 47,45056.000000,90112.000000,36429.216711,162201600,3974400,4060800
> day 48,28672.000000,57344.000000,23182.228816,103219200,4060800,4147200
> day 49,32768.000000,65536.000000,26493.975789,117964800,4147200,4233600
> day 50,49152.000000,98304.000000,39740.963685,176947200,4233600,4320000
> day 51,28672.000000,57344.000000,23182.228815,103219200,4320000,4406400
> day 52,40960.000000,81920.000000,33117.469737,147456000,4406400,4492800
> day 53,49152.000000,98304.000000,39740.963685,176947200,4492800,4579200
> day 54,48640.000000,97280.000000,39326.995312,175104000,4579200,4665600
> day 55,49152.000000,98304.000000,39740.963685,176947200,4665600,4752000
> day 56,49152.000000,98304.000000,39740.963684,176947200,4752000,4838400
> day 57,49152.000000,98304.000000,39740.963684,176947200,4838400,4924800
> day 58,32768.000000,65536.000000,26493.975790,117964800,4924800,5011200
> day 59,32299.804444,64599.608888,26115.424712,116279296,5011200,5067977
> day 60,22026.240000,44052.480000,17808.919351,79294464,5116428,5184000
> day 61,46630.684445,93261.368889,37702.399436,167870464,5184000,5265968
> day 62,18905.315555,37810.631111,15285.552143,68059136,5294768,5356800
> day 63,32256.000000,64512.000000,26080.007418,116121600,5356800,5443200
> day 64,40960.000000,81920.000000,33117.469737,147456000,5443200,5529600
> day 65,32768.000000,65536.000000,26493.975789,117964800,5529600,5616000
> day 66,41979.448889,83958.897778,33941.726762,151126016,5616000,5689792
> day 67,39940.551111,79881.102222,32293.212712,143785984,5718592,5788800
> day 68,32768.000000,65536.000000,26493.975790,117964800,5788800,5875200
> day 69,47134.720000,94269.440000,38109.928300,169684992,5875200,5958054
> day 70,34273.280000,68546.560000,27711.042802,123383808,5986854,6048000
> day 71,29472.995556,58945.991112,23829.859335,106102784,6048000,6099808
> day 72,29662.435555,59324.871111,23983.027633,106784768,6139859,6220800
> day 73,49152.000000,98304.000000,39740.963684,176947200,6220800,6307200
> day 74,32768.000000,65536.000000,26493.975790,117964800,6307200,6393600
> day 75,46815.146667,93630.293333,37851.543041,168534528,6393600,6480000
> day 76,12288.000000,24576.000000,9935.240921,44236800,6480000,6566400
> day 77,12288.000000,24576.000000,9935.240921,44236800,6566400,6652800
> day 78,12288.000000,24576.000000,9935.240921,44236800,6652800,6739200
> day 79,12288.000000,24576.000000,9935.240921,44236800,6739200,6825600
> day 80,12288.000000,24576.000000,9935.240922,44236800,6825600,6912000
> day 81,12288.000000,24576.000000,9935.240921,44236800,6912000,6998400
> day 82,12288.000000,24576.000000,9935.240921,44236800,6998400,7084800
> day 83,12288.000000,24576.000000,9935.240921,44236800,7084800,7171200
> day 84,12288.000000,24576.000000,9935.240921,44236800,7171200,7257600
> day 85,12288.000000,24576.000000,9935.240921,44236800,7257600,7344000
> day 86,12288.000000,24576.000000,9935.240921,44236800,7344000,7430400
> day 87,12288.000000,24576.000000,9935.240921,44236800,7430400,7516800
> day 88,606.577778,1213.155556,490.437529,2183680,7516800,7521065
> idle,1243451.333333,0.000000,1005370.163600,4476424800,0,7521065
> down,4314.000000,0.000000,3075.804245,15530400,0,7521065
> total,4278650.311111,6061769.955556,3459013.387956,15403141120,0,7521065
$ gpuledger report --ledger "$TMP/l.sqlite" --by job --format csv
> group,gpu_hours,rental_usd,owned_usd,gpu_seconds,start_seconds,end_seconds
> v3-pretrain,2755169.280000,5510338.560000,2227642.462173,9918609408,0,6222702
> v3-context-extension,121805.368889,243610.737778,98483.535595,438499328,6222702,6465613
> v3-post-training,5068.800000,10137.600000,4098.286880,18247680,6465613,6474523
> r1-zero,102529.848889,205059.697778,82898.661321,369107456,6474523,7195436
> r1-sft-data,5034.240000,10068.480000,4070.344015,18123264,7195436,7230833
> r1,41277.440000,82554.880000,33374.130127,148598784,7230833,7521065
> idle,1243451.333333,0.000000,1005370.163600,4476424800,0,7521065
> down,4314.000000,0.000000,3075.804245,15530400,0,7521065
> total,4278650.311111,6061769.955556,3459013.387956,15403141120,0,7521065
$ gpuledger report --ledger "$TMP/l.sqlite" --by category --format json
> {
>   "run": {"id": 1, "plan": "deepseek-v3-r1-failures", "plan_sha256": "b760dcfd61477c96d27b2b8ecf132c292c2d5b7970d016f46e87f48dacc672e0", "status": "complete", "policy": "fcfs", "seed": 0, "gpu_model": "H800", "gpus": 2048, "jobs": 6, "sim_start_seconds": 0, "sim_end_seconds": 7521065, "wall_start": "2026-01-01T00:00:00Z", "wall_end": "2026-01-01T00:00:00Z"},
>   "metrics": {"jobs_done": 6, "jobs_skipped": 0, "skipped_by_reason": {}, "makespan_seconds": 7521065, "wait_mean_seconds": 1485.000, "wait_median_seconds": 0.0, "wait_p95_seconds": 8910, "dependency_wait_mean_seconds": 5596699.5, "bounded_slowdown_mean": 1.002091, "utilization": 0.708374, "preemptions": 0, "lost_gpu_seconds": 163411456, "interruptions": 60, "planned_interruptions": 8, "interruptions_per_window": 37.220, "interruption_window_days": 54, "goodput": 0.968364, "checkpoint_gpu_seconds": 140912640, "restart_gpu_seconds": 40857600},
>   "group_by": "category",
>   "rows": [
>     {"group": "productive", "gpu_seconds": 10566004224, "gpu_hours": 2935001.173333, "rental_usd": 5870002.346667, "rental_micro_usd": 5870002346667, "owned_usd": 2373042.298238, "owned_micro_usd": 2373042298238, "start_seconds": 0, "end_seconds": 7519115},
>     {"group": "checkpoint", "gpu_seconds": 140912640, "gpu_hours": 39142.400000, "rental_usd": 78284.800000, "rental_micro_usd": 78284800000, "owned_usd": 31647.882017, "owned_micro_usd": 31647882017, "start_seconds": 111792, "end_seconds": 7521065},
>     {"group": "lost", "gpu_seconds": 163411456, "gpu_hours": 45392.071111, "rental_usd": 90784.142222, "rental_micro_usd": 90784142222, "owned_usd": 36700.940950, "owned_micro_usd": 36700940950, "start_seconds": 113322, "end_seconds": 6568430},
>     {"group": "restart", "gpu_seconds": 40857600, "gpu_hours": 11349.333333, "rental_usd": 22698.666667, "rental_micro_usd": 22698666667, "owned_usd": 9176.298906, "owned_micro_usd": 9176298906, "start_seconds": 118200, "end_seconds": 6568730},
>     {"group": "idle", "gpu_seconds": 4476424800, "gpu_hours": 1243451.333333, "rental_usd": 0.000000, "rental_micro_usd": 0, "owned_usd": 1005370.163600, "owned_micro_usd": 1005370163600, "start_seconds": 0, "end_seconds": 7521065},
>     {"group": "down", "gpu_seconds": 15530400, "gpu_hours": 4314.000000, "rental_usd": 0.000000, "rental_micro_usd": 0, "owned_usd": 3075.804245, "owned_micro_usd": 3075804245, "start_seconds": 0, "end_seconds": 7521065}
>   ],
>   "jobs_total": {"group": "all jobs", "gpu_seconds": 10911185920, "gpu_hours": 3030884.977778, "rental_usd": 6061769.955556, "rental_micro_usd": 6061769955556, "owned_usd": 2450567.420111, "owned_micro_usd": 2450567420111, "start_seconds": 0, "end_seconds": 7521065},
>   "total": {"group": "total", "gpu_seconds": 15403141120, "gpu_hours": 4278650.311111, "rental_usd": 6061769.955556, "rental_micro_usd": 6061769955556, "owned_usd": 3459013.387956, "owned_micro_usd": 3459013387956, "start_seconds": 0, "end_seconds": 7521065},
>   "rental": {"usd_per_gpu_hour": 2.000000000},
>   "owned": {"capital_usd": 51200000.000000, "depreciation_usd_per_gpu_hour": 0.712981976, "financing_usd_per_gpu_hour": 0.000000000, "operations_usd_per_gpu_hour": 0.000000000, "busy_energy_usd_per_gpu_hour": 0.095550000, "idle_energy_usd_per_gpu_hour": 0.095550000, "usd_per_busy_gpu_hour": 0.808531976, "usd_per_gpu_hour_used": 1.1413}
> }
$ gpuledger report --ledger "$TMP/l.sqlite" --run 1 --by phase --format json --view rental
> {
>   "run": {"id": 1, "plan": "deepseek-v3-r1-failures", "plan_sha256": "b760dcfd61477c96d27b2b8ecf132c292c2d5b7970d016f46e87f48dacc672e0", "status": "complete", "policy": "fcfs", "seed": 0, "gpu_model": "H800", "gpus": 2048, "jobs": 6, "sim_start_seconds": 0, "sim_end_seconds": 7521065, "wall_start": "2026-01-01T00:00:00Z", "wall_end": "2026-01-01T00:00:00Z"},
>   "metrics": {"jobs_done": 6, "jobs_skipped": 0, "skipped_by_reason": {}, "makespan_seconds": 7521065, "wait_mean_seconds": 1485.000, "wait_median_seconds": 0.0, "wait_p95_seconds": 8910, "dependency_wait_mean_seconds": 5596699.5, "bounded_slowdown_mean": 1.002091, "utilization": 0.708374, "preemptions": 0, "lost_gpu_seconds": 163411456, "interruptions": 60, "planned_interruptions": 8, "interruptions_per_window": 37.220, "interruption_window_days": 54, "goodput": 0.968364, "checkpoint_gpu_seconds": 140912640, "restart_gpu_seconds": 40857600},
>   "group_by": "phase",
>   "rows": [
>     {"group": "pretrain", "gpu_seconds": 9918609408, "gpu_hours": 2755169.280000, "rental_usd": 5510338.560000, "rental_micro_usd": 5510338560000, "start_seconds": 0, "end_seconds": 6222702},
>     {"group": "context_extension", "gpu_seconds": 438499328, "gpu_hours": 121805.368889, "rental_usd": 243610.737778, "rental_micro_usd": 243610737778, "start_seconds": 6222702, "end_seconds": 6465613},
>     {"group": "sft", "gpu_seconds": 18247680, "gpu_hours": 5068.800000, "rental_usd": 10137.600000, "rental_micro_usd": 10137600000, "start_seconds": 6465613, "end_seconds": 6474523},
>     {"group": "rl", "gpu_seconds": 517706240, "gpu_hours": 143807.288889, "rental_usd": 287614.577778, "rental_micro_usd": 287614577778, "start_seconds": 6474523, "end_seconds": 7521065},
>     {"group": "data", "gpu_seconds": 18123264, "gpu_hours": 5034.240000, "rental_usd": 10068.480000, "rental_micro_usd": 10068480000, "start_seconds": 7195436, "end_seconds": 7230833},
>     {"group": "idle", "gpu_seconds": 4476424800, "gpu_hours": 1243451.333333, "rental_usd": 0.000000, "rental_micro_usd": 0, "start_seconds": 0, "end_seconds": 7521065},
>     {"group": "down", "gpu_seconds": 15530400, "gpu_hours": 4314.000000, "rental_usd": 0.000000, "rental_micro_usd": 0, "start_seconds": 0, "end_seconds": 7521065}
>   ],
>   "jobs_total": {"group": "all jobs", "gpu_seconds": 10911185920, "gpu_hours": 3030884.977778, "rental_usd": 6061769.955556, "rental_micro_usd": 6061769955556, "start_seconds": 0, "end_seconds": 7521065},
>   "total": {"group": "total", "gpu_seconds": 15403141120, "gpu_hours": 4278650.311111, "rental_usd": 6061769.955556, "rental_micro_usd": 6061769955556, "start_seconds": 0, "end_seconds": 7521065},
>   "rental": {"usd_per_gpu_hour": 2.000000000}
> }
$ gpuledger report --ledger "$TMP/l.sqlite" --by day --view rental
> run 1  deepseek-v3-r1-failures  (complete, fcfs, seed 0)
> cluster: 256 nodes x 8 H800 = 2,048 GPUs; simulated window 87.05 days (7,521,065 s)
>
> day          GPU-hours    rental USD  start day  end day
> day 1        49,152.00     98,304.00       0.00     1.00
> day 2        47,104.00     94,208.00       1.00     2.00
> day 3        49,152.00     98,304.00       2.00     3.00
> day 4        17,287.40     34,574.79       3.00     4.00
> day 5        16,384.00     32,768.00       4.00     5.00
> day 6        32,768.00     65,536.00       5.00     6.00
> day 7        48,640.00     97,280.00       6.00     7.00
> day 8        47,104.00     94,208.00       7.00     8.00
> day 9        23,851.80     47,703.61       8.00     8.49
> day 10       42,930.63     85,861.26       9.04    10.00
> day 11       32,768.00     65,536.00      10.00    11.00
> day 12       46,592.00     93,184.00      11.00    12.00
> day 13       24,576.00     49,152.00      12.00    13.00
> day 14       32,768.00     65,536.00      13.00    14.00
> day 15       30,720.00     61,440.00      14.00    15.00
> day 16       28,672.00     57,344.00      15.00    16.00
> day 17       22,958.65     45,917.30      16.00    16.47
> day 18       41,209.17     82,418.35      17.16    18.00
> day 19       41,671.68     83,343.36      18.00    18.85
> day 20       31,869.73     63,739.45      19.18    20.00
> day 21       32,768.00     65,536.00      20.00    21.00
> day 22       49,152.00     98,304.00      21.00    22.00
> day 23       49,152.00     98,304.00      22.00    23.00
> day 24       47,104.00     94,208.00      23.00    24.00
> day 25       40,960.00     81,920.00      24.00    25.00
> day 26       32,768.00     65,536.00      25.00    26.00
> day 27       49,152.00     98,304.00      26.00    27.00
> day 28       40,448.00     80,896.00      27.00    28.00
> day 29       49,152.00     98,304.00      28.00    29.00
> day 30       49,152.00     98,304.00      29.00    30.00
> day 31       32,768.00     65,536.00      30.00    31.00
> day 32       49,152.00     98,304.00      31.00    32.00
> day 33       49,152.00     98,304.00      32.00    33.00
> day 34       49,152.00     98,304.00      33.00    34.00
> day 35       22,758.97     45,517.94      34.00    34.46
> day 36       35,767.75     71,535.50      35.19    36.00
> day 37       49,152.00     98,304.00      36.00    37.00
> day 38       49,152.00     98,304.00      37.00    38.00
> day 39       47,104.00     94,208.00      38.00    39.00
> day 40       49,152.00     98,304.00      39.00    40.00
> day 41       32,768.00     65,536.00      40.00    41.00
> day 42       16,384.00     32,768.00      41.00    42.00
> day 43       41,952.14     83,904.28      42.00    42.94
> day 44       35,871.86     71,743.72      43.27    44.00
> day 45       32,465.35     64,930.70      44.00    44.99
> day 46       28,974.65     57,949.30      45.33    46.00
> day 47       45,056.00     90,112.00      46.00    47.00
> day 48       28,672.00     57,344.00      47.00    48.00
> day 49       32,768.00     65,536.00      48.00    49.00
> day 50       49,152.00     98,304.00      49.00    50.00
> day 51       28,672.00     57,344.00      50.00    51.00
> day 52       40,960.00     81,920.00      51.00    52.00
> day 53       49,152.00     98,304.00      52.00    53.00
> day 54       48,640.00     97,280.00      53.00    54.00
> day 55       49,152.00     98,304.00      54.00    55.00
> day 56       49,152.00     98,304.00      55.00    56.00
> day 57       49,152.00     98,304.00      56.00    57.00
> day 58       32,768.00     65,536.00      57.00    58.00
> day 59       32,299.80     64,599.61      58.00    58.66
> day 60       22,026.24     44,052.48      59.22    60.00
> day 61       46,630.69     93,261.37      60.00    60.95
> day 62       18,905.31     37,810.63      61.28    62.00
> day 63       32,256.00     64,512.00      62.00    63.00
> day 64       40,960.00     81,920.00      63.00    64.00
> day 65       32,768.00     65,536.00      64.00    65.00
> day 66       41,979.45     83,958.90      65.00    65.85
> day 67       39,940.55     79,881.10      66.19    67.00
> day 68       32,768.00     65,536.00      67.00    68.00
> day 69       47,134.72     94,269.44      68.00    68.96
> day 70       34,273.28     68,546.56      69.29    70.00
> day 71       29,473.00     58,945.99      70.00    70.60
> day 72       29,662.43     59,324.87      71.06    72.00
> day 73       49,152.00     98,304.00      72.00    73.00
> day 74       32,768.00     65,536.00      73.00    74.00
> day 75       46,815.15     93,630.29      74.00    75.00
> day 76       12,288.00     24,576.00      75.00    76.00
> day 77       12,288.00     24,576.00      76.00    77.00
> day 78       12,288.00     24,576.00      77.00    78.00
> day 79       12,288.00     24,576.00      78.00    79.00
> day 80       12,288.00     24,576.00      79.00    80.00
> day 81       12,288.00     24,576.00      80.00    81.00
> day 82       12,288.00     24,576.00      81.00    82.00
> day 83       12,288.00     24,576.00      82.00    83.00
> day 84       12,288.00     24,576.00      83.00    84.00
> day 85       12,288.00     24,576.00      84.00    85.00
> day 86       12,288.00     24,576.00      85.00    86.00
> day 87       12,288.00     24,576.00      86.00    87.00
> day 88          606.58      1,213.16      87.00    87.05
> --------------------------------------------------------
> all jobs  3,030,884.98  6,061,769.96       0.00    87.05
> idle      1,243,451.33          0.00       0.00    87.05
> down          4,314.00          0.00       0.00    87.05
> --------------------------------------------------------
> total     4,278,650.31  6,061,769.96       0.00    87.05
>
> rental: $2.0000 per GPU-hour held by a job; idle capacity costs a renter nothing
>
> schedule (fcfs):
> jobs: 6 done, 0 skipped
> makespan: 7521065 s (87.05 days)
> wait (ready to start): mean 1485.0 s, median 0.0 s, 95th percentile 8910 s; before that, waiting on dependencies: mean 5596699.5 s (64.78 days)
> bounded slowdown (10 s): mean 1.002
> utilization: 70.84%
> preemptions: 0, lost work 163411456 GPU-seconds
> interruptions: 60 unexpected, 8 planned (37.2 unexpected per 54 days)
> goodput: 96.84% (checkpoint writes 140912640, restarts 40857600 GPU-seconds)
