"""ReplayService.CompareStrategies: the same comparison as `gpuledger compare`;
the deprecated LedgerService.CompareStrategies answers the same."""

import math
import os
import unittest

from gpuledger_testlib import DEEPSEEK, ServerTestCase, cli, grpc, pb


class CompareOverGrpc(ServerTestCase):

    def test_default_strategies_match_the_cli(self):
        server = self.start_server()
        resp = server.replay.CompareStrategies(pb.CompareStrategiesRequest(plan_name="deepseek-v3-r1"),
                                               timeout=120)
        names = [r.strategy.name for r in resp.results]
        self.assertEqual(names, ["all on-demand", "reserved for the plan", "own the peak",
                                 "own half, burst", "own half, queue"])
        on_demand = resp.results[0]
        # All on demand at $2 costs the published $5.87M (within 0.1%).
        self.assertAlmostEqual(on_demand.total_micro_usd / 1e6, 5_870_000, delta=5_870)
        self.assertTrue(math.isnan(on_demand.breakeven_utilization))
        own = resp.results[2]
        self.assertEqual(own.committed, "owned")
        self.assertEqual(own.capital_micro_usd, 51_200_000 * 10**6)
        self.assertGreater(own.phase_finish_seconds["pretrain"], 0)
        # Each replay is a run of the server's ledger, labelled with its strategy.
        run = server.ledger.GetRun(pb.GetRunRequest(name=own.run), timeout=30)
        self.assertEqual(run.state, pb.Run.COMPLETE)

        # The CLI on a fresh ledger prints the same CSV and table.
        ledger = os.path.join(self.dir, "cli.sqlite")
        code, csv, err = cli("compare", DEEPSEEK, "--ledger", ledger, "--format", "csv")
        self.assertEqual(code, 0, err)
        self.assertEqual(resp.csv, csv)
        code, table, err = cli("compare", DEEPSEEK, "--ledger", ledger)
        self.assertEqual(code, 0, err)
        self.assertIn(resp.table, table)

        # Where it used to be: the same comparison (new runs, same figures).
        old = server.ledger.CompareStrategies(pb.CompareStrategiesRequest(plan_name="deepseek-v3-r1"),
                                              timeout=120)
        for o, r in zip(old.results, resp.results, strict=True):
            self.assertEqual((o.strategy.name, o.total_micro_usd, o.makespan_seconds),
                             (r.strategy.name, r.total_micro_usd, r.makespan_seconds))
        self.assertNotEqual(old.results[0].run, resp.results[0].run)

    def test_sweep_and_errors_name_the_field(self):
        server = self.start_server()
        L = server.replay
        sweep = L.CompareStrategies(pb.CompareStrategiesRequest(plan_name="deepseek-v3-r1",
                                                                own_sizes=[1024, 2048]), timeout=120)
        self.assertEqual([r.committed_gpus for r in sweep.results], [1024, 2048])
        self.assertGreater(sweep.results[0].makespan_seconds, sweep.results[1].makespan_seconds)
        bad = pb.CompareStrategiesRequest(plan_name="deepseek-v3-r1")
        s = bad.strategies.strategies.add()
        s.name = "x"
        s.committed = "leased"
        with self.assertRaises(grpc.RpcError) as e:
            L.CompareStrategies(bad, timeout=60)
        self.assertEqual(e.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertTrue(e.exception.details().startswith("strategies.strategies[0].committed: "), e.exception.details())
        with self.assertRaises(grpc.RpcError) as e:
            L.CompareStrategies(pb.CompareStrategiesRequest(plan_name="deepseek-v3-r1", horizon="soon"),
                                timeout=60)
        self.assertTrue(e.exception.details().startswith("horizon: \"soon\""), e.exception.details())  # no CLI flag in it
        runs = server.ledger.ListRuns(pb.ListRunsRequest(), timeout=30).runs
        self.assertEqual(len(runs), 2)  # only the sweep's replays


if __name__ == "__main__":
    unittest.main()
