"""The example client in docs/ runs against a real server and prints the
published DeepSeek figures."""

import os
import subprocess
import unittest

from gpuledger_testlib import SOURCE, STUBS, ServerTestCase


class ExampleClient(ServerTestCase):

    def test_example_client_reports_costs(self):
        server = self.start_server()
        out = subprocess.run(
            ["/usr/bin/python3", os.path.join(SOURCE, "docs", "example_client.py"),
             "--server", server.address, "--stubs", STUBS, "--replay", "deepseek-v3-r1"],
            capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stderr)
        lines = out.stdout.splitlines()

        def figures(prefix):
            line = next(l for l in lines if l.startswith(prefix))
            return [float(w.replace(",", "").lstrip("$")) for w in line.split()
                    if w.replace(",", "").replace(".", "").lstrip("$").isdigit()]

        # Published (FACTS.md): V3 2,788K GPU-hours, $5.576M; R1 147K, $294K.
        hours, rental, _ = figures("DeepSeek-V3")
        self.assertAlmostEqual(hours / 2_788_000, 1, delta=0.001)
        self.assertAlmostEqual(rental / 5_576_000, 1, delta=0.001)
        hours, rental, _ = figures("DeepSeek-R1")
        self.assertAlmostEqual(hours / 147_000, 1, delta=0.001)
        self.assertAlmostEqual(rental / 294_000, 1, delta=0.001)
        self.assertIn("owned cluster capital: $51,200,000", out.stdout)
        # $2.50 instead of $2: 1.25 x the $5.87M of V3 + R1.
        what_if = float(lines[-1].rsplit("$", 1)[1].replace(",", ""))
        self.assertAlmostEqual(what_if / (1.25 * 5_870_000), 1, delta=0.001)
        progress = [l for l in lines if l.startswith("runs/1: day")]
        self.assertIn("6/6 jobs done", progress[-1])  # the watch ends with the final message


if __name__ == "__main__":
    unittest.main()
