# The ledger file itself: a whole dump after a replay and a group, and
# `ledger migrate` / `ledger repair` (README, docs/ARCHITECTURE.md "Ledger schema").
$ gpuledger replay traces/deepseek-v3-r1.textproto --ledger "$TMP/l.sqlite" >/dev/null
$ gpuledger replay traces/llama4.textproto --seeds 2 --threads 1 --ledger "$TMP/l.sqlite" >/dev/null
$ ledger-dump "$TMP/l.sqlite"
> table job_events: event_id, run_id, time, job_id, kind, nodes
> table jobs: run_id, ordinal, job_id, phase, project, gpus, priority, submit, run_seconds
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
> table run_groups: group_id, plan_name, plan_sha256, policy, first_seed, seeds, created
>   1 | llama4 | 6da09600dc19d24df5cf0aa3310f20444022d064e4998fdf255a95157507d2ed | fcfs | 0 | 2 | 2026-01-01T00:00:00Z
> table runs: run_id, plan_name, plan_source, plan_sha256, gpu_model, nodes, gpus_per_node, gpu_tdp_watts, policy, seed, pricing, wall_start, wall_end, sim_start, sim_end, status, metrics, idle_gpu_seconds, down_gpu_seconds, group_id, strategy, writer
>   1 | deepseek-v3-r1 | traces/deepseek-v3-r1.textproto | ed45010973fe0d5a6d3ecd40d9b7e71d026a76e1ac6f9127cdd501455e38acc7 | H800 | 256 | 8 | 700.0 | fcfs | 0 | rental {\n  usd_per_gpu_hour: 2\n}\nowned {\n  capital_usd_per_gpu: 25000\n  network_share: 0\n  depreciation: STRAIGHT_LINE\n  depreciation_years: 4\n  residual_share: 0\n  server_power_factor: 1.82\n  busy_load: 0.75\n  idle_load: 0.75\n  pue: 1.25\n  usd_per_kwh: 0.08\n  operations_share_per_year: 0\n}\n | 2026-01-01T00:00:00Z | 2026-01-01T00:00:00Z | 0 | 5934378 | complete | jobs_done: 6\nmakespan_seconds: 5934378\nwait_mean_seconds: 1465\nwait_p95_seconds: 8790\nbounded_slowdown_mean: 1.0020629270188521\nutilization: 0.86937194597310785\ngoodput: 1\ndependency_wait_mean_seconds: 4287305.666666667\n | 1587601920 | 0 | NULL |  | $WRITER
>   2 | llama4 | traces/llama4.textproto | 6da09600dc19d24df5cf0aa3310f20444022d064e4998fdf255a95157507d2ed | H100 | 2048 | 8 | 700.0 | fcfs | 0 | rental {\n  usd_per_gpu_hour: 2\n}\nowned {\n  capital_usd_per_gpu: 25000\n  network_share: 0\n  depreciation: STRAIGHT_LINE\n  depreciation_years: 4\n  residual_share: 0\n  server_power_factor: 1.82\n  busy_load: 0.75\n  idle_load: 0.75\n  pue: 1.25\n  usd_per_kwh: 0.08\n  operations_share_per_year: 0\n}\n | 2026-01-01T00:00:00Z | 2026-01-01T00:00:00Z | 0 | 2197266 | complete | jobs_done: 2\nmakespan_seconds: 2197266\nbounded_slowdown_mean: 1\nutilization: 0.73800008738131839\ngoodput: 1\n | 9431998464 | 0 | 1 |  | $WRITER
>   3 | llama4 | traces/llama4.textproto | 6da09600dc19d24df5cf0aa3310f20444022d064e4998fdf255a95157507d2ed | H100 | 2048 | 8 | 700.0 | fcfs | 1 | rental {\n  usd_per_gpu_hour: 2\n}\nowned {\n  capital_usd_per_gpu: 25000\n  network_share: 0\n  depreciation: STRAIGHT_LINE\n  depreciation_years: 4\n  residual_share: 0\n  server_power_factor: 1.82\n  busy_load: 0.75\n  idle_load: 0.75\n  pue: 1.25\n  usd_per_kwh: 0.08\n  operations_share_per_year: 0\n}\n | 2026-01-01T00:00:00Z | 2026-01-01T00:00:00Z | 0 | 2197266 | complete | jobs_done: 2\nmakespan_seconds: 2197266\nbounded_slowdown_mean: 1\nutilization: 0.73800008738131839\ngoodput: 1\n | 9431998464 | 0 | 1 |  | $WRITER
> table usage: entry_id, run_id, job_id, phase, category, start, end, gpus, gpu_seconds, nodes, pool
>   1 | 1 | v3-pretrain | pretrain | productive | 0 | 4682813 | 2048 | 9590401024 | 0-31,32-63,64-95,96-127,128-159,160-191,192-223,224-255 | 
>   2 | 1 | v3-context-extension | context_extension | productive | 4682813 | 4891993 | 2048 | 428400640 | 0-31,32-63,64-95,96-127,128-159,160-191,192-223,224-255 | 
>   3 | 1 | v3-post-training | sft | productive | 4891993 | 4900783 | 2048 | 18001920 | 0-31,32-63,64-95,96-127,128-159,160-191,192-223,224-255 | 
>   4 | 1 |  |  | idle | 4900783 | 5610939 | 1536 | 1090799616 |  | 
>   5 | 1 | r1-zero | rl | productive | 4900783 | 5610939 | 512 | 363599872 | 0-31,32-63 | 
>   6 | 1 |  |  | idle | 5610939 | 5646096 | 1536 | 54001152 |  | 
>   7 | 1 | r1-sft-data | data | productive | 5610939 | 5646096 | 512 | 18000384 | 0-31,32-63 | 
>   8 | 1 |  |  | idle | 5646096 | 5934378 | 1536 | 442801152 |  | 
>   9 | 1 | r1 | rl | productive | 5646096 | 5934378 | 512 | 147600384 | 0-31,32-63 | 
>   10 | 2 | llama4-maverick | pretrain | productive | 0 | 1045899 | 8192 | 8568004608 | 1024-1055,1056-1087,1088-1119,1120-1151,1152-1183,1184-1215,1216-1247,1248-1279,1280-1311,1312-1343,1344-1375,1376-1407,1408-1439,1440-1471,1472-1503,1504-1535,1536-1567,1568-1599,1600-1631,1632-1663,1664-1695,1696-1727,1728-1759,1760-1791,1792-1823,1824-1855,1856-1887,1888-1919,1920-1951,1952-1983,1984-2015,2016-2047 | 
>   11 | 2 |  |  | idle | 1045899 | 2197266 | 8192 | 9431998464 |  | 
>   12 | 2 | llama4-scout | pretrain | productive | 0 | 2197266 | 8192 | 18000003072 | 0-31,32-63,64-95,96-127,128-159,160-191,192-223,224-255,256-287,288-319,320-351,352-383,384-415,416-447,448-479,480-511,512-543,544-575,576-607,608-639,640-671,672-703,704-735,736-767,768-799,800-831,832-863,864-895,896-927,928-959,960-991,992-1023 | 
>   13 | 3 | llama4-maverick | pretrain | productive | 0 | 1045899 | 8192 | 8568004608 | 1024-1055,1056-1087,1088-1119,1120-1151,1152-1183,1184-1215,1216-1247,1248-1279,1280-1311,1312-1343,1344-1375,1376-1407,1408-1439,1440-1471,1472-1503,1504-1535,1536-1567,1568-1599,1600-1631,1632-1663,1664-1695,1696-1727,1728-1759,1760-1791,1792-1823,1824-1855,1856-1887,1888-1919,1920-1951,1952-1983,1984-2015,2016-2047 | 
>   14 | 3 |  |  | idle | 1045899 | 2197266 | 8192 | 9431998464 |  | 
>   15 | 3 | llama4-scout | pretrain | productive | 0 | 2197266 | 8192 | 18000003072 | 0-31,32-63,64-95,96-127,128-159,160-191,192-223,224-255,256-287,288-319,320-351,352-383,384-415,416-447,448-479,480-511,512-543,544-575,576-607,608-639,640-671,672-703,704-735,736-767,768-799,800-831,832-863,864-895,896-927,928-959,960-991,992-1023 | 
> user_version 6
$ gpuledger ledger migrate "$TMP/l.sqlite"
> $TMP/l.sqlite: schema version 6 is current
$ gpuledger ledger repair "$TMP/l.sqlite"
> $TMP/l.sqlite: 0 runs abandoned, 0 left running
$ gpuledger ledger repair "$TMP/missing.sqlite"
2> gpuledger: $TMP/missing.sqlite: no such ledger
? 2
