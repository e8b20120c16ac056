"""Helpers for the gRPC tests: start a real `gpuledger serve`, talk to it with
Debian's python3-grpcio and stubs generated from the project's protos at build
time, run the CLI. Paths come from the environment ctest sets."""

import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

BINARY = os.environ["GPULEDGER_BINARY"]
STUBS = os.environ["GPULEDGER_STUBS"]
SOURCE = os.environ["GPULEDGER_SOURCE_DIR"]
sys.path.insert(0, STUBS)

import grpc  # noqa: E402
from gpuledger.v1 import ledger_service_pb2 as pb  # noqa: E402
from gpuledger.v1 import ledger_service_pb2_grpc as rpc  # noqa: E402
import health_pb2  # noqa: E402
import health_pb2_grpc  # noqa: E402

DEEPSEEK = os.path.join(SOURCE, "traces", "deepseek-v3-r1.textproto")


def make_certs(folder):
    """A test CA, a server certificate for 127.0.0.1 and localhost, and a
    client certificate, all signed by the CA (the openssl command); returns
    {name: path} for ca.crt, server.crt, server.key, client.crt, client.key."""
    def req(name, *extra):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
                        "-keyout", os.path.join(folder, name + ".key"),
                        "-out", os.path.join(folder, name + ".crt"), *extra],
                       check=True, capture_output=True)
    req("ca", "-subj", "/CN=gpuledger test CA")
    ca = ["-CA", os.path.join(folder, "ca.crt"), "-CAkey", os.path.join(folder, "ca.key"),
          "-addext", "basicConstraints=critical,CA:FALSE"]
    req("server", "-subj", "/CN=localhost", *ca,
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-addext", "extendedKeyUsage=serverAuth")
    req("client", "-subj", "/CN=gpuledger test client", *ca, "-addext", "extendedKeyUsage=clientAuth")
    return {n: os.path.join(folder, n) for n in
            ("ca.crt", "server.crt", "server.key", "client.crt", "client.key")}


def cli(*args):
    """Runs the gpuledger binary; returns (exit code, stdout, stderr)."""
    p = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


class Server:
    """A `gpuledger serve` on a free loopback port."""

    def __init__(self, ledger, *args, credentials=None, listen="127.0.0.1:0"):
        """`credentials`: grpc.ssl_channel_credentials(...) for a TLS server."""
        self.proc = subprocess.Popen(
            [BINARY, "serve", "--ledger", ledger, "--listen", listen, *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], 20)
        line = self.proc.stdout.readline() if ready else ""
        m = re.match(r"listening on (\S+)", line)
        if not m:
            self.proc.kill()
            raise RuntimeError("server did not start: %r %s" % (line, self.proc.stderr.read()))
        self.address = m.group(1).replace("0.0.0.0:", "127.0.0.1:")
        self.channel = (grpc.secure_channel(self.address, credentials) if credentials
                        else grpc.insecure_channel(self.address))
        grpc.channel_ready_future(self.channel).result(timeout=10)
        self.ledger = rpc.LedgerServiceStub(self.channel)
        self.replay = rpc.ReplayServiceStub(self.channel)
        self.health = health_pb2_grpc.HealthStub(self.channel)

    def terminate(self, timeout=10):
        """Sends SIGTERM; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=timeout)
        self.channel.close()
        return code

    def close(self):
        if self.proc.poll() is None:
            self.terminate()
        self.proc.stdout.close()
        self.proc.stderr.close()


class ServerTestCase(unittest.TestCase):
    """A fresh temp directory per test; self.ledger_path inside it."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="gpuledger_py_")
        self.ledger_path = os.path.join(self.dir, "ledger.sqlite")
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def assertCode(self, code, call, *args, **kwargs):
        """Calls `call(*args, timeout=30, **kwargs)`, which must fail with
        `code`; returns the details."""
        with self.assertRaises(grpc.RpcError) as e:
            call(*args, timeout=30, **kwargs)
        self.assertEqual(e.exception.code(), code, e.exception.details())
        return e.exception.details()

    def start_server(self, *args, **kwargs):
        s = Server(self.ledger_path, *args, **kwargs)
        self.servers.append(s)
        return s

    def cli_json_report(self, ledger, run, *extra):
        code, out, err = cli("report", "--ledger", ledger, "--run", str(run), "--format", "json", *extra)
        self.assertEqual(code, 0, err)
        return json.loads(out)

    def watch(self, server, name, timeout=60):
        return list(server.replay.WatchReplay(pb.WatchReplayRequest(name=name), timeout=timeout))
