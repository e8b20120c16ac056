# Bad input, one per class: each message names the file, line and field
# (or the option), exits 2 and writes nothing.
$ printf 'name: "x"\ncluster { gpu: "H800" nodes: 2 }\njobs { id: "a" phase: PRETRAIN gpus: 8 gpu_hours: -5 }\n' > "$TMP/bad.textproto"
$ gpuledger replay "$TMP/bad.textproto" --ledger "$TMP/l.sqlite"
2> gpuledger: $TMP/bad.textproto:3:40: job "a": field gpu_hours must be a positive finite number, got -5
? 2
$ printf 'name: "x"\ncluster { gpu: "H800" nodes: 2 }\njobs { id: "a" phase: PRETRAN gpus: 8 gpu_hours: 5 }\n' > "$TMP/syntax.textproto"
$ gpuledger replay "$TMP/syntax.textproto" --ledger "$TMP/l.sqlite"
2> gpuledger: $TMP/syntax.textproto:3:31: Unknown enumeration value of "PRETRAN" for field "phase" (one of: PRETRAIN, CONTEXT_EXTENSION, SFT, RL, EVAL, DATA, OTHER, DEBUG, ABLATION)
? 2
$ printf 'name: "x"\ncluster { gpu: "H800" nodes: 2 }\njobs { id: "a" phase: PRETRAIN gpus: 8 gpu_hours: 5 submit_seconds: 9223372036854775807 }\n' > "$TMP/huge.textproto"
$ gpuledger replay "$TMP/huge.textproto" --ledger "$TMP/l.sqlite"
2> gpuledger: $TMP/huge.textproto:3:53: job "a": field submit_seconds must be in [0, 3155760000] (100 years), got 9223372036854775807
? 2
$ printf 'name: "x"\ncluster { gpu: "H800" nodes: 2 }\njobs { id: "a" phase: PRETRAIN gpus: 8 gpu_hours: 5 }\npricing { rental { usd_per_gpu_hour: 1e7 } }\n' > "$TMP/price.textproto"
$ gpuledger replay "$TMP/price.textproto" --ledger "$TMP/l.sqlite"
2> gpuledger: $TMP/price.textproto:4:20: field pricing.rental.usd_per_gpu_hour must be in [0, 10000], got 1e+07
? 2
$ printf '# cluster_gpus: 16\nid,submit_seconds,gpus,run_seconds,status\na,0,eight,10,completed\n' > "$TMP/bad.csv"
$ gpuledger replay "$TMP/bad.csv" --ledger "$TMP/l.sqlite"
2> gpuledger: $TMP/bad.csv:3: field gpus: "eight" is not a whole number
? 2
$ printf '# cluster_gpus: 16\n{"id": "a", "gpus": 8, "run_seconds": 9, "eligible_seconds": -1}\n' > "$TMP/bad.jsonl"
$ gpuledger replay "$TMP/bad.jsonl" --ledger "$TMP/l.sqlite"
2> gpuledger: $TMP/bad.jsonl:2: field eligible_seconds must be in [0, 3155760000], got -1
? 2
$ printf '; MaxProcs: 16\n1 0 -1 10 x -1 -1 4 -1 -1 1 1 1 -1 1 -1 -1 -1\n' > "$TMP/bad.swf"
$ gpuledger replay "$TMP/bad.swf" --ledger "$TMP/l.sqlite"
2> gpuledger: $TMP/bad.swf:2: field 5 ("x") is not a number
? 2
$ zcat tests/data/lublin_256.swf.gz | head -c 20000 | gzip -c | head -c 3000 > "$TMP/cut.swf.gz"
$ gpuledger replay "$TMP/cut.swf.gz" --ledger "$TMP/l.sqlite"
2> gpuledger: $TMP/cut.swf.gz: the file is truncated or corrupt (zlib: unexpected end of file); refusing a partial trace
? 2
$ printf 'rental { usd_per_gpu_hour: -1 }\n' > "$TMP/p.textproto"
$ printf 'strategies { name: "a" committed: "leased" }\n' > "$TMP/s.textproto"
$ gpuledger compare traces/deepseek-v3-r1.textproto --strategies "$TMP/s.textproto"
2> gpuledger: $TMP/s.textproto:1:24: strategy "a": field committed must be "owned", "reserved" or empty, got "leased"
? 2
$ printf 'name: "x" gpu: "A100" cluster_gpus: 16 jobs_per_day: 10 max_run_seconds: 100\nheld_share: 1.5\ntypes { type: "a" share: 1 size_weights: [1] run_median_seconds: 9 }\n' > "$TMP/g.textproto"
$ gpuledger gen --preset "$TMP/g.textproto" --jobs 5 -o "$TMP/g.csv"
2> gpuledger: $TMP/g.textproto:2:1: field held_share: must be in [0, 1]
? 2
$ gpuledger replay traces/nope.textproto --ledger "$TMP/l.sqlite"
2> gpuledger: traces/nope.textproto: cannot read plan file: No such file or directory
? 2
$ gpuledger replay traces/deepseek-v3-r1.textproto --ledger "$TMP/l.sqlite" --schedule-out "$TMP/no/such/dir/s.csv"
2> gpuledger: --schedule-out: $TMP/no/such/dir/s.csv: cannot write: No such file or directory
? 2
$ gpuledger replay traces/deepseek-v3-r1.textproto --ledger "$TMP/l.sqlite" --schedule-out "$TMP/l.sqlite"
2> gpuledger: --schedule-out: $TMP/l.sqlite is the ledger $TMP/l.sqlite; writing there would destroy it
? 2
$ gpuledger report --ledger "$TMP/missing.sqlite"
2> gpuledger: $TMP/missing.sqlite: no such ledger
? 2
$ printf 'not a ledger' > "$TMP/text.sqlite" && gpuledger report --ledger "$TMP/text.sqlite"
2> gpuledger: ledger $TMP/text.sqlite: file is not a database
? 2
# Nothing above wrote a ledger; now one run.
$ ls "$TMP"
> bad.csv
> bad.jsonl
> bad.swf
> bad.textproto
> cut.swf.gz
> g.textproto
> home
> huge.textproto
> p.textproto
> price.textproto
> s.textproto
> syntax.textproto
> text.sqlite

