#!/usr/bin/env python3
"""Golden transcripts: run each command of a transcript and compare its exact
standard output, standard error and exit code with the file's.

A transcript (tests/golden/*.t, see README.md there) is a sequence of blocks:

    # comment lines and blank lines, kept as they are
    $ gpuledger replay traces/deepseek-v3-r1.textproto --ledger "$TMP/l.sqlite"
    > a line of standard output (">" alone: an empty line)
    2> a line of standard error
    ? 2                      (the exit code, when it is not 0)

A command is a bash command line run from the repository root, with
`gpuledger` on the PATH and $TMP a fresh folder for the transcript (its
commands share it, in order). `$& COMMAND` starts a server in the background
instead: its first line of output must be "listening on HOST:PORT", the
address is then $SERVER for the commands after it, and it is stopped at the
end of the transcript. `ledger-dump FILE` prints every table of a ledger in
a canonical order. Output is compared after replacing the folder's path by
$TMP, the repository's by $ROOT, the server's address by $SERVER and the
ledger's writer (HOST:PID) by $WRITER.

    golden.py --bin build/gpuledger [--rewrite] [FILE.t ...]

With --rewrite, each file's expected output is replaced by what the commands
print now (comments and commands are kept), so the diff of an intended change
shows in review. Without files: every transcript beside this script.
"""

import argparse
import difflib
import select
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# 2026-01-01T00:00:00Z: the wall clock every ledger of a transcript records.
FIXED_CLOCK = "1767225600"
TIMEOUT_SECONDS = 120
SERVER_START_SECONDS = 60


class Block:
    def __init__(self, comments, command, background):
        self.comments = comments  # lines before the command
        self.command = command
        self.background = background
        self.out, self.err, self.code = [], [], 0


def parse(path):
    blocks, comments, block = [], [], None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for n, line in enumerate(lines, 1):
        def bad(what):
            sys.exit(f"{path}:{n}: {what}")
        if line.startswith("$& ") or line.startswith("$ "):
            background = line.startswith("$& ")
            block = Block(comments, line[3:] if background else line[2:], background)
            blocks.append(block)
            comments = []
        elif line == "" or line.startswith("#"):
            comments.append(line)
            block = None  # output belongs right after its command
        elif block is None:
            bad(f"output before any command: {line!r}")
        elif line == ">" or line.startswith("> "):
            block.out.append(line[2:])
        elif line == "2>" or line.startswith("2> "):
            block.err.append(line[3:])
        elif re.fullmatch(r"\? -?\d+", line):
            block.code = int(line[2:])
        else:
            bad(f"not a command, output, exit code or comment: {line!r}")
    return blocks, comments


def render(blocks, trailing):
    text = []
    for b in blocks:
        text += b.comments
        text.append(("$& " if b.background else "$ ") + b.command)
        text += [("> " + l) if l else ">" for l in b.out]
        text += [("2> " + l) if l else "2>" for l in b.err]
        if b.code != 0:
            text.append(f"? {b.code}")
    text += trailing
    return "\n".join(text) + "\n"


