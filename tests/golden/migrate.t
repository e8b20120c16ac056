# An old ledger (schema 1, tests/data/ledger_v1.sqlite): readers refuse it
# and name the migration, `ledger migrate` upgrades it and says so, and then
# it reads. More bad values that reach their own parsers.
$ cp tests/data/ledger_v1.sqlite "$TMP/old.sqlite"
$ gpuledger report --ledger "$TMP/old.sqlite"
2> gpuledger: $TMP/old.sqlite: ledger schema version 1 is older than this gpuledger's (13); reading never changes a ledger: upgrade it first with gpuledger ledger migrate $TMP/old.sqlite
? 2
$ gpuledger ledger migrate "$TMP/old.sqlite"
> $TMP/old.sqlite: migrated from schema version 1 to 13
$ gpuledger ledger migrate "$TMP/old.sqlite"
> $TMP/old.sqlite: schema version 13 is current
$ gpuledger report --ledger "$TMP/old.sqlite" --by phase
> run 1  small  (complete, fcfs, seed 0)
> cluster: 2 nodes x 8 H800 = 16 GPUs; simulated window 0.21 days (18,000 s)
>
> phase     GPU-hours  rental USD  owned USD  start day  end day
> pretrain      32.00       64.00      25.87       0.00     0.08
> rl            12.00       24.00       9.70       0.08     0.21
> eval           1.00        2.00       0.81       0.08     0.10
> --------------------------------------------------------------
> all jobs      45.00       90.00      36.38       0.00     0.21
> idle          35.00        0.00      28.30       0.00     0.21
> --------------------------------------------------------------
> total         80.00       90.00      64.68       0.00     0.21
>
> rental: $2.0000 per GPU-hour held by a job; idle capacity costs a renter nothing
> owned: cluster capital $400,000.00 (16 GPUs); per GPU-hour: depreciation $0.7130 + operations $0.0000 + energy $0.0956 busy / $0.0956 idle = $0.8085 per busy GPU-hour
> owned: the window's cost $64.68 over 45.00 GPU-hours used = $1.4374 per GPU-hour used, idle capacity included
> break-even: owning costs what renting does at 40.43% utilization of the owned GPUs (this run: 56.25%)
$ gpuledger compare traces/deepseek-v3-r1.textproto --horizon soon
2> gpuledger: --horizon: "soon" is not a positive duration such as 4y, 90d, 2000h
? 2
$ gpuledger compare traces/deepseek-v3-r1.textproto --own-sizes 4
2> gpuledger: --own-sizes 4: strategy "own 4": committed capacity must be at least one 8-GPU node, got 4 GPUs
? 2
$ printf 'name: "x"\ncluster { gpu: "H800" nodes: 2 failure_model: "%s/nofile.textproto" }\njobs { id: "a" phase: PRETRAIN gpus: 8 gpu_hours: 5 }\n' "$TMP" > "$TMP/fm.textproto"
$ gpuledger replay "$TMP/fm.textproto" --ledger "$TMP/l.sqlite"
2> gpuledger: $TMP/fm.textproto:2:32: cluster: field failure_model: $TMP/nofile.textproto: cannot read failure model
? 2
$ printf 'gpu: "H100"\nunexpected { interruptions: -3 gpus: 16 days: 1 }\n' > "$TMP/bad-model.textproto" && printf 'name: "x"\ncluster { gpu: "H800" nodes: 2 failure_model: "bad-model.textproto" }\njobs { id: "a" phase: PRETRAIN gpus: 8 gpu_hours: 5 }\n' > "$TMP/fm2.textproto"
$ gpuledger replay "$TMP/fm2.textproto" --ledger "$TMP/l.sqlite"
2> gpuledger: $TMP/fm2.textproto:2:32: cluster: field failure_model: $TMP/bad-model.textproto:2:1: field unexpected: interruptions must not be negative, gpus and days must be positive
? 2