$ gpuledger replay traces/deepseek-v3-r1.textproto --ledger "$TMP/l.sqlite" >/dev/null
$ gpuledger report --ledger "$TMP/l.sqlite" --run 7
2> gpuledger: no run 7 in the ledger
? 2
$ gpuledger report --ledger "$TMP/l.sqlite" --pricing "$TMP/p.textproto"
2> gpuledger: $TMP/p.textproto:1:10: field rental.usd_per_gpu_hour must be in [0, 10000], got -1
? 2
$ gpuledger export --ledger "$TMP/l.sqlite" --epoch 2025-13-01
2> gpuledger: --epoch: expected YYYY-MM-DD, got "2025-13-01"
? 2
$ gpuledger compare traces/deepseek-v3-r1.textproto --horizon 4 weeks
2> The following argument was not expected: weeks
2> Run with --help for more information.
? 2
$ gpuledger reply traces/deepseek-v3-r1.textproto
2> gpuledger: unknown command "reply"; did you mean "replay"? (commands: replay, report, compare, gen, export, serve, ledger, query)
? 2
$ gpuledger report --by year
2> --by: year not in {job,phase,project,category,pool,day,week,month,quarter,model}
2> Run with --help for more information.
? 2
$ gpuledger replay
2> plan is required
2> Run with --help for more information.
? 2
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
> table job_batches, unpacked: run_id, ordinal, job_id, phase, project, gpus, priority, submit, run_seconds
>   1 | 0 | v3-pretrain | pretrain | DeepSeek-V3 | 2048 | 0 | 0 | 4682813
>   1 | 1 | v3-context-extension | context_extension | DeepSeek-V3 | 2048 | 0 | 0 | 209180
>   1 | 2 | v3-post-training | sft | DeepSeek-V3 | 2048 | 0 | 0 | 8790
>   1 | 3 | r1-zero | rl | DeepSeek-R1 | 512 | 0 | 0 | 710156
>   1 | 4 | r1-sft-data | data | DeepSeek-R1 | 512 | 0 | 0 | 35157
>   1 | 5 | r1 | rl | DeepSeek-R1 | 512 | 0 | 0 | 288282
> table job_events: event_id, run_id, time, job_id, kind, nodes, cause
> table run_groups: group_id, plan_name, plan_sha256, policy, first_seed, seeds, created
> table runs: run_id, plan_name, plan_source, plan_sha256, gpu_model, nodes, gpus_per_node, gpu_tdp_watts, policy, seed, pricing, wall_start, wall_end, sim_start, sim_end, status, metrics, idle_gpu_seconds, down_gpu_seconds, group_id, strategy, writer, totals, digest, start_utc, pools
>   1 | deepseek-v3-r1 | traces/deepseek-v3-r1.textproto | ed45010973fe0d5a6d3ecd40d9b7e71d026a76e1ac6f9127cdd501455e38acc7 | H800 | 256 | 8 | 700.0 | fcfs | 0 | rental {\n  usd_per_gpu_hour: 2\n}\nowned {\n  capital_usd_per_gpu: 25000\n  network_share: 0\n  depreciation: STRAIGHT_LINE\n  depreciation_years: 4\n  residual_share: 0\n  server_power_factor: 1.82\n  busy_load: 0.75\n  idle_load: 0.75\n  pue: 1.25\n  usd_per_kwh: 0.08\n  operations_share_per_year: 0\n}\n | 2026-01-01T00:00:00Z | 2026-01-01T00:00:00Z | 0 | 5934378 | complete | jobs_done: 6\nmakespan_seconds: 5934378\nwait_mean_seconds: 1465\nwait_p95_seconds: 8790\nbounded_slowdown_mean: 1.0020629270188521\nutilization: 0.86937194597310785\ngoodput: 1\ndependency_wait_mean_seconds: 4287305.666666667\n | 1587601920 | 0 | NULL |  | $WRITER | phase,project,category,pool,day | a4734a675e46d18cabb01b84916a19f1196477c07a0da7daca32a4cd790c8020 | NULL | 
> user_version 13
# The scheduler's checks, an unknown GPU model, the money bound, a strategy
# set that does not parse, an unknown pricing profile, a run not there; none
# of them writes a ledger.
$ printf 'name: "x"\ncluster { gpu: "H800" nodes: 2 }\njobs { id: "a" phase: PRETRAIN gpus: 8 gpu_hours: 5 after: "b" }\njobs { id: "b" phase: PRETRAIN gpus: 8 gpu_hours: 5 after: "a" }\n' > "$TMP/cycle.textproto"
$ gpuledger replay "$TMP/cycle.textproto" --ledger "$TMP/none.sqlite"
2> gpuledger: $TMP/cycle.textproto:3:53: job "a": field after: cyclic dependency "a" -> "b" -> "a"
? 2
$ printf 'name: "x"\ncluster { gpu: "H800" nodes: 2 }\njobs { id: "a" phase: PRETRAIN gpus: 64 gpu_hours: 5 }\n' > "$TMP/wide.textproto"
$ gpuledger replay "$TMP/wide.textproto" --ledger "$TMP/none.sqlite"
2> gpuledger: $TMP/wide.textproto:3:32: job "a": field gpus: 64 GPUs is bigger than the cluster (16 GPUs)
? 2
$ printf 'name: "x"\ncluster { gpu: "H900" nodes: 2 }\njobs { id: "a" phase: PRETRAIN gpus: 8 gpu_hours: 5 }\n' > "$TMP/gpu.textproto"
$ gpuledger replay "$TMP/gpu.textproto" --ledger "$TMP/none.sqlite"
2> gpuledger: $TMP/gpu.textproto:2:11: cluster: field gpu: unknown GPU model "H900" (known: A100, B200, GB200, H100, H20, H200, H800)
? 2
$ printf 'name: "x"\ncluster { nodes: 1000000 }\npricing { rental { usd_per_gpu_hour: 10000 } }\njobs { id: "a" phase: PRETRAIN gpus: 8 wall_clock_hours: 876000 }\n' > "$TMP/rich.textproto"
$ gpuledger replay "$TMP/rich.textproto" --ledger "$TMP/none.sqlite"
2> gpuledger: $TMP/rich.textproto: at its prices (up to $10000 per GPU-hour) a replay of this plan could cost more than $9,223,372,036,854.78, the most gpuledger represents; lower the prices or the work
? 2
$ printf 'strategies { name: "x" committed: "owned" committed_share_of_peak: 1 committed_pricing: "owned-straight-line" \n' > "$TMP/strat.textproto"
$ gpuledger compare traces/deepseek-v3-r1.textproto --strategies "$TMP/strat.textproto"
2> gpuledger: $TMP/strat.textproto:2:1: Expected identifier, got: 
? 2
$ gpuledger replay traces/deepseek-v3-r1.textproto --ledger "$TMP/ok.sqlite" >/dev/null
$ gpuledger report --ledger "$TMP/ok.sqlite" --pricing nosuch-profile
2> gpuledger: unknown pricing profile "nosuch-profile" (shipped: on-demand-falling, on-demand-hyperscaler, on-demand, owned-epoch-b200, owned-epoch, owned-financed, owned-straight-line, reserved-1y-market, reserved-1y, reserved-3y; or give a path to a .textproto file)
? 2
$ gpuledger report --ledger "$TMP/ok.sqlite" --run 7
2> gpuledger: no run 7 in the ledger
? 2
$ printf '; MaxProcs: 16\n1 0 -1 100 4 -1 -1 4 100 -1 1 1 1 1 1 1 -1 -1\n1 10 -1 100 4 -1 -1 4 100 -1 1 1 1 1 1 1 -1 -1\n' > "$TMP/dup.swf"
$ gpuledger replay "$TMP/dup.swf" --ledger "$TMP/none.sqlite"
2> gpuledger: $TMP/dup.swf:3: field 1: job id 1 repeats the id of the job on line 2
? 2
$ ls "$TMP"/none* 2>/dev/null || echo "no ledger written"
> no ledger written
