#!/usr/bin/python3
"""Ask a gpuledger server what a training run cost.

    build/gpuledger serve --ledger costs.sqlite &
    /usr/bin/python3 docs/example_client.py --stubs build/python --replay deepseek-v3-r1

The stubs are generated at build time into build/python; to make them
yourself: protoc -I proto --python_out=DIR --grpc_python_out=DIR
--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin
gpuledger/v1/plan.proto gpuledger/v1/ledger_service.proto
Use Debian's /usr/bin/python3, which sees the python3-grpcio package.
"""

import argparse
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--server", default="127.0.0.1:50051")
    ap.add_argument("--stubs", default="build/python", help="folder of the generated Python stubs")
    ap.add_argument("--replay", metavar="PLAN", help="first replay this plan from the server's traces/")
    ap.add_argument("--run", type=int, help="run to report (default: the newest complete run)")
    args = ap.parse_args()

    sys.path.insert(0, args.stubs)
    import grpc
    from gpuledger.v1 import ledger_service_pb2 as pb
    from gpuledger.v1 import ledger_service_pb2_grpc as rpc

    channel = grpc.insecure_channel(args.server)
    ledger = rpc.LedgerServiceStub(channel)
    replay = rpc.ReplayServiceStub(channel)

    if args.replay:
        run = replay.StartReplay(pb.StartReplayRequest(plan_name=args.replay), timeout=30)
        for p in replay.WatchReplay(pb.WatchReplayRequest(name=run.name), timeout=600):
            print("%s: day %6.1f, %d/%d jobs done, $%s so far"
                  % (p.name, p.sim_time_seconds / 86400, p.jobs_done, p.jobs_total,
                     format(p.rental_micro_usd // 1_000_000, ",")))
        name = run.name
    elif args.run:
        name = "runs/%d" % args.run
    else:
        runs = ledger.ListRuns(pb.ListRunsRequest(page_size=1000), timeout=30).runs
        complete = [r.name for r in runs if r.state == pb.Run.COMPLETE]
        if not complete:
            sys.exit("no complete run in the ledger; try --replay deepseek-v3-r1")
        name = complete[-1]

    report = ledger.GetCostReport(
        pb.GetCostReportRequest(name=name, group_by=pb.GROUP_BY_PROJECT), timeout=30)
    print("\n%s (%s): cost by project" % (name, report.run.plan_name))
    for row in list(report.rows) + [report.total]:
        print("%-14s %14s GPU-hours   rental $%16s   owned $%16s"
              % (row.group, format(row.gpu_seconds / 3600, ",.0f"),
                 format(row.rental_micro_usd / 1e6, ",.2f"), format(row.owned_micro_usd / 1e6, ",.2f")))
    print("owned cluster capital: $%s" % format(report.capital_micro_usd / 1e6, ",.0f"))

    # What if rental cost $2.50 per GPU-hour? Repriced on the server, no replay.
    what_if = pb.GetCostReportRequest(name=name)
    what_if.pricing_override.rental.usd_per_gpu_hour = 2.50
    dearer = ledger.GetCostReport(what_if, timeout=30)
    print("at $2.50/GPU-hour the rental total would be $%s"
          % format(dearer.total.rental_micro_usd / 1e6, ",.2f"))


if __name__ == "__main__":
    main()
