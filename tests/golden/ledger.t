# The ledger file itself: a whole dump after a replay and a group, and
# `ledger migrate` / `ledger repair` / `ledger verify` (README, docs/ledger.md,
# docs/ARCHITECTURE.md "Ledger schema").
$ gpuledger replay traces/deepseek-v3-r1.textproto --ledger "$TMP/l.sqlite" >/dev/null
$ gpuledger replay traces/llama4.textproto --seeds 2 --threads 1 --ledger "$TMP/l.sqlite" >/dev/null
$ ledger-dump "$TMP/l.sqlite"
> table comparisons: comparison_id, plan_name, created, results
> table entry_batches, unpacked: entry_id, run_id, job, category, start, end, gpus, nodes, pool
>   1 | 1 | 0 | productive | 0 | 4682813 | 2048 | 0-31,32-63,64-95,96-127,128-159,160-191,192-223,224-255 | 
>   2 | 1 | 1 | productive | 4682813 | 4891993 | 2048 | 0-31,32-63,64-95,96-127,128-159,160-191,192-223,224-255 | 
>   3 | 1 | 2 | productive | 4891993 | 4900783 | 2048 | 0-31,32-63,64-95,96-127,128-159,160-191,192-223,224-255 | 
>   4 | 1 |  | idle | 4900783 | 5610939 | 1536 |  | 
>   5 | 1 | 3 | productive | 4900783 | 5610939 | 512 | 0-31,32-63 | 
>   6 | 1 |  | idle | 5610939 | 5646096 | 1536 |  | 
>   7 | 1 | 4 | productive | 5610939 | 5646096 | 512 | 0-31,32-63 | 
>   8 | 1 |  | idle | 5646096 | 5934378 | 1536 |  | 
>   9 | 1 | 5 | productive | 5646096 | 5934378 | 512 | 0-31,32-63 | 
>   10 | 2 | 1 | productive | 0 | 1045899 | 8192 | 1024-1055,1056-1087,1088-1119,1120-1151,1152-1183,1184-1215,1216-1247,1248-1279,1280-1311,1312-1343,1344-1375,1376-1407,1408-1439,1440-1471,1472-1503,1504-1535,1536-1567,1568-1599,1600-1631,1632-1663,1664-1695,1696-1727,1728-1759,1760-1791,1792-1823,1824-1855,1856-1887,1888-1919,1920-1951,1952-1983,1984-2015,2016-2047 | 
>   11 | 2 |  | idle | 1045899 | 2197266 | 8192 |  | 
>   12 | 2 | 0 | productive | 0 | 2197266 | 8192 | 0-31,32-63,64-95,96-127,128-159,160-191,192-223,224-255,256-287,288-319,320-351,352-383,384-415,416-447,448-479,480-511,512-543,544-575,576-607,608-639,640-671,672-703,704-735,736-767,768-799,800-831,832-863,864-895,896-927,928-959,960-991,992-1023 | 
>   13 | 3 | 1 | productive | 0 | 1045899 | 8192 | 1024-1055,1056-1087,1088-1119,1120-1151,1152-1183,1184-1215,1216-1247,1248-1279,1280-1311,1312-1343,1344-1375,1376-1407,1408-1439,1440-1471,1472-1503,1504-1535,1536-1567,1568-1599,1600-1631,1632-1663,1664-1695,1696-1727,1728-1759,1760-1791,1792-1823,1824-1855,1856-1887,1888-1919,1920-1951,1952-1983,1984-2015,2016-2047 | 
>   14 | 3 |  | idle | 1045899 | 2197266 | 8192 |  | 
>   15 | 3 | 0 | productive | 0 | 2197266 | 8192 | 0-31,32-63,64-95,96-127,128-159,160-191,192-223,224-255,256-287,288-319,320-351,352-383,384-415,416-447,448-479,480-511,512-543,544-575,576-607,608-639,640-671,672-703,704-735,736-767,768-799,800-831,832-863,864-895,896-927,928-959,960-991,992-1023 | 
> table group_totals: run_id, grouping, ordinal, grp, gpu_seconds, on_demand_gpu_seconds, first_start, last_end
>   1 | category | 0 | productive | 10566004224 | 0 | 0 | 5934378
>   1 | day | 0 | day 1 | 176947200 | 0 | 0 | 86400
>   1 | day | 1 | day 2 | 176947200 | 0 | 86400 | 172800
>   1 | day | 2 | day 3 | 176947200 | 0 | 172800 | 259200
>   1 | day | 3 | day 4 | 176947200 | 0 | 259200 | 345600
>   1 | day | 4 | day 5 | 176947200 | 0 | 345600 | 432000
>   1 | day | 5 | day 6 | 176947200 | 0 | 432000 | 518400
>   1 | day | 6 | day 7 | 176947200 | 0 | 518400 | 604800
>   1 | day | 7 | day 8 | 176947200 | 0 | 604800 | 691200
>   1 | day | 8 | day 9 | 176947200 | 0 | 691200 | 777600
>   1 | day | 9 | day 10 | 176947200 | 0 | 777600 | 864000
>   1 | day | 10 | day 11 | 176947200 | 0 | 864000 | 950400
>   1 | day | 11 | day 12 | 176947200 | 0 | 950400 | 1036800
>   1 | day | 12 | day 13 | 176947200 | 0 | 1036800 | 1123200
>   1 | day | 13 | day 14 | 176947200 | 0 | 1123200 | 1209600
>   1 | day | 14 | day 15 | 176947200 | 0 | 1209600 | 1296000
>   1 | day | 15 | day 16 | 176947200 | 0 | 1296000 | 1382400
>   1 | day | 16 | day 17 | 176947200 | 0 | 1382400 | 1468800
>   1 | day | 17 | day 18 | 176947200 | 0 | 1468800 | 1555200
>   1 | day | 18 | day 19 | 176947200 | 0 | 1555200 | 1641600
>   1 | day | 19 | day 20 | 176947200 | 0 | 1641600 | 1728000
>   1 | day | 20 | day 21 | 176947200 | 0 | 1728000 | 1814400
>   1 | day | 21 | day 22 | 176947200 | 0 | 1814400 | 1900800
>   1 | day | 22 | day 23 | 176947200 | 0 | 1900800 | 1987200
>   1 | day | 23 | day 24 | 176947200 | 0 | 1987200 | 2073600
>   1 | day | 24 | day 25 | 176947200 | 0 | 2073600 | 2160000
>   1 | day | 25 | day 26 | 176947200 | 0 | 2160000 | 2246400
>   1 | day | 26 | day 27 | 176947200 | 0 | 2246400 | 2332800
>   1 | day | 27 | day 28 | 176947200 | 0 | 2332800 | 2419200
>   1 | day | 28 | day 29 | 176947200 | 0 | 2419200 | 2505600
>   1 | day | 29 | day 30 | 176947200 | 0 | 2505600 | 2592000
>   1 | day | 30 | day 31 | 176947200 | 0 | 2592000 | 2678400
>   1 | day | 31 | day 32 | 176947200 | 0 | 2678400 | 2764800
>   1 | day | 32 | day 33 | 176947200 | 0 | 2764800 | 2851200
>   1 | day | 33 | day 34 | 176947200 | 0 | 2851200 | 2937600
>   1 | day | 34 | day 35 | 176947200 | 0 | 2937600 | 3024000
>   1 | day | 35 | day 36 | 176947200 | 0 | 3024000 | 3110400
>   1 | day | 36 | day 37 | 176947200 | 0 | 3110400 | 3196800
>   1 | day | 37 | day 38 | 176947200 | 0 | 3196800 | 3283200
>   1 | day | 38 | day 39 | 176947200 | 0 | 3283200 | 3369600
>   1 | day | 39 | day 40 | 176947200 | 0 | 3369600 | 3456000
>   1 | day | 40 | day 41 | 176947200 | 0 | 3456000 | 3542400
>   1 | day | 41 | day 42 | 176947200 | 0 | 3542400 | 3628800
>   1 | day | 42 | day 43 | 176947200 | 0 | 3628800 | 3715200
>   1 | day | 43 | day 44 | 176947200 | 0 | 3715200 | 3801600
>   1 | day | 44 | day 45 | 176947200 | 0 | 3801600 | 3888000
>   1 | day | 45 | day 46 | 176947200 | 0 | 3888000 | 3974400
>   1 | day | 46 | day 47 | 176947200 | 0 | 3974400 | 4060800
>   1 | day | 47 | day 48 | 176947200 | 0 | 4060800 | 4147200
>   1 | day | 48 | day 49 | 176947200 | 0 | 4147200 | 4233600
>   1 | day | 49 | day 50 | 176947200 | 0 | 4233600 | 4320000
>   1 | day | 50 | day 51 | 176947200 | 0 | 4320000 | 4406400
>   1 | day | 51 | day 52 | 176947200 | 0 | 4406400 | 4492800
>   1 | day | 52 | day 53 | 176947200 | 0 | 4492800 | 4579200
>   1 | day | 53 | day 54 | 176947200 | 0 | 4579200 | 4665600
>   1 | day | 54 | day 55 | 176947200 | 0 | 4665600 | 4752000
>   1 | day | 55 | day 56 | 176947200 | 0 | 4752000 | 4838400
>   1 | day | 56 | day 57 | 140057088 | 0 | 4838400 | 4924800
>   1 | day | 57 | day 58 | 44236800 | 0 | 4924800 | 5011200
>   1 | day | 58 | day 59 | 44236800 | 0 | 5011200 | 5097600
>   1 | day | 59 | day 60 | 44236800 | 0 | 5097600 | 5184000
>   1 | day | 60 | day 61 | 44236800 | 0 | 5184000 | 5270400
>   1 | day | 61 | day 62 | 44236800 | 0 | 5270400 | 5356800
>   1 | day | 62 | day 63 | 44236800 | 0 | 5356800 | 5443200
>   1 | day | 63 | day 64 | 44236800 | 0 | 5443200 | 5529600
>   1 | day | 64 | day 65 | 44236800 | 0 | 5529600 | 5616000
>   1 | day | 65 | day 66 | 44236800 | 0 | 5616000 | 5702400
>   1 | day | 66 | day 67 | 44236800 | 0 | 5702400 | 5788800
>   1 | day | 67 | day 68 | 44236800 | 0 | 5788800 | 5875200
>   1 | day | 68 | day 69 | 30299136 | 0 | 5875200 | 5934378
>   1 | phase | 0 | pretrain | 9590401024 | 0 | 0 | 4682813
>   1 | phase | 1 | context_extension | 428400640 | 0 | 4682813 | 4891993
>   1 | phase | 2 | sft | 18001920 | 0 | 4891993 | 4900783
>   1 | phase | 3 | rl | 511200256 | 0 | 4900783 | 5934378
>   1 | phase | 4 | data | 18000384 | 0 | 5610939 | 5646096
>   1 | pool | 0 |  | 10566004224 | 0 | 0 | 5934378
>   1 | project | 0 | DeepSeek-V3 | 10036803584 | 0 | 0 | 4900783
>   1 | project | 1 | DeepSeek-R1 | 529200640 | 0 | 4900783 | 5934378
>   2 | category | 0 | productive | 26568007680 | 0 | 0 | 2197266
>   2 | day | 0 | day 1 | 1415577600 | 0 | 0 | 86400
>   2 | day | 1 | day 2 | 1415577600 | 0 | 86400 | 172800
>   2 | day | 2 | day 3 | 1415577600 | 0 | 172800 | 259200
>   2 | day | 3 | day 4 | 1415577600 | 0 | 259200 | 345600
>   2 | day | 4 | day 5 | 1415577600 | 0 | 345600 | 432000
>   2 | day | 5 | day 6 | 1415577600 | 0 | 432000 | 518400
>   2 | day | 6 | day 7 | 1415577600 | 0 | 518400 | 604800
>   2 | day | 7 | day 8 | 1415577600 | 0 | 604800 | 691200
>   2 | day | 8 | day 9 | 1415577600 | 0 | 691200 | 777600
>   2 | day | 9 | day 10 | 1415577600 | 0 | 777600 | 864000
>   2 | day | 10 | day 11 | 1415577600 | 0 | 864000 | 950400
>   2 | day | 11 | day 12 | 1415577600 | 0 | 950400 | 1036800
>   2 | day | 12 | day 13 | 782327808 | 0 | 1036800 | 1123200
>   2 | day | 13 | day 14 | 707788800 | 0 | 1123200 | 1209600
>   2 | day | 14 | day 15 | 707788800 | 0 | 1209600 | 1296000
>   2 | day | 15 | day 16 | 707788800 | 0 | 1296000 | 1382400
>   2 | day | 16 | day 17 | 707788800 | 0 | 1382400 | 1468800
>   2 | day | 17 | day 18 | 707788800 | 0 | 1468800 | 1555200
>   2 | day | 18 | day 19 | 707788800 | 0 | 1555200 | 1641600
>   2 | day | 19 | day 20 | 707788800 | 0 | 1641600 | 1728000
>   2 | day | 20 | day 21 | 707788800 | 0 | 1728000 | 1814400
>   2 | day | 21 | day 22 | 707788800 | 0 | 1814400 | 1900800
>   2 | day | 22 | day 23 | 707788800 | 0 | 1900800 | 1987200
>   2 | day | 23 | day 24 | 707788800 | 0 | 1987200 | 2073600
>   2 | day | 24 | day 25 | 707788800 | 0 | 2073600 | 2160000
>   2 | day | 25 | day 26 | 305283072 | 0 | 2160000 | 2197266
>   2 | phase | 0 | pretrain | 26568007680 | 0 | 0 | 2197266
>   2 | pool | 0 |  | 26568007680 | 0 | 0 | 2197266
>   2 | project | 0 | Llama-4 | 26568007680 | 0 | 0 | 2197266
>   3 | category | 0 | productive | 26568007680 | 0 | 0 | 2197266
>   3 | day | 0 | day 1 | 1415577600 | 0 | 0 | 86400
>   3 | day | 1 | day 2 | 1415577600 | 0 | 86400 | 172800
>   3 | day | 2 | day 3 | 1415577600 | 0 | 172800 | 259200
>   3 | day | 3 | day 4 | 1415577600 | 0 | 259200 | 345600
>   3 | day | 4 | day 5 | 1415577600 | 0 | 345600 | 432000
>   3 | day | 5 | day 6 | 1415577600 | 0 | 432000 | 518400
>   3 | day | 6 | day 7 | 1415577600 | 0 | 518400 | 604800
>   3 | day | 7 | day 8 | 1415577600 | 0 | 604800 | 691200
>   3 | day | 8 | day 9 | 1415577600 | 0 | 691200 | 777600
>   3 | day | 9 | day 10 | 1415577600 | 0 | 777600 | 864000
>   3 | day | 10 | day 11 | 1415577600 | 0 | 864000 | 950400
>   3 | day | 11 | day 12 | 1415577600 | 0 | 950400 | 1036800
>   3 | day | 12 | day 13 | 782327808 | 0 | 1036800 | 1123200
>   3 | day | 13 | day 14 | 707788800 | 0 | 1123200 | 1209600
>   3 | day | 14 | day 15 | 707788800 | 0 | 1209600 | 1296000
>   3 | day | 15 | day 16 | 707788800 | 0 | 1296000 | 1382400
>   3 | day | 16 | day 17 | 707788800 | 0 | 1382400 | 1468800
>   3 | day | 17 | day 18 | 707788800 | 0 | 1468800 | 1555200
>   3 | day | 18 | day 19 | 707788800 | 0 | 1555200 | 1641600
>   3 | day | 19 | day 20 | 707788800 | 0 | 1641600 | 1728000
>   3 | day | 20 | day 21 | 707788800 | 0 | 1728000 | 1814400
>   3 | day | 21 | day 22 | 707788800 | 0 | 1814400 | 1900800
>   3 | day | 22 | day 23 | 707788800 | 0 | 1900800 | 1987200
>   3 | day | 23 | day 24 | 707788800 | 0 | 1987200 | 2073600
>   3 | day | 24 | day 25 | 707788800 | 0 | 2073600 | 2160000
>   3 | day | 25 | day 26 | 305283072 | 0 | 2160000 | 2197266
>   3 | phase | 0 | pretrain | 26568007680 | 0 | 0 | 2197266
>   3 | pool | 0 |  | 26568007680 | 0 | 0 | 2197266
>   3 | project | 0 | Llama-4 | 26568007680 | 0 | 0 | 2197266
> table job_batches, unpacked: run_id, ordinal, job_id, phase, project, gpus, priority, submit, run_seconds
>   1 | 0 | v3-pretrain | pretrain | DeepSeek-V3 | 2048 | 0 | 0 | 4682813
>   1 | 1 | v3-context-extension | context_extension | DeepSeek-V3 | 2048 | 0 | 0 | 209180
>   1 | 2 | v3-post-training | sft | DeepSeek-V3 | 2048 | 0 | 0 | 8790
>   1 | 3 | r1-zero | rl | DeepSeek-R1 | 512 | 0 | 0 | 710156
>   1 | 4 | r1-sft-data | data | DeepSeek-R1 | 512 | 0 | 0 | 35157
>   1 | 5 | r1 | rl | DeepSeek-R1 | 512 | 0 | 0 | 288282
>   2 | 0 | llama4-scout | pretrain | Llama-4 | 8192 | 0 | 0 | 2197266
>   2 | 1 | llama4-maverick | pretrain | Llama-4 | 8192 | 0 | 0 | 1045899
>   3 | 0 | llama4-scout | pretrain | Llama-4 | 8192 | 0 | 0 | 2197266
>   3 | 1 | llama4-maverick | pretrain | Llama-4 | 8192 | 0 | 0 | 1045899
> table job_events: event_id, run_id, time, job_id, kind, nodes, cause
> table run_groups: group_id, plan_name, plan_sha256, policy, first_seed, seeds, created
>   1 | llama4 | 6da09600dc19d24df5cf0aa3310f20444022d064e4998fdf255a95157507d2ed | fcfs | 0 | 2 | 2026-01-01T00:00:00Z
> table runs: run_id, plan_name, plan_source, plan_sha256, gpu_model, nodes, gpus_per_node, gpu_tdp_watts, policy, seed, pricing, wall_start, wall_end, sim_start, sim_end, status, metrics, idle_gpu_seconds, down_gpu_seconds, group_id, strategy, writer, totals, digest, start_utc, pools
>   1 | deepseek-v3-r1 | traces/deepseek-v3-r1.textproto | ed45010973fe0d5a6d3ecd40d9b7e71d026a76e1ac6f9127cdd501455e38acc7 | H800 | 256 | 8 | 700.0 | fcfs | 0 | rental {\n  usd_per_gpu_hour: 2\n}\nowned {\n  capital_usd_per_gpu: 25000\n  network_share: 0\n  depreciation: STRAIGHT_LINE\n  depreciation_years: 4\n  residual_share: 0\n  server_power_factor: 1.82\n  busy_load: 0.75\n  idle_load: 0.75\n  pue: 1.25\n  usd_per_kwh: 0.08\n  operations_share_per_year: 0\n}\n | 2026-01-01T00:00:00Z | 2026-01-01T00:00:00Z | 0 | 5934378 | complete | jobs_done: 6\nmakespan_seconds: 5934378\nwait_mean_seconds: 1465\nwait_p95_seconds: 8790\nbounded_slowdown_mean: 1.0020629270188521\nutilization: 0.86937194597310785\ngoodput: 1\ndependency_wait_mean_seconds: 4287305.666666667\n | 1587601920 | 0 | NULL |  | $WRITER | phase,project,category,pool,day | a4734a675e46d18cabb01b84916a19f1196477c07a0da7daca32a4cd790c8020 | NULL | 
>   2 | llama4 | traces/llama4.textproto | 6da09600dc19d24df5cf0aa3310f20444022d064e4998fdf255a95157507d2ed | H100 | 2048 | 8 | 700.0 | fcfs | 0 | rental {\n  usd_per_gpu_hour: 2\n}\nowned {\n  capital_usd_per_gpu: 25000\n  network_share: 0\n  depreciation: STRAIGHT_LINE\n  depreciation_years: 4\n  residual_share: 0\n  server_power_factor: 1.82\n  busy_load: 0.75\n  idle_load: 0.75\n  pue: 1.25\n  usd_per_kwh: 0.08\n  operations_share_per_year: 0\n}\n | 2026-01-01T00:00:00Z | 2026-01-01T00:00:00Z | 0 | 2197266 | complete | jobs_done: 2\nmakespan_seconds: 2197266\nbounded_slowdown_mean: 1\nutilization: 0.73800008738131839\ngoodput: 1\n | 9431998464 | 0 | 1 |  | $WRITER | phase,project,category,pool,day | fffc00ca20128b1fddae4eaa2fdc721a738119936d63ca58519651c500e4df69 | NULL | 
>   3 | llama4 | traces/llama4.textproto | 6da09600dc19d24df5cf0aa3310f20444022d064e4998fdf255a95157507d2ed | H100 | 2048 | 8 | 700.0 | fcfs | 1 | rental {\n  usd_per_gpu_hour: 2\n}\nowned {\n  capital_usd_per_gpu: 25000\n  network_share: 0\n  depreciation: STRAIGHT_LINE\n  depreciation_years: 4\n  residual_share: 0\n  server_power_factor: 1.82\n  busy_load: 0.75\n  idle_load: 0.75\n  pue: 1.25\n  usd_per_kwh: 0.08\n  operations_share_per_year: 0\n}\n | 2026-01-01T00:00:00Z | 2026-01-01T00:00:00Z | 0 | 2197266 | complete | jobs_done: 2\nmakespan_seconds: 2197266\nbounded_slowdown_mean: 1\nutilization: 0.73800008738131839\ngoodput: 1\n | 9431998464 | 0 | 1 |  | $WRITER | phase,project,category,pool,day | c5ddb273acff4dd2e26742e95885c845935846a9342423285d5b7d62f9d7ce91 | NULL | 
> user_version 13
$ gpuledger ledger migrate "$TMP/l.sqlite"
> $TMP/l.sqlite: schema version 13 is current
$ gpuledger ledger repair "$TMP/l.sqlite"
> $TMP/l.sqlite: 0 runs abandoned, 0 left running
$ gpuledger ledger verify "$TMP/l.sqlite"
> $TMP/l.sqlite: sound: 3 runs (3 complete), 1 group, 10 jobs, 15 entries, 0 events; 3 digests match
# A run's stored idle total edited behind the ledger's back (its trigger
# dropped first): verify names the run, what differs, and exits 1.
$ cp "$TMP/l.sqlite" "$TMP/edited.sqlite"
$ python3 -c 'import sqlite3, sys; d = sqlite3.connect(sys.argv[1]); d.executescript("DROP TRIGGER runs_final; UPDATE runs SET idle_gpu_seconds = idle_gpu_seconds + 8 WHERE run_id = 2;")' "$TMP/edited.sqlite"
$ gpuledger ledger verify "$TMP/edited.sqlite"
> $TMP/edited.sqlite: trigger runs_final is missing: the rows it keeps append-only could have been changed
> $TMP/edited.sqlite: run 2: stores 9431998472 idle GPU-seconds; its entries hold 9431998464
> $TMP/edited.sqlite: run 2: content digest differs: stored fffc00ca20128b1f..., its contents give 8deb40ec6d9f2dd9...
> $TMP/edited.sqlite: NOT SOUND: 3 problems; 3 runs (3 complete), 1 group, 10 jobs, 15 entries, 0 events; 2 digests match
? 1
$ gpuledger ledger verify "$TMP/missing.sqlite"
2> gpuledger: $TMP/missing.sqlite: no such ledger
? 2
$ gpuledger ledger repair "$TMP/missing.sqlite"
2> gpuledger: $TMP/missing.sqlite: no such ledger
? 2
