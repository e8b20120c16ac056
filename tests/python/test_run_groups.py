"""Run groups (replay --seeds N) over gRPC: GetGroupReport, ListRuns by
group, and `query group` printing what `report --group` prints."""

import json
import os
import unittest

from gpuledger_testlib import SOURCE, ServerTestCase, cli, grpc, pb

VARIANT = os.path.join(SOURCE, "traces", "deepseek-v3-r1-failures.textproto")


class RunGroups(ServerTestCase):

    def test_group_report_over_grpc_matches_the_cli(self):
        code, out, err = cli("replay", VARIANT, "--ledger", self.ledger_path, "--seeds", "3",
                             "--seed", "4")
        self.assertEqual(code, 0, err)
        code, _, err = cli("replay", VARIANT, "--ledger", self.ledger_path, "--seed", "9")
        self.assertEqual(code, 0, err)
        server = self.start_server()
        L = server.ledger

        report = L.GetGroupReport(pb.GetGroupReportRequest(name="groups/1"), timeout=30)
        self.assertEqual(report.name, "groups/1")
        self.assertEqual((report.first_seed, report.seeds), (4, 3))
        self.assertEqual([r.seed for r in report.runs], [4, 5, 6])
        self.assertTrue(all(r.group == "groups/1" for r in report.runs))
        stats = {s.name: s for s in report.stats}
        # The mean is the runs' mean; with 3 runs p5 is the least, p95 the most.
        values = [r.metrics.interruptions for r in report.runs]
        self.assertAlmostEqual(stats["interruptions"].mean, sum(values) / 3)
        self.assertEqual(stats["interruptions"].p5, min(values))
        self.assertEqual(stats["interruptions"].p95, max(values))
        goodputs = [r.metrics.goodput for r in report.runs]
        self.assertTrue(all(0.5 < g < 1 for g in goodputs), goodputs)
        self.assertEqual(stats["goodput"].p95, max(goodputs))

        # ListRuns by group: the group's runs only; the single replay is not in it.
        grouped = L.ListRuns(pb.ListRunsRequest(group="groups/1"), timeout=30).runs
        # Run ids follow the threads; the group lists its runs by seed.
        self.assertEqual(sorted(r.name for r in grouped), sorted(r.name for r in report.runs))
        every = L.ListRuns(pb.ListRunsRequest(), timeout=30).runs
        self.assertEqual(len(every), 4)
        self.assertEqual(every[3].group, "")

        # Same figures, same text as the local command, in every format.
        for fmt in ("table", "csv", "json"):
            code, local, err = cli("report", "--ledger", self.ledger_path, "--group", "1", "--format", fmt)
            self.assertEqual(code, 0, err)
            code, remote, err = cli("query", "group", "--server", server.address, "--group", "1",
                                    "--format", fmt)
            self.assertEqual(code, 0, err)
            self.assertEqual(remote, local)
        data = json.loads(local)
        self.assertEqual([r["seed"] for r in data["runs"]], [4, 5, 6])
        self.assertEqual([r["interruptions"] for r in data["runs"]], values)

        with self.assertRaises(grpc.RpcError) as e:
            L.GetGroupReport(pb.GetGroupReportRequest(name="groups/8"), timeout=30)
        self.assertEqual(e.exception.code(), grpc.StatusCode.NOT_FOUND)
        with self.assertRaises(grpc.RpcError) as e:
            L.GetGroupReport(pb.GetGroupReportRequest(name="runs/1"), timeout=30)
        self.assertEqual(e.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertTrue(e.exception.details().startswith("name: "), e.exception.details())
        with self.assertRaises(grpc.RpcError) as e:
            L.ListRuns(pb.ListRunsRequest(group="groups/x"), timeout=30)
        self.assertTrue(e.exception.details().startswith("group: "), e.exception.details())


if __name__ == "__main__":
    unittest.main()
