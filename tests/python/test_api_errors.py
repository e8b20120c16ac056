"""Field-level errors, status codes, limits, paging and what-if pricing."""

import time
import unittest

from gpuledger_testlib import ServerTestCase, cli, grpc, pb

BAD_PLAN = ('jobs { id: "a" phase: RL gpus: 8 gpu_hours: 1 }\n'
            'jobs { id: "b" phase: RL gpus: 8 gpu_hours: 1\n'
            '  after: "a" after: "missing" }\n')


class ApiErrors(ServerTestCase):

    def test_bad_requests_name_the_field(self):
        server = self.start_server()
        L, R = server.ledger, server.replay
        details = self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, L.GetRun, pb.GetRunRequest(name="runs/abc"))
        self.assertTrue(details.startswith("name: "), details)
        details = self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, L.ListJobs, pb.ListJobsRequest(parent="jobs/1"))
        self.assertTrue(details.startswith("parent: "), details)
        details = self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, L.ListRuns,
                                  pb.ListRunsRequest(page_token="garbage"))
        self.assertTrue(details.startswith("page_token: "), details)
        details = self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, R.StartReplay, pb.StartReplayRequest())
        self.assertTrue(details.startswith("plan: "), details)
        details = self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, R.StartReplay,
                                  pb.StartReplayRequest(plan_name="../etc/passwd"))
        self.assertTrue(details.startswith("plan_name: "), details)
        self.assertCode(grpc.StatusCode.NOT_FOUND, R.StartReplay, pb.StartReplayRequest(plan_name="no-such-plan"))
        self.assertCode(grpc.StatusCode.NOT_FOUND, L.GetRun, pb.GetRunRequest(name="runs/99"))
        self.assertCode(grpc.StatusCode.NOT_FOUND, lambda req, timeout: list(R.WatchReplay(req, timeout=timeout)),
                        pb.WatchReplayRequest(name="runs/99"))

        # A bad inline plan gets the message the CLI gives for the same text.
        details = self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, R.StartReplay,
                                  pb.StartReplayRequest(plan_text=BAD_PLAN))
        path = self.dir + "/bad.textproto"
        with open(path, "w") as f:
            f.write(BAD_PLAN)
        code, _, err = cli("replay", path, "--ledger", self.ledger_path)
        self.assertEqual(code, 2)
        self.assertEqual(details, err.strip().replace("gpuledger: " + path, "plan_text"))
        self.assertEqual(details, 'plan_text:3:14: job "b": field after: unknown job "missing"')
        # Nothing was written by the bad requests.
        self.assertEqual(len(L.ListRuns(pb.ListRunsRequest(), timeout=30).runs), 0)

        # A what-if price that makes no sense is refused by field.
        ok = R.StartReplay(pb.StartReplayRequest(plan_name="deepseek-v3-r1"), timeout=30)
        list(R.WatchReplay(pb.WatchReplayRequest(name=ok.name), timeout=60))
        bad = pb.GetCostReportRequest(name=ok.name)
        bad.pricing_override.owned.pue = 0.5
        details = self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, L.GetCostReport, bad)
        self.assertIn("pricing_override.owned.pue", details)
        # A price that would overflow the ledger's money is refused, never wrapped (defect 3).
        huge = pb.GetCostReportRequest(name=ok.name)
        huge.pricing_override.rental.usd_per_gpu_hour = 1e12
        details = self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, L.GetCostReport, huge)
        self.assertIn("pricing_override.rental.usd_per_gpu_hour must be in [0, 10000]", details)

    def test_limits_cancel_and_partial_reports(self):
        server = self.start_server("--max-replays", "1", "--max-message-bytes", "100000")
        L, R = server.ledger, server.replay
        slow = R.StartReplay(pb.StartReplayRequest(plan_name="deepseek-v3-r1", speed=86400), timeout=30)
        self.assertCode(grpc.StatusCode.RESOURCE_EXHAUSTED, R.StartReplay,
                        pb.StartReplayRequest(plan_name="deepseek-v3-r1"))
        details = self.assertCode(grpc.StatusCode.FAILED_PRECONDITION, L.GetCostReport,
                                  pb.GetCostReportRequest(name=slow.name))
        self.assertIn("running", details)
        self.assertIn("allow_partial", details)  # names how to see them anyway (defect 17)
        partial = L.GetCostReport(pb.GetCostReportRequest(name=slow.name, allow_partial=True), timeout=30)
        self.assertEqual(partial.run.state, pb.Run.RUNNING)
        # Running jobs count up to now (defect 11): the 54-day pre-training writes its usage only
        # when it ends, yet a day or two in, the partial report already charges for it.
        time.sleep(2)
        partial = L.GetCostReport(pb.GetCostReportRequest(name=slow.name, allow_partial=True,
                                                          group_by=pb.GROUP_BY_CATEGORY), timeout=30)
        running = [r for r in partial.rows if r.group == "running"]
        self.assertEqual(len(running), 1, partial.rows)
        self.assertGreater(running[0].rental_micro_usd, 0)
        self.assertEqual(running[0].gpu_seconds % 2048, 0)  # the whole cluster, whole seconds
        self.assertEqual(partial.jobs_total.rental_micro_usd, running[0].rental_micro_usd)
        # Deadlines are honoured: a short watch of a slow replay ends on time.
        self.assertCode(grpc.StatusCode.DEADLINE_EXCEEDED,
                        lambda req, timeout: list(R.WatchReplay(req, timeout=0.5)),
                        pb.WatchReplayRequest(name=slow.name))
        # Messages above the cap are refused.
        self.assertCode(grpc.StatusCode.RESOURCE_EXHAUSTED, R.StartReplay,
                        pb.StartReplayRequest(plan_text="# " + "x" * 200000))
        cancelled = R.CancelReplay(pb.CancelReplayRequest(name=slow.name), timeout=30)
        self.assertEqual(cancelled.state, pb.Run.CANCELLED)
        self.assertCode(grpc.StatusCode.FAILED_PRECONDITION, R.CancelReplay,
                        pb.CancelReplayRequest(name=slow.name))
        final = list(R.WatchReplay(pb.WatchReplayRequest(name=slow.name), timeout=30))
        self.assertEqual(len(final), 1)
        self.assertEqual(final[0].state, pb.Run.CANCELLED)
        # The slot is free again.
        again = R.StartReplay(pb.StartReplayRequest(plan_name="deepseek-v3-r1"), timeout=30)
        self.assertEqual(list(R.WatchReplay(pb.WatchReplayRequest(name=again.name), timeout=60))[-1].state,
                         pb.Run.COMPLETE)

    def test_paging_filters_and_what_if(self):
        server = self.start_server()
        L, R = server.ledger, server.replay
        run = R.StartReplay(pb.StartReplayRequest(plan_name="deepseek-v3-r1"), timeout=30)
        list(R.WatchReplay(pb.WatchReplayRequest(name=run.name), timeout=60))

        everything = L.ListUsage(pb.ListUsageRequest(parent=run.name, page_size=1000), timeout=30)
        self.assertEqual(everything.next_page_token, "")
        paged, token = [], ""
        while True:
            page = L.ListUsage(pb.ListUsageRequest(parent=run.name, page_size=2, page_token=token), timeout=30)
            self.assertLessEqual(len(page.entries), 2)
            paged.extend(page.entries)
            token = page.next_page_token
            if not token:
                break
        self.assertEqual(list(paged), list(everything.entries))
        rl = L.ListUsage(pb.ListUsageRequest(parent=run.name, phase="rl"), timeout=30)
        self.assertEqual({e.job_id for e in rl.entries}, {"r1-zero", "r1"})
        page_token_of_rl = L.ListUsage(pb.ListUsageRequest(parent=run.name, phase="rl", page_size=1),
                                       timeout=30).next_page_token
        self.assertNotEqual(page_token_of_rl, "")
        # The plan's spelling means the same; unknown phases and categories are refused (defect 17).
        RL = L.ListUsage(pb.ListUsageRequest(parent=run.name, phase="RL"), timeout=30)
        self.assertEqual(list(RL.entries), list(rl.entries))
        details = self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, L.ListUsage,
                                  pb.ListUsageRequest(parent=run.name, category="bogus"))
        self.assertTrue(details.startswith('category: unknown category "bogus" (one of: productive,'), details)
        details = self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, L.ListUsage,
                                  pb.ListUsageRequest(parent=run.name, phase="warmup"))
        self.assertTrue(details.startswith('phase: unknown phase "warmup" (one of: pretrain,'), details)
        code, _, err = cli("query", "--server", server.address, "usage", "--from", "100", "--to", "50")
        self.assertEqual(code, 2)
        self.assertEqual(err, "gpuledger: --to (50) must be after --from (100)\n")
        code, out, err = cli("query", "--server", server.address, "usage", "--phase", "PRETRAIN", "--format", "csv")
        self.assertEqual(code, 0, err)
        self.assertIn("v3-pretrain", out)
        late = L.ListUsage(pb.ListUsageRequest(parent=run.name, start_seconds=5_000_000, category="productive"),
                           timeout=30)
        self.assertTrue(all(e.end_seconds > 5_000_000 for e in late.entries))
        self.assertIn("r1", {e.job_id for e in late.entries})
        self.assertNotIn("v3-pretrain", {e.job_id for e in late.entries})

        jobs = L.ListJobs(pb.ListJobsRequest(parent=run.name, page_size=4), timeout=30)
        self.assertEqual([j.job_id for j in jobs.jobs],
                         ["v3-pretrain", "v3-context-extension", "v3-post-training", "r1-zero"])
        rest = L.ListJobs(pb.ListJobsRequest(parent=run.name, page_token=jobs.next_page_token), timeout=30)
        # Tokens are opaque (defect 18): a bare offset, another list's token or another
        # filter's are refused, and a huge token is not echoed whole.
        for bad in (pb.ListJobsRequest(parent=run.name, page_token="1"),
                    pb.ListUsageRequest(parent=run.name, page_token=jobs.next_page_token),
                    pb.ListUsageRequest(parent=run.name, phase="sft", page_token=page_token_of_rl)):
            call = L.ListJobs if isinstance(bad, pb.ListJobsRequest) else L.ListUsage
            details = self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, call, bad)
            self.assertIn("is not a token this server gave for this request", details)
        details = self.assertCode(grpc.StatusCode.INVALID_ARGUMENT, L.ListRuns,
                                  pb.ListRunsRequest(page_token="y" * 5000))
        self.assertLess(len(details), 200, details)
        self.assertEqual([j.job_id for j in rest.jobs], ["r1-sft-data", "r1"])
        self.assertEqual(jobs.jobs[0].start_seconds, 0)
        self.assertEqual(jobs.jobs[1].start_seconds, jobs.jobs[0].end_seconds)

        base = L.GetCostReport(pb.GetCostReportRequest(name=run.name), timeout=30)
        what_if = pb.GetCostReportRequest(name=run.name)
        what_if.pricing_override.rental.usd_per_gpu_hour = 2.5
        dearer = L.GetCostReport(what_if, timeout=30)
        self.assertAlmostEqual(dearer.total.rental_micro_usd / base.total.rental_micro_usd, 1.25, places=6)
        self.assertEqual(dearer.total.owned_micro_usd, base.total.owned_micro_usd)
        by_day = L.GetCostReport(pb.GetCostReportRequest(name=run.name, group_by=pb.GROUP_BY_DAY), timeout=30)
        self.assertEqual(by_day.rows[0].group, "day 1")
        self.assertEqual(by_day.total.gpu_seconds, base.total.gpu_seconds)
        code, out, err = cli("query", "--server", server.address, "--format", "csv", "usage",
                             "--run", "1", "--job", "r1")
        self.assertEqual(code, 0, err)
        self.assertEqual(out.splitlines()[0], "entry,job,phase,category,start_seconds,end_seconds,gpus,gpu_seconds")
        self.assertEqual(len(out.splitlines()), 2)


if __name__ == "__main__":
    unittest.main()
