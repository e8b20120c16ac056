# What the command line says about itself.
$ gpuledger --help
> gpuledger: replay GPU training plans and price every GPU-second
> Usage: gpuledger [OPTIONS] SUBCOMMAND
>
> Options:
>   -h,--help                   Print this help message and exit
>   --version                   Display program version information and exit
>
> Subcommands:
>   replay                      Replay a plan (.textproto) into a SQLite ledger and print a summary
>   report                      Print the cost report of a run in a ledger
>   compare                     Replay a plan under ways of getting its GPUs (owned, reserved, on-demand) and compare their costs
>   gen                         Generate a synthetic job trace from a preset (docs/traces.md)
>   export                      Export a run's costs (FinOps FOCUS 1.3 CSV)
>   serve                       Serve a ledger over gRPC (LedgerService, ReplayService, health, reflection)
>   ledger                      Look after a ledger file
>   query                       Ask a running gpuledger server
>
$ gpuledger --version
> gpuledger 0.2.0 (ledger schema 13)
$ gpuledger replay --help
> Replay a plan (.textproto) into a SQLite ledger and print a summary
> Usage: gpuledger replay [OPTIONS] plan
>
> Positionals:
>   plan TEXT REQUIRED          Plan file in protobuf text format
>
> Options:
>   -h,--help                   Print this help message and exit
>   --ledger TEXT=$TMP/home/.local/share/gpuledger/ledger.sqlite
>                               Ledger file (created if missing)
>   --seed INT=0                Seed recorded with the run (random models draw from it)
>   --seeds INT                 Monte Carlo: replay N times with seeds --seed .. --seed+N-1, as one run group, and print the mean and 5th/95th percentiles
>   --threads INT=0             Threads for --seeds (0: one per core; at most 256)
>   --format TEXT:{auto,plan,swf,trace}=auto
>                               Input format: a plan (.textproto), an SWF trace (.swf, .swf.gz) or a job trace (.jsonl, .csv, either .gz; docs/traces.md); auto goes by the file name
>   --policy TEXT:{fcfs,easy,conservative,priority}=fcfs
>                               Scheduling policy
>   --backfill-depth INT=-1     Waiting jobs a backfilling pass examines after the head (negative: all)
>   --capacity INT              SWF: GPUs of the cluster (default: the trace's MaxProcs, else MaxNodes)
>   --gpus-per-node INT=1       GPUs per node (SWF: default 1; job traces: the file's, else the GPU model's)
>   --schedule-out TEXT         Also write the schedule as CSV: job_id,submit,start,end,gpus
>   --start-date TEXT           UTC date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ) of simulated second 0; overrides the plan's start_date. Reports then group by real days, weeks, months, quarters
>
$ gpuledger report --help
> Print the cost report of a run in a ledger
> Usage: gpuledger report [OPTIONS]
>
> Options:
>   -h,--help                   Print this help message and exit
>   --ledger TEXT=$TMP/home/.local/share/gpuledger/ledger.sqlite
>                               Ledger file
>   --run INT Excludes: --comparison --group
>                               Run id (default: the newest complete run)
>   --group INT Excludes: --comparison --run
>                               Run group id (from replay --seeds): mean and percentiles over its runs
>   --comparison INT Excludes: --group --run
>                               Comparison id (kept by compare --ledger): its table as compare printed it, and a dated one's cash flow by month
>   --pricing TEXT              Reprice the run with a pricing profile: a shipped one (on-demand, on-demand-hyperscaler, on-demand-falling, reserved-1y, reserved-3y, reserved-1y-market, owned-straight-line, owned-epoch, owned-financed) or a .textproto file
>   --view TEXT:{rental,owned,both}=both
>                               Which prices to show
>   --by TEXT:{job,phase,project,category,pool,day,week,month,quarter,model}=job
>                               Group rows by (month and quarter: runs with a start date)
>   --format TEXT:{table,csv,json}=table
>                               Output format
>   --partial                   Report a run that is not complete (its figures are partial)
>   --html TEXT                 Write the run's report as one HTML page with charts to this file (opens offline in any browser)
>
$ gpuledger compare --help
> Replay a plan under ways of getting its GPUs (owned, reserved, on-demand) and compare their costs
> Usage: gpuledger compare [OPTIONS] plan
>
> Positionals:
>   plan TEXT REQUIRED          Plan file in protobuf text format
>
> Options:
>   -h,--help                   Print this help message and exit
>   --ledger TEXT               Keep each strategy's run in this ledger (created if missing); without it the replays are priced and not kept
>   --strategies TEXT Excludes: --own-sizes
>                               Strategies file (gpuledger.v1.StrategySet); default: traces/strategies/default.textproto
>   --own-sizes INT ... Excludes: --strategies
>                               Sweep: own N GPUs and queue, for each N (e.g. 512,1024,2048,4096)
>   --horizon TEXT              Price every strategy over this long (4y, 90d, 2000h); default: each replay
>   --policy TEXT:{fcfs,easy,conservative,priority}=fcfs
>                               Scheduling policy
>   --seed INT=0                Seed (failures)
>   --format TEXT:{table,csv}=table
>                               Output format
>   --html TEXT                 Also write the comparison as one HTML page with charts to this file
>   --start-date TEXT           ISO 8601 date (UTC) of the plan's first second, over its start_date; a dated comparison adds each strategy's cash flow (docs/compare.md)
>   --discount-rate TEXT        Yearly rate the cash flow is discounted at for the present cost (8% or 0.08; default 0)
>   --cash-flow                 Also print each strategy's cash flow month by month (a dated plan)
>   --vary TEXT ...             Sensitivity: FIELD=LOW..HIGH, replayed at each end (repeatable; fields: rental_change_per_year, purchase_price, resale_share, spare_utilization, discount_rate, failure_rate)
>
$ gpuledger gen --help
> Generate a synthetic job trace from a preset (docs/traces.md)
> Usage: gpuledger gen [OPTIONS]
>
> Options:
>   -h,--help                   Print this help message and exit
>   --preset TEXT REQUIRED      Preset: a shipped one (kalos, pretrain-campaign, rl-campaign, seren; docs/traces.md) or a .textproto file
>   --jobs INT REQUIRED         Jobs to generate
>   --seed UINT=0               Seed: the same seed gives the same file
>   --cluster-gpus INT          Cluster size written in the trace (default: the preset's)
>   -o,--output TEXT REQUIRED   Trace file: .csv or .jsonl, optionally .gz
>
$ gpuledger export --help
> Export a run's costs (FinOps FOCUS 1.3 CSV)
> Usage: gpuledger export [OPTIONS]
>
> Options:
>   -h,--help                   Print this help message and exit
>   --ledger TEXT=$TMP/home/.local/share/gpuledger/ledger.sqlite
>                               Ledger file
>   --run INT                   Run id (default: the newest complete run)
>   --format TEXT:{focus}=focus Export format
>   --view TEXT:{owned,rental}=owned
>                               A plain replay's cluster as bought (owned) or rented by the GPU-hour (rental); strategy replays bill each entry by its pool
>   --epoch TEXT=2025-01-01     Calendar date of simulated second 0 (YYYY-MM-DD, UTC) for a run without a start date (a dated run's rows carry its own dates)
>   --focus-version TEXT:{1.3,1.2}=1.3
>                               FOCUS version: 1.3 (current) or 1.2 (the columns and rows of the export before 1.3)
>   --dataset TEXT:{cost-and-usage,contract-commitment}=cost-and-usage
>                               FOCUS dataset: cost-and-usage, or contract-commitment (1.3: one row per term of the run's reserved capacity)
>   -o,--output TEXT            Write here instead of standard output
>
$ gpuledger serve --help
> Serve a ledger over gRPC (LedgerService, ReplayService, health, reflection)
> Usage: gpuledger serve [OPTIONS]
>
> Options:
>   -h,--help                   Print this help message and exit
>   --ledger TEXT=$TMP/home/.local/share/gpuledger/ledger.sqlite
>                               Ledger file (created if missing)
>   --listen TEXT=127.0.0.1:50051
>                               HOST:PORT to listen on (port 0: any free port)
>   --http TEXT                 Also serve a read-only web view of the ledger (its runs' and groups' pages) on this HOST:PORT, e.g. 127.0.0.1:8080 (port 0: any free port; loopback unless TLS or --insecure)
>   --speed FLOAT=0             Simulated seconds per wall-clock second for replays (86400: a day a second); 0 runs as fast as possible
>   --max-replays INT=4         Replays running at once
>   --traces-dir TEXT=$ROOT/traces
>                               Where plans named in StartReplay live
>   --max-message-bytes INT=16777216
>                               Largest request or response, bytes
>   --tls-cert TEXT             TLS certificate chain (PEM) for the gRPC port and the web view
>   --tls-key TEXT              TLS private key (PEM) of --tls-cert
>   --tls-client-ca TEXT        Require client certificates signed by this CA (PEM)
>   --insecure                  Serve a non-loopback address without TLS (and so without tokens); prints a warning
>   --auth-tokens TEXT          Tokens file: one "TOKEN ROLE" per line (role read or replay); every call then needs "authorization: Bearer TOKEN"
>   --allow-unauthenticated TEXT ...
>                               Services open without a token: health, reflection
>   --max-page-size INT=1000    Rows a list call may ask for
>   --max-replays-per-token INT=0
>                               Replays (and comparisons) one token runs at once; 0: --max-replays
>   --max-watches INT=64        WatchReplay streams open at once
>
$ gpuledger ledger --help
> Look after a ledger file
> Usage: gpuledger ledger [OPTIONS] SUBCOMMAND
>
> Options:
>   -h,--help                   Print this help message and exit
>
> Subcommands:
>   migrate                     Upgrade a ledger's schema to this gpuledger's (readers never change a ledger)
>   repair                      Mark runs left running by a writer that died as abandoned (their rows stay; reports never count them)
>   verify                      Check a ledger without changing it: SQLite's integrity check, every run's invariants and content digest (exit 0 if sound, 1 naming what differs)
>
$ gpuledger query --help
> Ask a running gpuledger server
> Usage: gpuledger query [OPTIONS] what
>
> Positionals:
>   what TEXT:{runs,jobs,usage,report,group} REQUIRED
>                               runs, jobs, usage, report or group
>
> Options:
>   -h,--help                   Print this help message and exit
>   --server TEXT=127.0.0.1:50051
>                               HOST:PORT of the server
>   --timeout FLOAT=30          Deadline of each call, seconds
>   --tls                       Speak TLS, trusting the system's certificate authorities
>   --tls-ca TEXT               Speak TLS, trusting this CA (PEM)
>   --tls-cert TEXT             Client certificate (PEM), for servers that ask
>   --tls-key TEXT              Private key (PEM) of --tls-cert
>   --token-file TEXT           Send the token in this file (default: $GPULEDGER_TOKEN, if set)
>   --group INT                 group: the run group to summarize; runs: only that group's runs
>   --run INT                   Run id (default: the newest complete run)
>   --format TEXT:{table,csv,json}=table
>                               Output format
>   --view TEXT:{rental,owned,both}=both
>                               report: which prices to show
>   --by TEXT:{job,phase,project,category,pool,day,week,month,quarter,model}=job
>                               report: group rows by
>   --partial                   report: allow a run that is not complete
>   --rental-usd FLOAT          report: what if rental cost this many USD per GPU-hour
>   --job TEXT                  usage: only this job
>   --phase TEXT                usage: only this phase
>   --category TEXT             usage: only this category
>   --from INT                  usage: entries ending after this simulated second
>   --to INT                    usage: entries starting before this simulated second
>
$ gpuledger
2> A subcommand is required
2> Run with --help for more information.
? 2
