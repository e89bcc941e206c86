"""baton-cli against a running node that holds winning tickets: every subcommand tested here
with --json (what a script reads), errors that say what to do next with their exit codes, the
operator token read from the node's data dir, and the interactive menu driven in a real
terminal (tmux) as an operator would: livepeer_cli's item numbers, prompts, Exit."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baton_process import BatonProcess, Tmux, parse_args  # noqa: E402
from paid_node import start_paid_node, stream  # noqa: E402

ARGS = None


class Cli:
    def __init__(self, node, home):
        self.node = node
        self.env = dict(os.environ, HOME=home)

    def run(self, *args, addr=None, datadir=None):
        cmd = [ARGS.cli, "--cli-addr", addr or f"127.0.0.1:{self.node.cli_port}"]
        if datadir:
            cmd += ["--datadir", datadir]
        r = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=120,
                           env=self.env)
        return r

    def json(self, *args, **kw):
        r = self.run(*args, "--json", **kw)
        try:
            return r.returncode, json.loads(r.stdout)
        except ValueError:
            raise AssertionError(f"not JSON (rc {r.returncode}): {r.stdout!r} {r.stderr!r}")


class CliSubcommandTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.home = tempfile.mkdtemp(prefix="baton-cli-home-")
        cls.node = start_paid_node(ARGS.baton)
        cls.summary = stream(ARGS.gateway, cls.node)
        cls.cli = Cli(cls.node, cls.home)
        cls.tickets = cls.node.tickets()

    @classmethod
    def tearDownClass(cls):
        cls.node.stop()
        shutil.rmtree(cls.home, ignore_errors=True)

    def test_status_json(self):
        rc, out = self.cli.json("status")
        self.assertEqual(rc, 0, out)
        self.assertTrue(out["ok"])
        node = out["answer"]["node"]
        self.assertEqual(node["Network"], "offchain")
        self.assertTrue(node["Address"].startswith("0x"))
        self.assertEqual(out["answer"]["tickets"]["counts"], self.tickets["counts"])
        self.assertIsNone(out["answer"]["chain"])  # offchain

    def test_status_human(self):
        r = self.cli.run("status")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Network", r.stdout)
        self.assertIn("offchain", r.stdout)
        self.assertIn("TICKETS", r.stdout)

    def test_tickets_by_state(self):
        rc, out = self.cli.json("tickets", "--state", "queued")
        self.assertEqual(rc, 0, out)
        listed = out["answer"]["tickets"]
        self.assertEqual(len(listed), self.tickets["counts"]["queued"])
        self.assertTrue(all(t["state"] == "queued" for t in listed))
        rc, out = self.cli.json("tickets", "--state", "bogus")
        self.assertEqual(rc, 1)
        self.assertEqual(out["status"], 400)
        self.assertIn("unknown state", out["error"])

    def test_set_max_sessions(self):
        rc, out = self.cli.json("set-max-sessions", "--max", "4")
        self.assertEqual(rc, 0, out)
        self.assertIn("4", out["answer"])
        self.assertEqual(self.node.status()["MaxSessions"], 4)
        rc, out = self.cli.json("set-max-sessions", "--max", "0")
        self.assertEqual(rc, 1, out)
        self.assertEqual(out["status"], 400)
        self.assertIn("Check the values", out["error"])

    def test_set_price(self):
        # go-livepeer's setPriceForBroadcaster (the opapi lane serves it): default price.
        rc, out = self.cli.json("set-price", "--per-unit", "1000", "--pixels-per-unit", "1")
        if rc == 1 and out["status"] == 404:
            self.skipTest("this node does not serve /setPriceForBroadcaster yet")
        self.assertEqual(rc, 0, out)
        prices = self.node.status()["BroadcasterPrices"]
        self.assertEqual(prices["default"], "1000")

    def test_chain_action_offchain_says_what_to_do(self):
        rc, out = self.cli.json("reward")
        self.assertEqual(rc, 1, out)
        self.assertFalse(out["ok"])
        self.assertTrue("-network" in out["error"] or "does not serve" in out["error"],
                        out["error"])

    def test_usage_errors(self):
        r = self.cli.run("set-max-sessions", "--bogus", "1")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown option --bogus", r.stderr)
        self.assertIn("--max", r.stderr)  # the action's help follows
        r = self.cli.run("no-such-action")
        self.assertEqual(r.returncode, 2)
        self.assertIn("baton-cli help", r.stderr)
        rc, out = self.cli.json("set-max-sessions")
        self.assertEqual(rc, 2)
        self.assertIn("--max is required", out["error"])

    def test_unreachable_node(self):
        rc, out = self.cli.json("status", addr="127.0.0.1:1")
        self.assertEqual(rc, 3)
        self.assertIn("Is baton running?", out["error"])
        self.assertIn("--cli-addr", out["error"])

    def test_help_lists_menu_numbers(self):
        r = self.cli.run("help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("set-max-sessions", r.stdout)
        self.assertIn("[menu 22]", r.stdout)


class CliTokenTest(unittest.TestCase):
    def test_token_from_the_data_dir(self):
        home = tempfile.mkdtemp(prefix="baton-cli-home-")
        # BatonProcess.start polls /status without a token: wait for the token file instead.
        node = BatonProcess(ARGS.baton, ["-cliAuth"]).launch()
        try:
            node.wait_cookie()
            cli = Cli(node, home)
            rc, out = cli.json("status")
            self.assertEqual(rc, 1, out)
            self.assertEqual(out["status"], 401)
            self.assertIn("--datadir", out["error"])
            rc, out = cli.json("status", datadir=node.data_dir)
            self.assertEqual(rc, 0, out)
            self.assertTrue(out["ok"])
        finally:
            node.stop()
            shutil.rmtree(home, ignore_errors=True)


class CliMenuTest(unittest.TestCase):
    """The menu in a real terminal: tmux runs baton-cli, the test types and reads the screen."""

    @classmethod
    def setUpClass(cls):
        cls.node = start_paid_node(ARGS.baton)
        stream(ARGS.gateway, cls.node)
        cls.home = tempfile.mkdtemp(prefix="baton-cli-home-")
        cls.menu = Tmux(f"baton-cli-test-{os.getpid()}",
                        f"HOME={cls.home} {ARGS.cli} --cli-addr 127.0.0.1:{cls.node.cli_port}; "
                        "echo MENU-EXITED $?; sleep 30")

    @classmethod
    def tearDownClass(cls):
        cls.menu.kill()
        cls.node.stop()
        shutil.rmtree(cls.home, ignore_errors=True)

    def type(self, keys):
        self.menu.type(keys)

    def wait_for(self, text, count=1):
        """The screen, once `text` is on it `count` times."""
        return self.menu.wait_for(text, count=count)[1]

    def test_menu(self):
        s = self.wait_for("What would you like to do?")
        # livepeer_cli's items and numbers (doc/ops.md 3).
        for line in (" 1. Get node status", " 4. Invoke \"initialize round\"",
                     " 11. Invoke \"reward\"", " 13. Set orchestrator config",
                     " 20. Set max ticket face value", " 21. Set price for broadcaster",
                     " 22. Set maximum sessions", " 23. Exit", "  t. List winning tickets"):
            self.assertIn(line, s)
        self.assertIn("offchain", s)  # the stats screen comes first, as livepeer_cli's
        self.type("22")
        self.wait_for("max (a number from 1")
        self.type("6")
        self.wait_for("Max sessions set to 6")
        self.assertEqual(self.node.status()["MaxSessions"], 6)
        self.type("t")
        self.wait_for("state (")
        self.type("queued")
        self.wait_for("sender (")
        self.type("")
        self.wait_for("limit (")
        self.type("")
        s = self.wait_for("Tickets by state")
        counts = self.node.tickets()["counts"]
        self.assertRegex(s, rf"queued\s+{counts['queued']}\s")
        self.type("99")
        self.wait_for("That's not something I can do")
        self.type("")  # default = stats
        self.wait_for("Local transcoding", count=2)
        self.type("23")
        self.wait_for("MENU-EXITED 0")


class CliRoutesTest(unittest.TestCase):
    """Every action reaches a route the node serves (baton-cli keeps its own table of paths,
    operator/routes.h does not feed it): against an offchain node, no action may get a 404,
    except the three livepeer_cli items the node does not serve (doc/ops.md 2)."""

    NOT_SERVED = {"request-tokens", "vote", "vote-proposal"}
    VALUES = {"gateway": "default", "to": "0x" + "11" * 20, "poll": "0x" + "22" * 20,
              "message": "hi", "data": "{}", "set": "3"}
    # Actions whose options are required together, not one by one.
    EXTRA = {"activate": ["--reward-cut", "10", "--fee-cut", "10", "--per-unit", "1",
                          "--service-uri", "https://127.0.0.1:1", "--amount", "1"],
             "set-config": ["--reward-cut", "10", "--fee-cut", "10"]}

    @classmethod
    def setUpClass(cls):
        cls.home = tempfile.mkdtemp(prefix="baton-cli-home-")
        cls.node = BatonProcess(ARGS.baton, extra_args=["-monitor"], cleartext=True).start()
        cls.cli = Cli(cls.node, cls.home)

    @classmethod
    def tearDownClass(cls):
        cls.node.stop()
        shutil.rmtree(cls.home, ignore_errors=True)

    def test_every_action_reaches_a_route_the_node_serves(self):
        usage = self.cli.run("help").stdout
        actions = [line.split()[0] for line in usage.split("Actions:")[1].splitlines()
                   if line.startswith("  ") and line.split()]
        self.assertIn("status", actions)
        for action in actions:
            first = self.cli.run("help", action).stdout.splitlines()[0]
            # Required options stand outside brackets: "--name V".
            required = [t[2:] for t in re.sub(r"\[[^\]]*\]", "", first).split()
                        if t.startswith("--")]
            args = [action] + self.EXTRA.get(action, [])
            for name in required:
                args += [f"--{name}", self.VALUES.get(name, "1")]
            rc, out = self.cli.json(*args, "--yes")
            self.assertTrue(out.get("path", "").startswith("/"), f"{action}: no request: {out}")
            status = out.get("status")
            if action in self.NOT_SERVED:
                self.assertEqual(status, 404, f"{action}: {out}")
            else:
                self.assertNotEqual(status, 404, f"{action}: {out}")
                self.assertNotEqual(rc, 2, f"{action}: a usage error: {out}")


if __name__ == "__main__":
    ARGS, argv = parse_args("baton", "gateway", "cli")
    unittest.main(argv=argv)
