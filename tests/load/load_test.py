#!/usr/bin/env python3
"""Load test (docs/security.md, "Under load"): 64 concurrent clients, each a
channel of its own with a token, mix reports, listings, watches, replays and
comparisons against one `gpuledger serve` on 127.0.0.1 for a bounded time,
then check:

- no error but the limit refusals a client is told to expect
  (RESOURCE_EXHAUSTED naming --max-replays, --max-replays-per-token or
  --max-watches);
- every complete run's report over gRPC equals `gpuledger report` on the
  same ledger, and `gpuledger ledger verify` passes;
- the server's resident memory, once the clients stop, is back near where
  it was before they started.

Prints the calls, errors by kind, p50 and p99 latency per method, and the
memory figures.

    load_test.py --bin build/gpuledger --stubs build/python --source . [--clients 64]
                 [--seconds 60] [--seed N]
"""

import argparse
import json
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

# Limits a client is told to expect, and may meet under load.
EXPECTED = ("--max-replays", "--max-replays-per-token", "--max-watches")
# Memory after the clients stop may exceed the start by the report cache's
# bound (64 MiB of serialized reports, server/report_cache.h) and this much.
SLACK_MIB = 48


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--stubs", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--seed", type=int, default=20261202)
    a = ap.parse_args()
    if not 1 <= a.clients <= 256 or not 0 < a.seconds <= 600:
        sys.exit("load_test: --clients 1..256 and --seconds up to 600 (it is bounded)")
    sys.path.insert(0, os.path.abspath(a.stubs))
    import grpc
    from gpuledger.v1 import ledger_service_pb2 as pb
    from gpuledger.v1 import ledger_service_pb2_grpc as rpc

    binary = os.path.abspath(a.bin)
    folder = tempfile.mkdtemp(prefix="gpuledger_load_")
    ledger = os.path.join(folder, "ledger.sqlite")
    tokens_file = os.path.join(folder, "tokens")
    # Eight replay tokens and eight read tokens, shared round-robin.
    replay_tokens = [f"load-replay-token-{i:02d}-0123456789" for i in range(8)]
    read_tokens = [f"load-read-token-{i:02d}-0123456789" for i in range(8)]
    with open(tokens_file, "w") as f:
        f.writelines(f"{t} replay\n" for t in replay_tokens)
        f.writelines(f"{t} read\n" for t in read_tokens)
    os.chmod(tokens_file, 0o600)

    # Something to read from the start: two complete runs and a group.
    plans = os.path.join(a.source, "traces")
    for args in (["replay", os.path.join(plans, "deepseek-v3-r1-failures.textproto")],
                 ["replay", os.path.join(plans, "llama3-405b.textproto"), "--seeds", "4"]):
        subprocess.run([binary, *args, "--ledger", ledger], check=True, capture_output=True)

    proc = subprocess.Popen([binary, "serve", "--ledger", ledger, "--listen", "127.0.0.1:0",
                             "--auth-tokens", tokens_file, "--traces-dir", plans,
                             "--max-replays", "4", "--max-replays-per-token", "2",
                             "--max-watches", "32"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    line = proc.stdout.readline() if ready else ""
    m = re.match(r"listening on (\S+)", line)
    if not m:
        proc.kill()
        sys.exit(f"load_test: the server did not start: {line!r}")
    address = m.group(1)

    def metadata(token):
        return [("authorization", "Bearer " + token)]

    # Warm up: each existing run's report once, so the start is a server
    # that has served, not a cold one.
    ch = grpc.insecure_channel(address)
    L = rpc.LedgerServiceStub(ch)
    for r in L.ListRuns(pb.ListRunsRequest(page_size=100), metadata=metadata(read_tokens[0]),
                        timeout=30).runs:
        L.GetCostReport(pb.GetCostReportRequest(name=r.name), metadata=metadata(read_tokens[0]),
                        timeout=30)
    ch.close()
    time.sleep(1)
    rss_start = rss_mib(proc.pid)

    lock = threading.Lock()
    latencies = {}        # method -> [seconds]
    errors = {}           # "METHOD CODE: message" -> count
    expected = {}         # limit -> count
    calls = [0]
    stop_at = time.monotonic() + a.seconds
    peak = [rss_start]

    def record(method, seconds, error=None):
        with lock:
            calls[0] += 1
            latencies.setdefault(method, []).append(seconds)
            if error is None:
                return
            code, details = error.code(), error.details() or ""
            limit = next((x for x in EXPECTED if f"({x} " in details), None)
            if code == grpc.StatusCode.RESOURCE_EXHAUSTED and limit:
                expected[limit] = expected.get(limit, 0) + 1
            else:
                key = f"{method} {code.name}: {details[:120]}"
                errors[key] = errors.get(key, 0) + 1

    def client(index):
        rng = random.Random(a.seed * 1000 + index)
        ch = grpc.insecure_channel(address)
        L, R = rpc.LedgerServiceStub(ch), rpc.ReplayServiceStub(ch)
        writer = index % 4 == 0  # a quarter of the clients hold replay tokens
        token = replay_tokens[index % 8] if writer else read_tokens[index % 8]
        md = metadata(token)
        runs = []
        while time.monotonic() < stop_at:
            pick = rng.random()
            start = time.monotonic()
            method = ""
            try:
                if pick < 0.1 or not runs:
                    method = "ListRuns"
                    resp = L.ListRuns(pb.ListRunsRequest(page_size=100), metadata=md, timeout=30)
                    runs = [r.name for r in resp.runs]
                elif pick < 0.5:
                    method = "GetCostReport"
                    L.GetCostReport(pb.GetCostReportRequest(
                        name=rng.choice(runs), allow_partial=True,
                        group_by=rng.choice([pb.GROUP_BY_JOB, pb.GROUP_BY_PROJECT, pb.GROUP_BY_DAY])),
                        metadata=md, timeout=30)
                elif pick < 0.65:
                    method = "ListJobs"
                    L.ListJobs(pb.ListJobsRequest(parent=rng.choice(runs), page_size=50),
                               metadata=md, timeout=30)
                elif pick < 0.7:
                    method = "GetGroupReport"
                    L.GetGroupReport(pb.GetGroupReportRequest(name="groups/1"), metadata=md,
                                     timeout=30)
                elif pick < 0.85:
                    method = "WatchReplay"
                    for _ in R.WatchReplay(pb.WatchReplayRequest(name=rng.choice(runs)),
                                           metadata=md, timeout=30):
                        pass
                elif writer and pick < 0.98:
                    method = "StartReplay"
                    R.StartReplay(pb.StartReplayRequest(plan_name="deepseek-v3-r1",
                                                        speed=86400 * 30), metadata=md, timeout=30)
                elif writer:
                    method = "CompareStrategies"
                    R.CompareStrategies(pb.CompareStrategiesRequest(plan_name="deepseek-v3-r1",
                                                                    own_sizes=[1024, 2048]),
                                        metadata=md, timeout=30)
                else:
                    method = "GetRun"
                    L.GetRun(pb.GetRunRequest(name=rng.choice(runs)), metadata=md, timeout=30)
                record(method, time.monotonic() - start)
            except grpc.RpcError as e:
                record(method, time.monotonic() - start, e)
        ch.close()

    def sample():
        while time.monotonic() < stop_at:
            peak[0] = max(peak[0], rss_mib(proc.pid))
            time.sleep(0.5)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(a.clients)]
    threads.append(threading.Thread(target=sample))
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - began

    # The replays still running finish (a few seconds each), then memory.
    ch = grpc.insecure_channel(address)
    L = rpc.LedgerServiceStub(ch)
    md = metadata(read_tokens[0])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        states = [r.state for r in L.ListRuns(pb.ListRunsRequest(page_size=1000), metadata=md,
                                               timeout=30).runs]
        if pb.Run.RUNNING not in states:
            break
        time.sleep(0.5)
    # No calls for a while: the server closes idle read connections (after
    # 10 s, checked every 5 s) and gives freed memory back.
    time.sleep(17)
    rss_end = rss_mib(proc.pid)

    # Every complete run: the server's report equals the CLI's.
    problems = []
    complete = [r for r in L.ListRuns(pb.ListRunsRequest(page_size=1000), metadata=md, timeout=30).runs
                if r.state == pb.Run.COMPLETE]
    for r in complete:
        got = L.GetCostReport(pb.GetCostReportRequest(name=r.name, group_by=pb.GROUP_BY_PROJECT),
                              metadata=md, timeout=30)
        cli = subprocess.run([binary, "report", "--ledger", ledger, "--run", r.name.split("/")[1],
                              "--by", "project", "--format", "json"], capture_output=True, text=True)
        local = json.loads(cli.stdout)
        if [(x.group, x.gpu_seconds, x.rental_micro_usd, x.owned_micro_usd) for x in got.rows] != \
                [(x["group"], x["gpu_seconds"], x["rental_micro_usd"], x["owned_micro_usd"])
                 for x in local["rows"]]:
            problems.append(f"{r.name}: the server's report differs from the CLI's")
    ch.close()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    said = proc.stdout.read() + proc.stderr.read()
    verify = subprocess.run([binary, "ledger", "verify", ledger], capture_output=True, text=True)
    if verify.returncode != 0:
        problems.append("verify: " + verify.stdout + verify.stderr)
    if any(t in said for t in replay_tokens + read_tokens):
        problems.append("the server's output holds a token")

    def pct(values, p):
        v = sorted(values)
        return v[min(len(v) - 1, max(0, int(round(p / 100 * len(v) + 0.5)) - 1))]

    total_errors = sum(errors.values())
    print(f"load: {a.clients} clients, {took:.0f} s, {calls[0]} calls ({calls[0] / took:.0f}/s), "
          f"{total_errors} errors, expected refusals: "
          + (", ".join(f"{k} {v}" for k, v in sorted(expected.items())) or "none"))
    for method, v in sorted(latencies.items()):
        print(f"load: {method}: {len(v)} calls, p50 {pct(v, 50) * 1000:.1f} ms, "
              f"p99 {pct(v, 99) * 1000:.1f} ms")
    print(f"load: {len(complete)} complete runs checked against the CLI; {verify.stdout.strip()}")
    print(f"load: server memory {rss_start:.0f} MiB before the clients, {peak[0]:.0f} MiB at most "
          f"during, {rss_end:.0f} MiB after")
    for e, n in errors.items():
        problems.append(f"{n} x {e}")
    # Under AddressSanitizer (the sanitizer suite, .ci/fuzz), freed memory
    # stays in its quarantine: the figures are printed, not held.
    sanitized = "ASAN_OPTIONS" in os.environ
    if sanitized:
        print("load: memory not checked: AddressSanitizer keeps freed memory in quarantine")
    elif rss_end > rss_start + 64 + SLACK_MIB:
        problems.append(f"memory after the clients ({rss_end:.0f} MiB) is not back near the start "
                        f"({rss_start:.0f} MiB, + 64 MiB of report cache + {SLACK_MIB} MiB)")
    for p in problems:
        print("load: FAILED: " + p)
    if problems:
        print(f"(files kept in {folder})")
        return 1
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
