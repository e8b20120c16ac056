#!/usr/bin/env python3
"""Crash tests (docs/ledger.md): kill replays with SIGKILL at seeded random
instants and check what the ledger promises; fill the disk mid-replay; write
into a read-only ledger; run two replays into one ledger at once.

    crash_test.py --bin build/gpuledger --stubs build/python --source . [--seed N]
                  [--trials 20] [--modes cli,server,group,disk,readonly,concurrent]

After every trial: `gpuledger ledger verify` passes (the ledger opens and is
sound), every run that was complete before is unchanged (its content digest),
the killed replay's run is visibly not complete (running) or absent, and the
next replay into the same ledger succeeds. A failure prints the seed, mode and
trial, so `--seed S --modes MODE` replays it. Prints one line of figures per
mode. ctest runs it as `crash`.
"""

import argparse
import hashlib
import os
import random
import re
import resource
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time


class Failure(Exception):
    pass


class Crash:
    def __init__(self, args):
        self.bin = os.path.abspath(args.bin)
        self.source = os.path.abspath(args.source)
        self.stubs = os.path.abspath(args.stubs)
        self.seed = args.seed
        self.trials = args.trials
        self.dir = tempfile.mkdtemp(prefix="gpuledger_crash_")
        os.chmod(self.dir, 0o755)  # the read-only trial reads it as another user
        self.small = os.path.join(self.source, "tests", "data", "small_plan.textproto")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GPULEDGER_")}
        self.figures = []

    # -- helpers ---------------------------------------------------------

    def cli(self, *args, timeout=300, preexec=None):
        p = subprocess.run([self.bin, *args], capture_output=True, text=True, env=self.env,
                           timeout=timeout, preexec_fn=preexec)
        return p.returncode, p.stdout, p.stderr

    def must(self, *args):
        code, out, err = self.cli(*args)
        if code != 0:
            raise Failure(f"gpuledger {' '.join(args)}: exit {code}: {err.strip()}")
        return out

    def runs(self, ledger):
        """{run_id: (status, digest)} read without changing the file."""
        db = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
        try:
            return {r: (s, d) for r, s, d in db.execute("SELECT run_id, status, digest FROM runs")}
        finally:
            db.close()

    def verify(self, ledger, when):
        code, out, err = self.cli("ledger", "verify", ledger)
        if code != 0:
            raise Failure(f"verify {when}: exit {code}:\n{out}{err}")
        return out

    def check_after(self, ledger, before, when, allow_complete=False):
        """The promises after an interrupted write; returns the new runs' statuses."""
        self.verify(ledger, when)
        after = self.runs(ledger)
        for run, (status, digest) in before.items():
            if status == "complete" and after.get(run) != (status, digest):
                raise Failure(f"{when}: run {run} was complete with digest {digest}, "
                              f"now {after.get(run)}")
        new = {r: s for r, (s, _) in after.items() if r not in before}
        for run, status in new.items():
            if status != "running" and not (allow_complete and status == "complete"):
                raise Failure(f"{when}: the interrupted run {run} is {status}")
        return new

    def next_replay(self, ledger, when):
        """Repair (the killed writer is gone), then a replay that must succeed."""
        self.must("ledger", "repair", ledger)
        before = self.runs(ledger)
        code, _, err = self.cli("replay", self.small, "--ledger", ledger)
        if code != 0:
            raise Failure(f"{when}: the next replay failed: exit {code}: {err.strip()}")
        new = [r for r in self.runs(ledger) if r not in before]
        if len(new) != 1 or self.runs(ledger)[new[0]][0] != "complete":
            raise Failure(f"{when}: the next replay left {new}")

    def ledger(self, name):
        path = os.path.join(self.dir, name)
        # Something complete to protect: a whole replay of the trace.
        self.must("replay", self.trace, "--ledger", path, "--policy", "easy")
        self.must("replay", self.small, "--ledger", path)
        return path

    def wait_for_new_run(self, ledger, before, p, complete=False, timeout=60):
        """Polls until a run not in `before` appears (with `complete`: until
        one is complete), or `p` ends."""
        deadline = time.monotonic() + timeout
        while p.poll() is None and time.monotonic() < deadline:
            try:
                if any(r not in before and (not complete or s == "complete")
                       for r, (s, _) in self.runs(ledger).items()):
                    return
            except sqlite3.OperationalError:
                pass  # busy: look again
            time.sleep(0.002)

    def timed(self, argv, ledger):
        """Runs `argv` (a replay into `ledger`) to its end: the seconds until
        its run's row appeared, until a run of it was complete, and in all."""
        before = self.runs(ledger) if os.path.exists(ledger) else {}
        start = time.monotonic()
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=self.env)
        self.wait_for_new_run(ledger, before, p)
        row = time.monotonic() - start
        self.wait_for_new_run(ledger, before, p, complete=True)
        complete = time.monotonic() - start
        if p.wait() != 0:
            raise Failure(f"{' '.join(argv)}: exit {p.returncode}")
        return row, complete, time.monotonic() - start

    @staticmethod
    def new_counts():
        return {"trials": 0, "killed": 0, "finished first": 0, "left running": 0, "absent": 0,
                "complete": 0}

    def kill_schedule(self, counts):
        """Trials until --trials kills have landed while the replay ran (a
        kill drawn after its end counts as a trial, not a kill), at most
        three times as many trials."""
        trial = 0
        while counts["killed"] < self.trials:
            if trial == 3 * self.trials:
                raise Failure(f"only {counts['killed']} of {trial} kills landed while the replay ran")
            counts["trials"] += 1
            yield trial
            trial += 1

    def kill_trials(self, mode, ledger, start, duration, rng):
        """Runs `start()` (a Popen) and SIGKILLs it at a random instant, trial
        after trial; returns the counts of outcomes."""
        counts = self.new_counts()
        # The delays are drawn over the timed replay's durations, scaled
        # down whenever a replay ends before its kill: on a machine busier
        # while timing than after, replays run faster than timed.
        scale = 1.0
        for trial in self.kill_schedule(counts):
            when = f"seed {self.seed}, mode {mode}, trial {trial}"
            before = self.runs(ledger)
            row, complete, end = duration
            # Half the kills are drawn over the whole process, half over the
            # time its run's rows are written (from its row's appearing to
            # its first run's completion).
            from_row = rng.random() < 0.5
            delay = rng.uniform(0.0, (complete - row if from_row else end) * scale)
            t0 = time.monotonic()
            p, target = start()
            if from_row:
                self.wait_for_new_run(ledger, before, p)
            time.sleep(delay)
            if p.poll() is None:
                os.kill(target, signal.SIGKILL)
                counts["killed"] += 1
            else:
                counts["finished first"] += 1
                if end > 0:
                    scale = min(scale, 0.9 * (time.monotonic() - t0) / end)
            p.wait()
            new = self.check_after(ledger, before, when, allow_complete=True)
            if not new:
                counts["absent"] += 1
            for status in new.values():
                counts["left running" if status == "running" else "complete"] += 1
            self.next_replay(ledger, when)
        self.verify(ledger, f"seed {self.seed}, mode {mode}, at the end")
        return counts

    # -- modes -----------------------------------------------------------

    def mode_cli(self, rng):
        ledger = self.ledger("cli.sqlite")
        def argv_into(path):
            return [self.bin, "replay", self.trace, "--ledger", path, "--policy", "easy"]
        argv = argv_into(ledger)
        scratch = os.path.join(self.dir, "t1.sqlite")
        duration = self.timed(argv_into(scratch), scratch)

        def start():
            p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 env=self.env)
            return p, p.pid
        return self.kill_trials("cli", ledger, start, duration, rng), duration

    def mode_group(self, rng):
        ledger = self.ledger("group.sqlite")
        plan = os.path.join(self.source, "traces", "llama3-405b.textproto")
        argv = [self.bin, "replay", plan, "--seeds", "24", "--threads", "2", "--ledger", ledger]
        scratch = os.path.join(self.dir, "t2.sqlite")
        duration = self.timed(argv[:-1] + [scratch], scratch)

        def start():
            p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 env=self.env)
            return p, p.pid
        counts = self.kill_trials("group", ledger, start, duration, rng)
        return counts, duration

    def mode_server(self, rng):
        sys.path.insert(0, self.stubs)
        import grpc  # noqa: F401  (Debian's python3-grpcio)
        from gpuledger.v1 import ledger_service_pb2 as pb
        from gpuledger.v1 import ledger_service_pb2_grpc as rpc

        ledger = self.ledger("server.sqlite")
        # The DeepSeek plan with failures, paced to about a second of wall
        # time: the server writes as the replay advances.
        plan = "deepseek-v3-r1-failures"
        speed = 86400 * 60

        def serve():
            p = subprocess.Popen([self.bin, "serve", "--ledger", ledger, "--listen", "127.0.0.1:0",
                                  "--traces-dir", os.path.join(self.source, "traces")],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                 env=self.env)
            ready, _, _ = select.select([p.stdout], [], [], 30)
            line = p.stdout.readline() if ready else ""
            m = re.match(r"listening on (\S+)", line)
            if not m:
                p.kill()
                raise Failure(f"the server did not start: {line!r}")
            channel = grpc.insecure_channel(m.group(1))
            return p, channel, rpc.ReplayServiceStub(channel)

        def replay(stub):
            return stub.StartReplay(pb.StartReplayRequest(plan_name=plan, speed=speed), timeout=30)

        # How long one paced replay takes.
        p, channel, stub = serve()
        t0 = time.monotonic()
        run = replay(stub)
        for _ in stub.WatchReplay(pb.WatchReplayRequest(name=run.name), timeout=120):
            pass
        duration = (0.0, 0.0, time.monotonic() - t0)
        channel.close()
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=30)
        p.stdout.close()
        counts = self.new_counts()
        for trial in self.kill_schedule(counts):
            when = f"seed {self.seed}, mode server, trial {trial}"
            before = self.runs(ledger)
            p, channel, stub = serve()
            replay(stub)
            time.sleep(rng.uniform(0.0, duration[2]))
            if p.poll() is None:
                p.kill()
                counts["killed"] += 1
            else:
                counts["finished first"] += 1
            p.wait()
            p.stdout.close()
            channel.close()
            new = self.check_after(ledger, before, when, allow_complete=True)
            for status in new.values():
                counts["left running" if status == "running" else "complete"] += 1
            if not new:
                counts["absent"] += 1
            # The next replay, through a new server.
            self.must("ledger", "repair", ledger)
            p, channel, stub = serve()
            run = stub.StartReplay(pb.StartReplayRequest(plan_name="deepseek-v3-r1"), timeout=30)
            final = list(stub.WatchReplay(pb.WatchReplayRequest(name=run.name), timeout=120))[-1]
            channel.close()
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=30)
            p.stdout.close()
            if final.state != pb.Run.COMPLETE:
                raise Failure(f"{when}: the next replay over gRPC ended {final.state}")
        self.verify(ledger, f"seed {self.seed}, mode server, at the end")
        return counts, duration

    def mode_disk(self, rng):
        """The disk fills mid-replay: a file-size limit (RLIMIT_FSIZE) a
        seeded amount above what the ledger holds."""
        ledger = self.ledger("disk.sqlite")
        outcomes = {"refused": 0, "finished": 0}
        for trial in range(self.trials):
            when = f"seed {self.seed}, mode disk, trial {trial}"
            before = self.runs(ledger)
            # Writes go to the WAL first, which starts empty after a clean
            # close: it meets the limit part of the way through the replay
            # (a whole replay's WAL is a few MB).
            limit = rng.randrange(16 << 10, 6 << 20)

            def cap(limit=limit):
                resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
            code, _, err = self.cli("replay", self.trace, "--ledger", ledger, "--policy", "easy",
                                    preexec=cap)
            if code == 0:
                outcomes["finished"] += 1
                self.check_after(ledger, before, when, allow_complete=True)
            else:
                if code != 2 or "a write failed" not in err:
                    raise Failure(f"{when}: limit {limit}: exit {code}, said {err.strip()!r}")
                outcomes["refused"] += 1
                self.check_after(ledger, before, when)
            self.next_replay(ledger, when)
        self.verify(ledger, f"seed {self.seed}, mode disk, at the end")
        return outcomes, None

    def mode_readonly(self, rng):
        ledger = self.ledger("readonly.sqlite")
        digest = lambda: hashlib.sha256(open(ledger, "rb").read()).hexdigest()  # noqa: E731
        before, bytes_before = self.runs(ledger), digest()
        os.chmod(ledger, 0o444)
        # As root, permissions do not stop a write: the replay runs as nobody.
        drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] \
            if os.geteuid() == 0 else []
        p = subprocess.run([*drop, self.bin, "replay", self.small, "--ledger", ledger],
                           capture_output=True, text=True, env=self.env, timeout=60)
        os.chmod(ledger, 0o644)
        if p.returncode != 2 or "read-only" not in p.stderr:
            raise Failure(f"read-only ledger: exit {p.returncode}, said {p.stderr.strip()!r}")
        if digest() != bytes_before or self.runs(ledger) != before:
            raise Failure("read-only ledger: the file changed")
        self.verify(ledger, "read-only")
        self.next_replay(ledger, "read-only, made writable again")
        return {"refused": 1, "message": p.stderr.strip()}, None

    def mode_concurrent(self, rng):
        ledger = self.ledger("concurrent.sqlite")
        rounds = 3
        for r in range(rounds):
            before = self.runs(ledger)
            procs = [subprocess.Popen([self.bin, "replay", self.trace, "--ledger", ledger,
                                       "--policy", policy], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True, env=self.env)
                     for policy in ("easy", "fcfs")]
            for p in procs:
                _, err = p.communicate(timeout=300)
                if p.returncode != 0:
                    raise Failure(f"concurrent round {r}: a replay failed: {err.strip()}")
            new = {k: v[0] for k, v in self.runs(ledger).items() if k not in before}
            if sorted(new.values()) != ["complete", "complete"]:
                raise Failure(f"concurrent round {r}: the new runs are {new}")
            self.verify(ledger, f"concurrent round {r}")
        return {"rounds": rounds, "replays complete": 2 * rounds}, None

    def run(self, modes):
        # A trace long enough to be killed mid-write: about a third of a
        # second of replay on a 2-core machine.
        self.trace = os.path.join(self.dir, "kalos.csv")
        self.must("gen", "--preset", "kalos", "--jobs", "100000", "--seed", "1", "-o", self.trace)
        rng = random.Random(self.seed)
        for mode in modes:
            start = time.monotonic()
            result, duration = getattr(self, "mode_" + mode)(random.Random(rng.random()))
            took = time.monotonic() - start
            said = ", ".join(f"{k} {v}" for k, v in result.items())
            extra = (f"; one uninterrupted replay {duration[2]:.2f} s, its (first) run's row "
                     f"after {duration[0]:.2f} s, complete after {duration[1]:.2f} s"
                     if duration else "")
            print(f"crash {mode}: {said}{extra}; {took:.0f} s", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--stubs", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--modes", default="cli,server,group,disk,readonly,concurrent")
    a = ap.parse_args()
    c = Crash(a)
    try:
        c.run(a.modes.split(","))
    except Failure as f:
        print(f"crash: FAILED: {f}\n(replay it: --seed {a.seed} --modes ...; files kept in "
              f"{c.dir})", flush=True)
        return 1
    shutil.rmtree(c.dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
