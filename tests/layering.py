#!/usr/bin/env python3
"""The layering check: every `#include "..."` of a library folder, and every
gpuledger library its CMakeLists.txt links, names only folders that library
may use. The arrows are ALLOWED below; docs/ARCHITECTURE.md draws them and
lists them in its table, and this script checks that the table says exactly
the same, so a change to one is a change to both.

    python3 tests/layering.py      (ctest: layering)

Also: gRPC (grpc/, grpcpp/, *.grpc.pb.h) only in server/; a header marked
internal is included only from its own folder.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Folder -> the folders it may include (its own always). "proto" is the
# generated code (gpuledger/v1/*.pb.h).
ALLOWED = {
    "base": set(),
    "proto": set(),
    "pricing": {"proto", "base"},
    "scheduler": {"base"},
    "traces": {"proto", "pricing", "base"},
    "ledger": {"base"},
    "report": {"ledger", "pricing", "proto", "base"},
    "replay": {"traces", "scheduler", "ledger", "report", "pricing", "proto", "base"},
    "compare": {"replay", "traces", "scheduler", "ledger", "report", "pricing", "proto", "base"},
    "web": {"compare", "report", "ledger", "pricing", "proto"},
    "server": {"web", "compare", "replay", "traces", "scheduler", "ledger", "report", "pricing",
               "proto", "base"},
    "cli": {"server", "compare", "replay", "traces", "scheduler", "ledger", "report", "web", "pricing",
            "proto", "base"},
}
GRPC_ALLOWED = {"server"}
# Headers for their own folder only.
INTERNAL = {"traces/textproto.h": "traces", "ledger/sqlite.h": "ledger", "traces/gzlines.h": "traces",
            "scheduler/simulator_impl.h": "scheduler", "ledger/store_internal.h": "ledger",
            "server/replay_manager.h": "server", "server/health.h": "server",
            "server/reader_pool.h": "server", "server/security.h": "server",
            "ledger/totals.h": "ledger", "ledger/digest.h": "ledger", "ledger/entries.h": "ledger"}
# Folders that are not libraries: tests, fuzzers and benchmarks use anything.
OUTSIDE = {"tests", "fuzz", "bench", "docs", ".ci", "build", "build-fuzz"}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]')


def folder_of_include(path):
    if path.startswith("gpuledger/v1/"):
        return "proto"
    head = path.split("/")[0]
    return head if head in ALLOWED else None


def is_grpc(path):
    return path.startswith(("grpc/", "grpcpp/", "grpc++/")) or path.endswith(".grpc.pb.h")


LINK = re.compile(r"target_link_libraries\(\s*(\S+)([^)]*)\)", re.S)


def check_links(problems):
    """Each library folder's CMake links, against the same arrows."""
    for lib in ALLOWED:
        path = os.path.join(ROOT, lib, "CMakeLists.txt")
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for target, args in LINK.findall(text):
            for dep in re.findall(r"\bgpuledger_(\w+)", args):
                if dep == "grpc":  # the generated gRPC stubs: server/ only
                    if lib not in GRPC_ALLOWED:
                        problems.append(f"{lib}/CMakeLists.txt: {target} links gpuledger_grpc: "
                                        "gRPC belongs in server/ only")
                    continue
                if dep != lib and dep not in ALLOWED[lib]:
                    problems.append(f"{lib}/CMakeLists.txt: {target} links gpuledger_{dep} "
                                    f"({lib} -> {dep} is not an arrow)")


def check_doc_table(problems):
    """docs/ARCHITECTURE.md's library table lists exactly ALLOWED."""
    with open(os.path.join(ROOT, "docs", "ARCHITECTURE.md"), encoding="utf-8") as f:
        doc = f.read()
    for lib, allowed in ALLOWED.items():
        m = re.search(r"^\| `" + lib + r"` \| ([^|]*) \|", doc, re.M)
        if not m:
            problems.append(f"docs/ARCHITECTURE.md: no table row for `{lib}`")
            continue
        listed = set(re.findall(r"\b(" + "|".join(ALLOWED) + r")\b", m.group(1)))
        if listed != allowed:
            problems.append(f"docs/ARCHITECTURE.md: `{lib}` may use {sorted(listed)}, "
                            f"tests/layering.py says {sorted(allowed)}")


def main():
    # Tracked files and new ones not yet added (not ignored ones).
    files = subprocess.check_output(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                                     "*.h", "*.cc", "*.h.in", "*.cc.in"], cwd=ROOT,
                                    text=True).split()
    problems = []
    for f in files:
        lib = f.split("/")[0]
        if lib in OUTSIDE or "/" not in f:
            continue
        if lib not in ALLOWED:
            problems.append(f"{f}: folder {lib}/ has no arrows in tests/layering.py")
            continue
        with open(os.path.join(ROOT, f), encoding="utf-8") as src:
            for n, line in enumerate(src, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                path = m.group(2)
                if is_grpc(path) and lib not in GRPC_ALLOWED:
                    problems.append(f"{f}:{n}: includes {path}: gRPC belongs in server/ only")
                    continue
                if m.group(1) != '"':
                    continue
                target = folder_of_include(path)
                if target is None or target == lib:
                    continue
                if target not in ALLOWED[lib]:
                    problems.append(f"{f}:{n}: {lib}/ may not include {path} ({lib} -> {target} is not an arrow)")
                if path in INTERNAL and INTERNAL[path] != lib:
                    problems.append(f"{f}:{n}: {path} is internal to {INTERNAL[path]}/")
    check_links(problems)
    check_doc_table(problems)
    for p in problems:
        print(p)
    print(f"layering: {len(files)} files, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
