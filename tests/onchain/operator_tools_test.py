"""The operator's tools on chain (devnet: anvil + our contracts, the node's account the active
orchestrator): baton-cli's status shows the chain's view, a winning ticket is redeemed with
`baton-cli redeem`, and /metrics (read by python3-prometheus-client) reports what happened:
the gas price gauges, the redemption's value and the gas it cost, the ledger by state.
The devnet set-up is onchain_test.py's (shared, not copied)."""
import json
import os
import re
import subprocess
import sys
import time
import unittest

from prometheus_client.parser import text_string_to_metric_families

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onchain_test  # noqa: E402
from baton_process import Tmux, parse_args  # noqa: E402  (onchain_test put it on the path)

ARGS = None
MIN_GAS_PRICE = 1_000_000_000  # 1 gwei


class OperatorToolsOnChainTest(unittest.TestCase):
    def baton_cli(self, *args):
        r = subprocess.run([ARGS.cli, "--cli-addr", f"127.0.0.1:{self.cli}", *args, "--json"],
                           capture_output=True, text=True, timeout=300,
                           env=dict(os.environ, HOME=self.tmp))
        try:
            return r.returncode, json.loads(r.stdout)
        except ValueError:
            raise AssertionError(f"not JSON (rc {r.returncode}): {r.stdout!r} {r.stderr!r}")

    def metrics(self):
        """Samples by family name as exported (the parser drops a counter's _total)."""
        out = {}
        for family in text_string_to_metric_families(self.cli_get("/metrics")):
            name = family.name + ("_total" if family.name + "_total" in self.exported else "")
            out[name] = family.samples
        return out

    def test_1_status_shows_the_chain(self):
        self.start_node("-monitor", f"-minGasPrice={MIN_GAS_PRICE}")
        rc, out = self.baton_cli("status")
        self.assertEqual(rc, 0, out)
        chain = out["answer"]["chain"]
        self.assertEqual(chain["ethAddr"].lower(), self.orch["address"].lower())
        self.assertEqual(int(chain["currentRound"]), int(self.chain("round")["currentRound"]))
        self.assertEqual(chain["orchestratorInfo"]["Transcoder"]["Status"], "Registered")
        r = subprocess.run([ARGS.cli, "--cli-addr", f"127.0.0.1:{self.cli}", "status"],
                           capture_output=True, text=True, timeout=60)
        self.assertIn("ORCHESTRATOR", r.stdout)
        self.assertIn("Reward Cut (%)", r.stdout)

    def test_2_redeem_with_the_cli_and_the_metrics_follow(self):
        rc, summary, out = self.stream()
        self.assertEqual(rc, 0, out.stderr[-2000:])
        rc, listed = self.baton_cli("tickets", "--state", "queued")
        self.assertEqual(rc, 0, listed)
        queued = listed["answer"]["tickets"]
        self.assertGreater(len(queued), 0, "no winning ticket")
        ticket = queued[-1]  # the oldest
        # Parameters expired, and gas at 4 gwei: a redemption (350k gas) costs 1.4e15 wei, less
        # than the 2e15 face value but more than a third of it, so the node's policy (payout 3x
        # the cost) waits and `baton-cli redeem` (1x, the safety floor) sends it.
        self.stop_node()
        self.chain("mine", "45")
        self.chain("gas-price", "4000000000")
        self.start_node("-monitor", f"-minGasPrice={MIN_GAS_PRICE}")
        time.sleep(3)
        self.assertEqual(self.tickets()["counts"]["queued"], len(queued), self.tickets())
        rc, out = self.baton_cli("redeem", "--id", str(ticket["id"]))
        self.assertEqual(rc, 0, out)
        self.assertEqual(out["answer"]["redeemed"]["state"], "redeemed")
        rc, again = self.baton_cli("redeem", "--id", str(ticket["id"]))
        self.assertEqual((rc, again["status"]), (1, 409), again)

        text = self.cli_get("/metrics")
        self.exported = set(re.findall(r"^# TYPE (\S+) ", text, re.M))
        m = self.metrics()
        one = lambda name: [s for s in m[name] if "node_id" in s.labels][0].value  # noqa: E731
        gas_used = one("baton_redemption_gas_used_total")
        gas_cost = one("baton_redemption_gas_cost_gwei_total")
        self.assertGreater(gas_used, 21000)
        self.assertGreater(gas_cost, 0)
        self.assertGreaterEqual(one("livepeer_value_redeemed"), int(ticket["faceValue"]) / 1e9)
        self.assertEqual(one("livepeer_min_gas_price"), MIN_GAS_PRICE / 1e9)
        self.assertGreaterEqual(one("livepeer_suggested_gas_price"), MIN_GAS_PRICE / 1e9)
        self.assertEqual(one("livepeer_max_gas_price"), 0)  # none set
        self.assertEqual(one("livepeer_reward_call_errors"), 0)
        by_state = {s.labels["state"]: s.value for s in m["baton_ticket_ledger_tickets"]}
        self.assertEqual(by_state["redeemed"], 1)
        self.assertEqual(by_state["queued"] + by_state["submitted"], len(queued) - 1)
        print(f"on chain: redeemed ticket {ticket['id']} ({int(ticket['faceValue']) / 1e18} ETH) "
              f"with {gas_used:.0f} gas costing {gas_cost:.0f} gwei", file=sys.stderr)

    def test_3_reward_from_the_cli(self):
        rc, out = self.baton_cli("reward")
        self.assertEqual(rc, 0, out)
        self.assertTrue(out["ok"])

    def test_4_menu_on_chain(self):
        """livepeer_cli's items 13 (set orchestrator config) and 11 (reward), typed in tmux."""
        menu = Tmux(f"baton-cli-chain-{os.getpid()}",
                    f"HOME={self.tmp} {ARGS.cli} --cli-addr 127.0.0.1:{self.cli}; "
                    "echo MENU-EXITED $?; sleep 30")

        def wait_for(*texts):
            return menu.wait_for(*texts, timeout=120, interval=0.2)[0]

        type_line = menu.type
        try:
            wait_for("What would you like to do?")
            type_line("13")
            for prompt, answer in (("reward cut percentage", ""), ("fee cut percentage", "25"),
                                   ("pixels that make up a single unit", ""),
                                   ("price per unit in wei", "1500"), ("public URI", "")):
                wait_for(prompt)
                type_line(answer)
            got = wait_for("Orchestrator config set", "does not serve")
            if got == "does not serve":
                self.skipTest("this node does not serve /setOrchestratorConfig yet")
            info = json.loads(self.cli_get("/orchestratorInfo"))
            self.assertEqual(info["PriceInfo"], "1500")
            self.assertEqual(info["Transcoder"]["FeeShare"], 750000)  # fee cut 25% -> share 75%
            type_line("11")
            wait_for("already called", "Calling reward for round")
            type_line("23")
            wait_for("MENU-EXITED 0")
        finally:
            menu.kill()

# The devnet, the node and their helpers are onchain_test.py's.
for name in ("setUpClass", "tearDownClass", "chain", "start_node", "stop_node", "cli_get",
             "tickets", "stream", "wait_for"):
    setattr(OperatorToolsOnChainTest, name, onchain_test.OnChainTest.__dict__[name])


if __name__ == "__main__":
    ARGS, argv = parse_args("baton", "gateway", "cli", "source")
    onchain_test.ARGS = ARGS
    unittest.main(argv=argv, verbosity=2)