def ledger_dump(path):
    """Every table's rows in primary-key order, one line each."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    out = []
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    for t in tables:
        if t == "entry_batches":
            out.extend(entry_batches(db))
            continue
        if t == "job_batches":
            out.extend(job_batches(db))
            continue
        cols = [r[1] for r in db.execute(f"PRAGMA table_info({t})")]
        out.append(f"table {t}: {', '.join(cols)}")
        for row in db.execute(f"SELECT * FROM {t} ORDER BY rowid" if has_rowid(db, t) else f"SELECT * FROM {t} ORDER BY 1"):
            out.append("  " + " | ".join(cell(v) for v in row))
    out.append(f"user_version {db.execute('PRAGMA user_version').fetchone()[0]}")
    db.close()
    return "\n".join(out) + "\n"


CATEGORIES = ["productive", "checkpoint", "lost", "restart", "provisioning", "idle", "down"]
POOLS = ["", "owned", "reserved", "on-demand"]


class Packed:
    """A cursor over packed bytes: varints, zigzag varints, text."""

    def __init__(self, data):
        self.data, self.pos = data, 0

    def byte(self):
        self.pos += 1
        return self.data[self.pos - 1]

    def varint(self):
        value, shift = 0, 0
        while True:
            b = self.byte()
            value |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return value

    def zigzag(self):
        v = self.varint()
        return (v >> 1) ^ -(v & 1)

    def text(self):
        n = self.varint()
        self.pos += n
        return self.data[self.pos - n:self.pos].decode()


def job_batches(db):
    """The packed jobs (ledger/entries.h, JobPacker), unpacked here on their
    own: one line per job."""
    out = ["table job_batches, unpacked: run_id, ordinal, job_id, phase, project, gpus, priority, "
           "submit, run_seconds"]
    for run, first, count, packed in db.execute(
            "SELECT run_id, first_ordinal, jobs, packed FROM job_batches ORDER BY run_id, first_ordinal"):
        p, job_id, submit, names = Packed(packed), 0, 0, []
        for i in range(count):
            kind = p.byte()
            if kind == 1:
                job_id += p.zigzag()
                ident = str(job_id)
            elif kind == 0:
                ident = p.text()
            else:
                out.append(f"  batch {run}/{first}: job {first + i} has id kind {kind}: not ours")
                break
            fields = []
            for _ in range(2):
                k = p.varint()
                if k == len(names):
                    names.append(p.text())
                fields.append(names[k])
            gpus, priority = p.varint(), p.zigzag()
            submit += p.zigzag()
            run_seconds = p.varint()
            out.append("  " + " | ".join(str(v) for v in (
                run, first + i, ident, fields[0], fields[1], gpus, priority, submit, run_seconds)))
        if p.pos != len(packed):
            out.append(f"  batch {run}/{first}: {len(packed) - p.pos} bytes left over")
    return out


def entry_batches(db):
    """The packed usage entries (ledger/entries.h), unpacked here on their own
    (a second reader of the format): one line per entry, its job as the
    job's ordinal."""
    out = ["table entry_batches, unpacked: entry_id, run_id, job, category, start, end, gpus, "
           "nodes, pool"]
    for first, run, count, packed in db.execute(
            "SELECT first_entry, run_id, entries, packed FROM entry_batches ORDER BY first_entry"):
        p, job, end = Packed(packed), -1, 0
        for i in range(count):
            flags = p.byte()
            if flags & 0x20:
                job += p.zigzag()
            end += p.zigzag()
            start = end - p.varint()
            gpus = p.varint()
            nodes = p.text() if flags & 0x40 else ""
            out.append("  " + " | ".join(str(v) for v in (
                first + i, run, job if flags & 0x20 else "", CATEGORIES[flags & 7], start, end,
                gpus, nodes, POOLS[(flags >> 3) & 3])))
        if p.pos != len(packed):
            out.append(f"  batch {first}: {len(packed) - p.pos} bytes left over")
    return out


def cell(v):
    """A value on one line: NULL, a number, or text with \\ and newlines escaped."""
    if v is None:
        return "NULL"
    if isinstance(v, bytes):
        return "x'" + v.hex() + "'"
    return str(v).replace("\\", "\\\\").replace("\n", "\\n")


def has_rowid(db, table):
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    return "WITHOUT ROWID" not in sql.upper()


