"""SIGTERM during a replay: exit 0 within 5 s, the run marked cancelled, the
ledger clean and its complete runs unchanged."""

import sqlite3
import threading
import time
import unittest

from gpuledger_testlib import DEEPSEEK, ServerTestCase, cli, grpc, pb


class Shutdown(ServerTestCase):

    def test_sigterm_cancels_the_replay_and_exits_cleanly(self):
        code, _, err = cli("replay", DEEPSEEK, "--ledger", self.ledger_path)
        self.assertEqual(code, 0, err)
        before = self.cli_json_report(self.ledger_path, 1)

        server = self.start_server()
        run = server.replay.StartReplay(
            pb.StartReplayRequest(plan_name="deepseek-v3-r1", speed=86400), timeout=30)
        watched, failures = [], []

        def watch():
            try:
                for m in server.replay.WatchReplay(pb.WatchReplayRequest(name=run.name), timeout=60):
                    watched.append(m)
            except grpc.RpcError as e:
                failures.append(e.code())

        watcher = threading.Thread(target=watch)
        watcher.start()
        time.sleep(1.5)
        self.assertTrue(any(not m.final for m in watched), "the replay should be under way")
        started = time.monotonic()
        code = server.terminate(timeout=10)
        elapsed = time.monotonic() - started
        watcher.join(10)
        self.assertEqual(code, 0)
        self.assertLess(elapsed, 5.0)
        self.assertEqual(failures, [])  # the watcher got a clean end
        self.assertTrue(watched[-1].final)
        self.assertEqual(watched[-1].state, pb.Run.CANCELLED)

        db = sqlite3.connect(self.ledger_path)
        self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        statuses = dict(db.execute("SELECT run_id, status FROM runs").fetchall())
        db.close()
        self.assertEqual(statuses, {1: "complete", 2: "cancelled"})
        self.assertEqual(self.cli_json_report(self.ledger_path, 1), before)
        # A cancelled run is never reported as complete...
        code, _, err = cli("report", "--ledger", self.ledger_path, "--run", "2")
        self.assertEqual(code, 2)
        self.assertIn("cancelled", err)
        # ...and its partial figures account for every GPU-second up to the stop.
        partial = self.cli_json_report(self.ledger_path, 2, "--partial")
        window = partial["run"]["sim_end_seconds"] - partial["run"]["sim_start_seconds"]
        self.assertGreater(window, 0)
        self.assertEqual(partial["total"]["gpu_seconds"], window * 2048)


if __name__ == "__main__":
    unittest.main()
