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

    def test_a_dated_plan_has_a_cash_flow_like_the_cli(self):
        # The plan with a start date, an owned pool bought before it: each
        # strategy's months over gRPC are the CLI's, and every line of them
        # sums to the month's net.
        server = self.start_server()
        with open(DEEPSEEK) as f:
            text = f.read() + '\nstart_date: "2024-12-26"\n'
        req = pb.CompareStrategiesRequest(plan_text=text, horizon="1y", discount_rate=0.08)
        rent = req.strategies.strategies.add(name="rent", on_demand=True)
        own = req.strategies.strategies.add(name="own", committed="owned", committed_gpus=2048,
                                            purchased_on="2024-12-01")
        resp = server.replay.CompareStrategies(req, timeout=120)
        for r in resp.results:
            months = r.cash_flow.months
            self.assertEqual(months[0].month, "2024-12")
            self.assertEqual(months[-1].month, "2025-12")
            for m in months:
                paid = (m.purchase_micro_usd + m.loan_micro_usd + m.rent_micro_usd + m.reserved_micro_usd
                        + m.energy_micro_usd + m.operations_micro_usd)
                self.assertEqual(m.net_micro_usd, paid - m.rent_out_micro_usd - m.resale_micro_usd)
            self.assertEqual(sum(m.net_micro_usd for m in months), r.cash_flow.net_micro_usd)
            # Discounting: paying later costs less today, and a resale at the
            # end is worth less today.
            if r.strategy.name == "rent":
                self.assertLess(r.cash_flow.present_cost_micro_usd, r.cash_flow.net_micro_usd)
            else:
                self.assertGreater(r.cash_flow.present_cost_micro_usd, r.cash_flow.net_micro_usd)
        self.assertEqual(resp.results[0].cash_flow.net_micro_usd, resp.results[0].total_micro_usd)
        self.assertEqual(resp.results[1].cash_flow.months[0].purchase_micro_usd, 51_200_000 * 10**6)
        self.assertEqual(resp.results[0].cash_flow.breakeven_month, "")
        plan = os.path.join(self.dir, "dated.textproto")
        with open(plan, "w") as f:
            f.write(text)
        strategies = os.path.join(self.dir, "s.textproto")
        with open(strategies, "w") as f:
            f.write('strategies { name: "rent" on_demand: true }\n'
                    'strategies { name: "own" committed: "owned" committed_gpus: 2048 '
                    'purchased_on: "2024-12-01" }\n')
        code, csv, err = cli("compare", plan, "--strategies", strategies, "--horizon", "1y",
                             "--discount-rate", "8%", "--cash-flow", "--format", "csv")
        self.assertEqual(code, 0, err)
        self.assertEqual(resp.csv + resp.cash_flow_csv, csv)
        # Sensitivity over gRPC: the CLI's table; too many assumptions are
        # refused by the vary limit, a bad one names its place.
        req.vary.append("purchase_price=0.5..1.5")
        varied = server.replay.CompareStrategies(req, timeout=120)
        code, table, err = cli("compare", plan, "--strategies", strategies, "--horizon", "1y",
                               "--discount-rate", "8%", "--vary", "purchase_price=0.5..1.5")
        self.assertEqual(code, 0, err)
        self.assertIn(varied.sensitivity_table, table)
        self.assertIn("purchase_price", varied.sensitivity_csv)
        del req.vary[:]
        req.vary.extend(["purchase_price=0.5..1.5"] * 9)
        self.assertIn("the vary limit", self.assertCode(grpc.StatusCode.RESOURCE_EXHAUSTED,
                                                        server.replay.CompareStrategies, req))
        del req.vary[:]
        req.vary.append("price=1..2")
        self.assertTrue(self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, server.replay.CompareStrategies,
                                        req).startswith("vary[0]: --vary price=1..2: no field"))
        bad = pb.CompareStrategiesRequest(plan_text=text, discount_rate=1.5)
        with self.assertRaises(grpc.RpcError) as e:
            server.replay.CompareStrategies(bad, timeout=60)
        self.assertEqual(e.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertTrue(e.exception.details().startswith("discount_rate must be in [0, 1]"), e.exception.details())


if __name__ == "__main__":
    unittest.main()