class Transcript:
    def __init__(self, binary, path):
        self.path = path
        self.tmp = tempfile.mkdtemp(prefix="golden-")
        bindir = os.path.join(self.tmp, ".bin")
        os.makedirs(bindir)
        os.symlink(os.path.abspath(binary), os.path.join(bindir, "gpuledger"))
        os.makedirs(os.path.join(self.tmp, "home"))
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("GPULEDGER_") and k not in ("XDG_DATA_HOME", "COLUMNS")}
        env.update(PATH=bindir + os.pathsep + env.get("PATH", "/usr/bin:/bin"), TMP=self.tmp,
                   HOME=os.path.join(self.tmp, "home"), TZ="UTC", LC_ALL="C",
                   SOURCE_DATE_EPOCH=FIXED_CLOCK, PYTHONDONTWRITEBYTECODE="1")
        self.env = env
        self.servers = []
        self.server = None
        self.writer = re.compile(re.escape(socket.gethostname()) + r":\d+")

    def normalize(self, text):
        text = text.replace(self.tmp, "$TMP").replace(ROOT, "$ROOT")
        if self.server:
            text = text.replace(self.server, "$SERVER")
        return self.writer.sub("$WRITER", text)

    def lines(self, text):
        text = self.normalize(text)
        if text.endswith("\n"):
            text = text[:-1]
        elif text:
            text += "\n[no newline at the end]"
        return text.split("\n") if text else []

    def run(self, block):
        if block.background:
            return self.start(block)
        m = re.fullmatch(r"ledger-dump (\S+)", block.command)
        if m:
            path = m.group(1).strip("'\"").replace("$TMP", self.tmp)
            return self.lines(ledger_dump(path)), [], 0
        p = subprocess.run(["bash", "-c", block.command], cwd=ROOT, env=self.env, capture_output=True,
                           text=True, errors="replace", timeout=TIMEOUT_SECONDS)
        return self.lines(p.stdout), self.lines(p.stderr), p.returncode

    def start(self, block):
        p = subprocess.Popen(["bash", "-c", "exec " + block.command], cwd=ROOT, env=self.env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.servers.append(p)
        # A server that never says where it listens fails the transcript
        # instead of hanging it.
        ready, _, _ = select.select([p.stdout], [], [], SERVER_START_SECONDS)
        line = p.stdout.readline() if ready else ""
        m = re.match(r"listening on (\S+)", line)
        if not m:
            return self.lines(line), [], p.poll() if p.poll() is not None else -1
        self.server = m.group(1)
        self.env["SERVER"] = self.server
        return ["listening on $SERVER"], [], 0

    def verify_ledgers(self):
        """`gpuledger ledger verify` on every current ledger the transcript
        left (servers stopped first): the messages of any it finds unsound.
        Exit 2 (no ledger, or another schema) is not this check's business;
        a ledger named edited* was changed on purpose."""
        self.stop_servers()
        problems = []
        for folder, _, names in os.walk(self.tmp):
            for n in sorted(names):
                if not n.endswith(".sqlite") or n.startswith("edited"):
                    continue
                p = subprocess.run(["gpuledger", "ledger", "verify", os.path.join(folder, n)],
                                   env=self.env, capture_output=True, text=True, errors="replace",
                                   timeout=TIMEOUT_SECONDS)
                if p.returncode == 1:
                    problems.append(self.normalize(p.stdout))
        return problems

    def stop_servers(self):
        for p in self.servers:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()

    def close(self):
        self.stop_servers()
        shutil.rmtree(self.tmp, ignore_errors=True)


def check(binary, path, rewrite):
    blocks, trailing = parse(path)
    expected = render(blocks, trailing)
    t = Transcript(binary, path)
    try:
        for b in blocks:
            b.out, b.err, b.code = t.run(b)
        unsound = t.verify_ledgers()
    finally:
        t.close()
    actual = render(blocks, trailing)
    name = os.path.relpath(path, ROOT)
    if unsound:
        sys.stdout.write(f"{name}: a ledger it left is not sound:\n" + "".join(unsound))
        return False
    if actual == expected:
        return True
    if rewrite:
        with open(path, "w", encoding="utf-8") as f:
            f.write(actual)
        print(f"rewrote {name}")
        return True
    sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                               f"{name} (expected)", f"{name} (actual)"))
    return False


def main():
    ap = argparse.ArgumentParser(description="Compare golden transcripts with what the commands print.")
    ap.add_argument("--bin", required=True, help="the gpuledger binary")
    ap.add_argument("--rewrite", action="store_true", help="replace the expected output with the actual")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    files = a.files or sorted(os.path.join(HERE, f) for f in os.listdir(HERE) if f.endswith(".t"))
    failed = [f for f in files if not check(a.bin, f, a.rewrite)]
    for f in failed:
        print(f"FAILED {os.path.relpath(f, ROOT)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
