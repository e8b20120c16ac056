"""A server safe to expose (docs/security.md), from a real Python client:
tokens and roles, TLS and client certificates, limits, the loopback rule,
and the web view's tokens."""

import base64
import os
import ssl
import subprocess
import time
import unittest
import urllib.error
import urllib.request

from gpuledger_testlib import (BINARY, DEEPSEEK, ServerTestCase, cli, grpc, health_pb2,
                               make_certs, pb, rpc)

READ = "read-token-0123456789abcdef"
REPLAY = "replay-token-0123456789abcdef"
REPLAY2 = "second-replay-token-0123456789"


def bearer(token):
    return [("authorization", "Bearer " + token)]


class Security(ServerTestCase):

    def setUp(self):
        super().setUp()
        self.tokens = os.path.join(self.dir, "tokens")
        with open(self.tokens, "w") as f:
            f.write(f"# test tokens\n{READ} read\n{REPLAY} replay\n{REPLAY2} replay\n")
        os.chmod(self.tokens, 0o600)

    @staticmethod
    def read(path):
        with open(path, "rb") as f:
            return f.read()

    def test_tokens_roles_and_limits(self):
        server = self.start_server("--auth-tokens", self.tokens, "--allow-unauthenticated", "health",
                                   "--max-message-bytes", "1048576", "--speed", str(86400 * 5))
        L, R = server.ledger, server.replay
        # No token, a token not in the file: UNAUTHENTICATED, before any handler.
        details = self.assertCode(grpc.StatusCode.UNAUTHENTICATED, L.ListRuns, pb.ListRunsRequest())
        self.assertIn("authorization: Bearer TOKEN", details)
        self.assertCode(grpc.StatusCode.UNAUTHENTICATED, L.ListRuns, pb.ListRunsRequest(),
                        metadata=bearer("not-a-token-of-this-server"))
        self.assertCode(grpc.StatusCode.UNAUTHENTICATED, R.StartReplay,
                        pb.StartReplayRequest(plan_name="deepseek-v3-r1"))
        # A read token reads, and may not start, cancel or compare.
        self.assertEqual(len(L.ListRuns(pb.ListRunsRequest(), metadata=bearer(READ), timeout=30).runs), 0)
        for call, req in ((R.StartReplay, pb.StartReplayRequest(plan_name="deepseek-v3-r1")),
                          (R.CancelReplay, pb.CancelReplayRequest(name="runs/1")),
                          (R.CompareStrategies, pb.CompareStrategiesRequest(plan_name="deepseek-v3-r1")),
                          (L.CompareStrategies, pb.CompareStrategiesRequest(plan_name="deepseek-v3-r1"))):
            details = self.assertCode(grpc.StatusCode.PERMISSION_DENIED, call, req, metadata=bearer(READ))
            self.assertIn("needs a replay token", details)
        # Nothing was started by the refused calls.
        self.assertEqual(len(L.ListRuns(pb.ListRunsRequest(), metadata=bearer(READ), timeout=30).runs), 0)
        # A replay token replays; a read token watches it.
        run = R.StartReplay(pb.StartReplayRequest(plan_name="deepseek-v3-r1"), metadata=bearer(REPLAY),
                            timeout=30)
        final = list(R.WatchReplay(pb.WatchReplayRequest(name=run.name), metadata=bearer(READ),
                                   timeout=60))[-1]
        self.assertEqual(final.state, pb.Run.COMPLETE)
        # Health is open (the flag says so); reflection is not.
        self.assertEqual(server.health.Check(health_pb2.HealthCheckRequest(), timeout=10).status,
                         health_pb2.HealthCheckResponse.SERVING)
        from reflection_pb2 import ServerReflectionRequest  # generated beside health_pb2
        from reflection_pb2_grpc import ServerReflectionStub
        refl = ServerReflectionStub(server.channel)
        with self.assertRaises(grpc.RpcError) as e:
            list(refl.ServerReflectionInfo(iter([ServerReflectionRequest(list_services="")]), timeout=10))
        self.assertEqual(e.exception.code(), grpc.StatusCode.UNAUTHENTICATED)
        # Limits: a request beyond --max-message-bytes, a page beyond --max-page-size.
        big = pb.StartReplayRequest(plan_text="# " + "x" * (2 << 20))
        details = self.assertCode(grpc.StatusCode.RESOURCE_EXHAUSTED, R.StartReplay, big,
                                  metadata=bearer(REPLAY))
        self.assertIn("1048576", details)
        details = self.assertCode(grpc.StatusCode.RESOURCE_EXHAUSTED, L.ListRuns,
                                  pb.ListRunsRequest(page_size=5000), metadata=bearer(READ))
        self.assertIn("--max-page-size", details)
        # Deadlines: a watch of a replay paced at real time ends at the
        # caller's deadline, not the replay's end.
        slow = R.StartReplay(pb.StartReplayRequest(plan_name="deepseek-v3-r1", speed=1),
                             metadata=bearer(REPLAY), timeout=30)
        start = time.monotonic()
        self.assertCode(grpc.StatusCode.DEADLINE_EXCEEDED,
                        lambda req, timeout, metadata: list(R.WatchReplay(req, timeout=0.5,
                                                                          metadata=metadata)),
                        pb.WatchReplayRequest(name=slow.name), metadata=bearer(READ))
        self.assertLess(time.monotonic() - start, 5)
        R.CancelReplay(pb.CancelReplayRequest(name=slow.name), metadata=bearer(REPLAY), timeout=30)
        # Nothing the server printed holds a token.
        server.terminate()
        said = server.proc.stdout.read() + server.proc.stderr.read()
        for t in (READ, REPLAY, REPLAY2, "not-a-token-of-this-server"):
            self.assertNotIn(t, said)

    def test_replays_per_token_and_watches(self):
        server = self.start_server("--auth-tokens", self.tokens, "--max-replays", "3",
                                   "--max-replays-per-token", "1", "--max-watches", "1",
                                   "--speed", "86400")
        R = server.replay
        first = R.StartReplay(pb.StartReplayRequest(plan_name="deepseek-v3-r1"), metadata=bearer(REPLAY),
                              timeout=30)
        details = self.assertCode(grpc.StatusCode.RESOURCE_EXHAUSTED, R.StartReplay,
                                  pb.StartReplayRequest(plan_name="deepseek-v3-r1"), metadata=bearer(REPLAY))
        self.assertIn("--max-replays-per-token 1", details)
        # A comparison counts as one of the token's replays.
        details = self.assertCode(grpc.StatusCode.RESOURCE_EXHAUSTED, R.CompareStrategies,
                                  pb.CompareStrategiesRequest(plan_name="deepseek-v3-r1"),
                                  metadata=bearer(REPLAY))
        self.assertIn("--max-replays-per-token 1", details)
        second = R.StartReplay(pb.StartReplayRequest(plan_name="deepseek-v3-r1"), metadata=bearer(REPLAY2),
                               timeout=30)
        # One watch at a time (--max-watches 1).
        watch = R.WatchReplay(pb.WatchReplayRequest(name=first.name), metadata=bearer(READ), timeout=60)
        next(watch)
        details = self.assertCode(grpc.StatusCode.RESOURCE_EXHAUSTED,
                                  lambda req, timeout, metadata: list(R.WatchReplay(
                                      req, timeout=timeout, metadata=metadata)),
                                  pb.WatchReplayRequest(name=second.name), metadata=bearer(READ))
        self.assertIn("--max-watches 1", details)
        watch.cancel()
        for run in (first, second):
            R.CancelReplay(pb.CancelReplayRequest(name=run.name), metadata=bearer(REPLAY), timeout=30)

    def test_tls_and_client_certificates(self):
        certs = make_certs(self.dir)
        ca = self.read(certs["ca.crt"])
        server = self.start_server("--tls-cert", certs["server.crt"], "--tls-key", certs["server.key"],
                                   "--auth-tokens", self.tokens, listen="0.0.0.0:0",
                                   credentials=grpc.ssl_channel_credentials(root_certificates=ca))
        L = server.ledger
        self.assertEqual(len(L.ListRuns(pb.ListRunsRequest(), metadata=bearer(READ), timeout=30).runs), 0)
        self.assertCode(grpc.StatusCode.UNAUTHENTICATED, L.ListRuns, pb.ListRunsRequest())
        # A client in the clear gets nowhere.
        plain = rpc.LedgerServiceStub(grpc.insecure_channel(server.address))
        self.assertCode(grpc.StatusCode.UNAVAILABLE, plain.ListRuns, pb.ListRunsRequest(),
                        metadata=bearer(READ))
        # gpuledger query speaks TLS too.
        token_file = os.path.join(self.dir, "token")
        with open(token_file, "w") as f:
            f.write(READ + "\n")
        code, out, err = cli("query", "runs", "--server", server.address, "--tls-ca", certs["ca.crt"],
                             "--token-file", token_file)
        self.assertEqual(code, 0, err)
        code, _, err = cli("query", "runs", "--server", server.address, "--token-file", token_file,
                           "--timeout", "3")
        self.assertEqual(code, 2)
        # The server's tokens file is no token: refused before anything is
        # sent, and never printed.
        code, _, err = cli("query", "runs", "--server", server.address, "--tls-ca", certs["ca.crt"],
                           "--token-file", self.tokens)
        self.assertEqual(code, 2)
        self.assertIn("expected one token on one line", err)
        for t in (READ, REPLAY, REPLAY2):
            self.assertNotIn(t, err)
        # A token in the clear off loopback: refused by the client itself.
        code, _, err = cli("query", "runs", "--server", "192.0.2.1:50051", "--token-file", token_file)
        self.assertEqual(code, 2)
        self.assertIn("the token would cross the network in the clear", err)
        server.terminate()

        # With --tls-client-ca, a client needs a certificate the CA signed.
        mtls = ["--tls-cert", certs["server.crt"], "--tls-key", certs["server.key"],
                "--tls-client-ca", certs["ca.crt"]]
        with_cert = grpc.ssl_channel_credentials(root_certificates=ca,
                                                 private_key=self.read(certs["client.key"]),
                                                 certificate_chain=self.read(certs["client.crt"]))
        server = self.start_server(*mtls, credentials=with_cert)
        self.assertEqual(len(server.ledger.ListRuns(pb.ListRunsRequest(), timeout=30).runs), 0)
        anonymous = rpc.LedgerServiceStub(grpc.secure_channel(
            server.address, grpc.ssl_channel_credentials(root_certificates=ca)))
        self.assertCode(grpc.StatusCode.UNAVAILABLE, anonymous.ListRuns, pb.ListRunsRequest())
        code, _, err = cli("query", "runs", "--server", server.address, "--tls-ca", certs["ca.crt"],
                           "--tls-cert", certs["client.crt"], "--tls-key", certs["client.key"])
        self.assertEqual(code, 0, err)

    def test_only_loopback_unless_tls_or_insecure(self):
        base = [BINARY, "serve", "--ledger", self.ledger_path]
        p = subprocess.run(base + ["--listen", "0.0.0.0:0"], capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--listen: 0.0.0.0 is not a loopback address", p.stderr)
        p = subprocess.run(base + ["--listen", "127.0.0.1:0", "--http", "0.0.0.0:0"],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--http: 0.0.0.0 is not a loopback address", p.stderr)
        p = subprocess.run(base + ["--listen", "0.0.0.0:0", "--insecure", "--auth-tokens", self.tokens],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 2)
        self.assertIn("the tokens would cross the network in the clear", p.stderr)
        # A tokens file with a bad line: the file, the line, the field; no token shown.
        bad = os.path.join(self.dir, "bad-tokens")
        with open(bad, "w") as f:
            f.write(f"{READ} read\n{REPLAY} admin\n")
        os.chmod(bad, 0o600)
        p = subprocess.run(base + ["--auth-tokens", bad], capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stderr, f'gpuledger: --auth-tokens: {bad}:2: role: must be read or replay '
                                   '(the second field of the line)\n')
        self.assertFalse(os.path.exists(self.ledger_path))  # refused before the ledger opened
        # A key that is not the certificate's: named before the server listens.
        certs = make_certs(self.dir)
        p = subprocess.run(base + ["--tls-cert", certs["server.crt"], "--tls-key", certs["client.key"]],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stderr, f"gpuledger: --tls-key: {certs['client.key']} is not the key of the "
                                   f"certificate in --tls-cert {certs['server.crt']}\n")
        # --insecure serves, and says what it means.
        server = self.start_server("--insecure", listen="0.0.0.0:0")
        self.assertEqual(len(server.ledger.ListRuns(pb.ListRunsRequest(), timeout=30).runs), 0)
        server.terminate()
        self.assertIn("warning: --listen 0.0.0.0 without TLS or tokens (--insecure)",
                      server.proc.stderr.read())

    def test_web_view_takes_the_same_tokens(self):
        certs = make_certs(self.dir)
        server = self.start_server("--auth-tokens", self.tokens, "--http", "127.0.0.1:0",
                                   "--tls-cert", certs["server.crt"], "--tls-key", certs["server.key"],
                                   credentials=grpc.ssl_channel_credentials(
                                       root_certificates=self.read(certs["ca.crt"])))
        line = server.proc.stdout.readline()
        self.assertTrue(line.startswith("web view on https://127.0.0.1:"), line)
        url = line.split(" on ", 1)[1].strip()
        context = ssl.create_default_context(cafile=certs["ca.crt"])

        def get(path, headers=None):
            req = urllib.request.Request(url + path, headers=headers or {})
            try:
                with urllib.request.urlopen(req, context=context, timeout=30) as r:
                    return r.status, dict(r.headers), r.read().decode()
            except urllib.error.HTTPError as e:
                return e.code, dict(e.headers), e.read().decode()

        status, headers, body = get("")
        self.assertEqual(status, 401)
        self.assertEqual(headers["WWW-Authenticate"], 'Basic realm="gpuledger", charset="UTF-8"')
        self.assertEqual(get("", {"Authorization": "Bearer not-a-token-of-this-server"})[0], 401)
        status, _, body = get("", {"Authorization": "Bearer " + READ})
        self.assertEqual(status, 200)
        self.assertIn("<html", body)
        basic = base64.b64encode(("anyone:" + READ).encode()).decode()
        self.assertEqual(get("api/progress", {"Authorization": "Basic " + basic})[0], 200)


if __name__ == "__main__":
    unittest.main()
