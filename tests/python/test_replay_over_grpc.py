"""Start the DeepSeek replay over gRPC, watch it, and check its figures against
the CLI's; 8 clients query while a replay writes."""

import threading
import unittest

from gpuledger_testlib import DEEPSEEK, ServerTestCase, cli, grpc, pb


class ReplayOverGrpc(ServerTestCase):

    def test_watched_replay_matches_the_cli(self):
        # Paced by the server's --speed (25 simulated days a second).
        server = self.start_server("--speed", str(86400 * 25))
        run = server.replay.StartReplay(pb.StartReplayRequest(plan_name="deepseek-v3-r1"), timeout=30)
        self.assertEqual(run.name, "runs/1")
        self.assertEqual(run.state, pb.Run.RUNNING)
        self.assertEqual(run.gpus, 2048)

        messages = self.watch(server, run.name)
        final = messages[-1]
        self.assertTrue(final.final)
        self.assertEqual(final.state, pb.Run.COMPLETE)
        progress = [m for m in messages if not m.final]
        self.assertGreaterEqual(len(progress), 3, "paced replay should stream progress")
        times = [m.sim_time_seconds for m in progress]
        self.assertEqual(times, sorted(times))
        self.assertTrue(all(m.gpu_seconds <= final.gpu_seconds for m in progress))
        self.assertEqual(final.jobs_done, 6)

        # The report over gRPC equals the CLI's on the same ledger file.
        report = server.ledger.GetCostReport(pb.GetCostReportRequest(name=run.name), timeout=30)
        local = self.cli_json_report(self.ledger_path, 1)
        self.assertEqual([r.group for r in report.rows], [r["group"] for r in local["rows"]])
        for got, want in zip(list(report.rows) + [report.total], local["rows"] + [local["total"]]):
            self.assertEqual(got.gpu_seconds, want["gpu_seconds"], got.group)
            self.assertEqual(got.rental_micro_usd, want["rental_micro_usd"], got.group)
            self.assertEqual(got.owned_micro_usd, want["owned_micro_usd"], got.group)
        self.assertEqual(final.rental_micro_usd, report.total.rental_micro_usd)
        self.assertEqual(final.owned_micro_usd, report.total.owned_micro_usd)
        # Every grouping sums to the same totals (issue 11, defect 8).
        for by in (pb.GROUP_BY_PHASE, pb.GROUP_BY_PROJECT, pb.GROUP_BY_CATEGORY, pb.GROUP_BY_DAY):
            other = server.ledger.GetCostReport(pb.GetCostReportRequest(name=run.name, group_by=by),
                                                timeout=30)
            self.assertEqual(other.total.owned_micro_usd, final.owned_micro_usd, by)
            self.assertEqual(other.total.rental_micro_usd, report.total.rental_micro_usd, by)
            self.assertEqual(sum(r.owned_micro_usd for r in other.rows), other.total.owned_micro_usd, by)
        self.assertEqual(final.gpu_seconds, report.jobs_total.gpu_seconds)

        # `gpuledger query` prints what `gpuledger report` prints.
        for fmt in ("csv", "table", "json"):
            code, remote, err = cli("query", "--server", server.address, "report", "--run", "1",
                                    "--format", fmt, "--by", "phase")
            self.assertEqual(code, 0, err)
            code, here, err = cli("report", "--ledger", self.ledger_path, "--run", "1",
                                  "--format", fmt, "--by", "phase")
            self.assertEqual(code, 0, err)
            self.assertEqual(remote, here, fmt)

        # The same plan replayed by the CLI into its own ledger lands on the same figures.
        other = self.dir + "/cli.sqlite"
        code, _, err = cli("replay", DEEPSEEK, "--ledger", other)
        self.assertEqual(code, 0, err)
        by_cli = self.cli_json_report(other, 1)
        self.assertEqual(by_cli["rows"], local["rows"])
        self.assertEqual(by_cli["total"], local["total"])

    def test_eight_clients_query_while_a_replay_writes(self):
        server = self.start_server()
        first = server.replay.StartReplay(pb.StartReplayRequest(plan_name="deepseek-v3-r1"), timeout=30)
        self.assertEqual(self.watch(server, first.name)[-1].state, pb.Run.COMPLETE)
        reference = server.ledger.GetCostReport(pb.GetCostReportRequest(name=first.name), timeout=30)

        second = server.replay.StartReplay(
            pb.StartReplayRequest(plan_name="deepseek-v3-r1", speed=86400 * 20), timeout=30)
        errors, seen = [], {"refused": 0, "complete": 0, "first": 0}
        lock = threading.Lock()

        def client():
            stub_l = server.ledger
            for i in range(25):
                try:
                    r = stub_l.GetCostReport(pb.GetCostReportRequest(name=first.name), timeout=30)
                    if r != reference:
                        errors.append("complete run's report changed")
                    with lock:
                        seen["first"] += 1
                    try:
                        r2 = stub_l.GetCostReport(pb.GetCostReportRequest(name=second.name), timeout=30)
                        if r2.run.state != pb.Run.COMPLETE:
                            errors.append("a report of an incomplete run was served as complete")
                        with lock:
                            seen["complete"] += 1
                    except grpc.RpcError as e:
                        if e.code() != grpc.StatusCode.FAILED_PRECONDITION:
                            errors.append("%s %s" % (e.code(), e.details()))
                        with lock:
                            seen["refused"] += 1
                    stub_l.ListUsage(pb.ListUsageRequest(parent=second.name, page_size=100), timeout=30)
                    stub_l.ListRuns(pb.ListRunsRequest(), timeout=30)
                except grpc.RpcError as e:
                    errors.append("%s %s" % (e.code(), e.details()))

        threads = [threading.Thread(target=client) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(errors, [])
        self.assertEqual(seen["first"], 8 * 25)
        self.assertGreater(seen["refused"], 0, "some queries should have come while the replay ran")
        final = self.watch(server, second.name)[-1]
        self.assertEqual(final.state, pb.Run.COMPLETE)
        done = server.ledger.GetCostReport(pb.GetCostReportRequest(name=second.name), timeout=30)
        self.assertEqual(done.total.rental_micro_usd, reference.total.rental_micro_usd)


if __name__ == "__main__":
    unittest.main()


class CalendarOverGrpc(ServerTestCase):
    """A plan with a start_date sent inline: its run carries the date, and
    reports by day, week, month and quarter carry real dates that sum to
    the run's total; an undated run has no months (INVALID_ARGUMENT)."""

    def test_dated_plan_groups_by_the_calendar(self):
        server = self.start_server()
        with open(DEEPSEEK) as f:
            text = f.read() + '\nstart_date: "2024-12-30T12:00:00Z"\n'
        run = server.replay.StartReplay(pb.StartReplayRequest(plan_text=text), timeout=30)
        self.watch(server, run.name)
        got = server.ledger.GetRun(pb.GetRunRequest(name=run.name), timeout=30)
        self.assertEqual(got.start_date, "2024-12-30T12:00:00Z")
        total = server.ledger.GetCostReport(pb.GetCostReportRequest(name=run.name), timeout=30).total
        first = {pb.GROUP_BY_DAY: "2024-12-30", pb.GROUP_BY_WEEK: "2025-W01",
                 pb.GROUP_BY_MONTH: "2024-12", pb.GROUP_BY_QUARTER: "2024-Q4"}
        for by, label in first.items():
            r = server.ledger.GetCostReport(pb.GetCostReportRequest(name=run.name, group_by=by), timeout=30)
            self.assertEqual(r.rows[0].group, label, by)
            self.assertEqual(r.total.owned_micro_usd, total.owned_micro_usd, by)
            self.assertEqual(r.total.rental_micro_usd, total.rental_micro_usd, by)
            self.assertEqual(sum(x.gpu_seconds for x in r.rows), r.total.gpu_seconds, by)
        # 2024-12-30 is the Monday of ISO week 2025-W01; the quarter is 36 h long.
        q = server.ledger.GetCostReport(pb.GetCostReportRequest(name=run.name, group_by=pb.GROUP_BY_QUARTER),
                                        timeout=30)
        self.assertEqual(q.rows[0].end_seconds - q.rows[0].start_seconds, 36 * 3600)
        # The same plan without a date.
        plain = server.replay.StartReplay(pb.StartReplayRequest(plan_name="deepseek-v3-r1"), timeout=30)
        self.watch(server, plain.name)
        self.assertEqual(server.ledger.GetRun(pb.GetRunRequest(name=plain.name), timeout=30).start_date, "")
        details = self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, server.ledger.GetCostReport,
                                  pb.GetCostReportRequest(name=plain.name, group_by=pb.GROUP_BY_MONTH))
        self.assertIn("has no start date", details)

    def test_moving_prices_read_the_same_over_grpc(self):
        # A rental step and a falling energy price: the report over gRPC
        # (gpuledger query) prints what the local report prints, segments too.
        server = self.start_server()
        with open(DEEPSEEK) as f:
            text = f.read() + '''
start_date: "2024-12-26"
pricing { rental { usd_per_gpu_hour_curve { points { date: "2024-12-26" usd: 2 }
                                            points { date: "2025-02-01T06:00:00Z" usd: 2.6 } } }
          owned { usd_per_kwh_curve { change_per_year: -0.1 } } }
'''
        run = server.replay.StartReplay(pb.StartReplayRequest(plan_text=text), timeout=30)
        self.watch(server, run.name)
        r = server.ledger.GetCostReport(pb.GetCostReportRequest(name=run.name), timeout=30)
        self.assertGreater(len(r.price_segments), 60)
        self.assertEqual(r.price_segments[0].rates.rental_nano_usd_per_gpu_hour, 2_000_000_000)
        self.assertEqual(r.price_segments[-1].rates.rental_nano_usd_per_gpu_hour, 2_600_000_000)
        for fmt in ("table", "json", "csv"):
            for by in ("job", "month"):
                code, remote, err = cli("query", "--server", server.address, "report", "--run", "1",
                                        "--format", fmt, "--by", by)
                self.assertEqual(code, 0, err)
                code, here, err = cli("report", "--ledger", self.ledger_path, "--run", "1",
                                      "--format", fmt, "--by", by)
                self.assertEqual(code, 0, err)
                self.assertEqual(remote, here, (fmt, by))
        code, table, err = cli("report", "--ledger", self.ledger_path, "--run", "1")
        self.assertEqual(code, 0, err)
        self.assertIn("prices move: ", table)
