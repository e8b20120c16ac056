#!/usr/bin/env bash
# Writes fuzz/corpus/ledger_service/: each seed is one byte naming the
# method (ledger_service_fuzzer.cc: 0 ListRuns .. 5 GetGroupReport) and the
# request in protobuf's binary encoding, made from text format by protoc.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/corpus/ledger_service
mkdir -p "$out"
seed() {  # NAME METHOD_BYTE MESSAGE TEXT
  { printf "\\x$2"; printf '%s' "$4" | protoc -I proto --encode="gpuledger.v1.$3" \
      gpuledger/v1/ledger_service.proto; } > "$out/$1"
}
seed list_runs 00 ListRunsRequest ''
seed list_runs_page 00 ListRunsRequest 'page_size: 1 page_token: "1"'
seed list_runs_group 00 ListRunsRequest 'group: "groups/1" page_size: 1000'
seed get_run 01 GetRunRequest 'name: "runs/1"'
seed get_run_strategy 01 GetRunRequest 'name: "runs/3"'
seed list_jobs 02 ListJobsRequest 'parent: "runs/1" page_size: 2 page_token: "1"'
seed list_usage 03 ListUsageRequest 'parent: "runs/1" page_size: 3 job_id: "a"'
seed list_usage_filters 03 ListUsageRequest 'parent: "runs/1" phase: "pretrain" category: "lost" start_seconds: 3600 end_seconds: 90000'
seed cost_report 04 GetCostReportRequest 'name: "runs/1" view: COST_VIEW_BOTH group_by: GROUP_BY_CATEGORY'
seed cost_report_pool 04 GetCostReportRequest 'name: "runs/4" view: COST_VIEW_OWNED group_by: GROUP_BY_POOL allow_partial: true'
seed cost_report_override 04 GetCostReportRequest 'name: "runs/2" group_by: GROUP_BY_DAY pricing_override { rental { usd_per_gpu_hour: 3 } owned { capital_usd_per_gpu: 40000 depreciation: EPOCH_AI value_decline_oom_per_year: 0.2 cost_of_capital_per_year: 0.1 } reserved { usd_per_gpu_hour: 1 term_years: 1 } }'
seed group_report 05 GetGroupReportRequest 'name: "groups/1"'
