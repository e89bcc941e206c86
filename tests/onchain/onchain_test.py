"""On chain, end to end: a devnet (anvil + our Livepeer-compatible contracts), a baton node
whose account is the active orchestrator, and baton-gateway paying with tickets that often win.

Fees are read from the chain by scripts/devnet-lib/chain.js (ethers), never by Baton's code.
Scenarios run in order on one devnet: winners redeemed with fees equal to their face values,
no second redemption, a sender without funds refused, crash safety (kill -9 between acceptance
and redemption), and redemption waiting while gas is above -maxGasPrice.
"""
import json
import os
import signal
import subprocess
import sys
import time
import unittest
import urllib.parse
import urllib.request

ARGS = None
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "node"))
from baton_process import BatonProcess, parse_args, poll, start_devnet, stop_devnet  # noqa: E402


class OnChainTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        start_devnet(cls, ARGS.source, "baton-onchain-")
        info = cls.chain("info")
        cls.orch = info["accounts"]["orchestrator"]
        cls.gateway_key = info["accounts"]["gateway"]["privateKey"]
        cls.node_dir = os.path.join(cls.tmp, "node")
        cls.node_flags = cls.devnet.write_keystore(cls.orch["privateKey"], cls.node_dir)
        cls.node = None

    @classmethod
    def tearDownClass(cls):
        stop_devnet(cls, cls.stop_node)

    @classmethod
    def chain(cls, *args):
        return cls.devnet.chain(*args)

    @classmethod
    def start_node(cls, *extra):
        cls.node = BatonProcess(
            ARGS.baton, [*cls.node_flags, "-pricePerUnit=1000", "-ticketEV=2000000000000000",
                         "-maxFaceValue=2000000000000000", "-blockPollingInterval=1",
                         "-initializeRound", *extra],
            service_host="127.0.0.1", data_dir=cls.node_dir,
            log_path=os.path.join(cls.tmp, "node.log")).start(timeout=30)
        cls.port, cls.cli = cls.node.port, cls.node.cli_port

    @classmethod
    def stop_node(cls, sig=signal.SIGTERM):
        if cls.node:
            cls.node.stop(sig, timeout=20, must_exit=True)
        cls.node = None

    @classmethod
    def cli_get(cls, path, method="GET", form=None):
        """A GET, or with `form` a POST of that urlencoded body (as livepeer_cli sends)."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{cls.cli}{path}", data=data, method=method)
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.read().decode()

    def tickets(self):
        return json.loads(self.cli_get("/tickets"))

    def stream(self, seconds=6, key=None):
        out = subprocess.run([ARGS.gateway, "-orchAddr", f"127.0.0.1:{self.port}", "-testPattern",
                              "-duration", str(seconds), "-testPatternSize", "320x180",
                              "-ethKeyHex", key or self.gateway_key, "-json"],
                             capture_output=True, text=True, timeout=300)
        return out.returncode, json.loads(out.stdout.strip().splitlines()[-1]), out

    def wait_for(self, predicate, timeout=90, mine=True):
        """Whether `predicate` came true within `timeout` s, a block mined each second."""
        return bool(poll(predicate, timeout, interval=1,
                         between=(lambda: self.chain("mine", "1")) if mine else None))

    def fees(self):
        return int(self.chain("fees")["cumulativeFees"])

    def test_1_winners_are_redeemed_once_and_fees_match_face_values(self):
        self.start_node()
        before = self.fees()
        rc, summary, out = self.stream()
        self.assertEqual(rc, 0, out.stderr[-2000:])
        self.assertEqual(summary["ok"], summary["segments"])
        self.assertGreater(summary["signatures_verified"], 0)
        won = self.tickets()["counts"]["total"]
        self.assertGreater(won, 0, "no winning ticket (face value = ticketEV: every ticket wins)")
        self.chain("mine", "45")  # past the ticket parameters' expiration block
        self.assertTrue(self.wait_for(lambda: self.tickets()["counts"]["redeemed"] == won),
                        self.tickets())
        face = sum(int(t["faceValue"]) for t in self.tickets()["tickets"])
        self.assertEqual(self.fees() - before, face)
        # Earnings by round (the operator port's /earnings) add up to the same.
        earnings = json.loads(self.cli_get("/earnings"))
        self.assertEqual(earnings["totals"]["tickets"], won)
        self.assertEqual(int(earnings["totals"]["redeemedFaceValue"]), face)
        self.assertEqual(sum(int(r["redeemedFaceValue"]) for r in earnings["rounds"]), face)
        # A second redemption is refused and changes nothing on chain.
        first = self.tickets()["tickets"][0]["id"]
        with self.assertRaises(urllib.error.HTTPError) as err:
            self.cli_get("/redeemTicket", method="POST", form={"id": first})
        self.assertEqual(err.exception.code, 409)
        self.chain("mine", "5")
        time.sleep(2)
        self.assertEqual(self.fees() - before, face)

    def test_2_sender_without_funds_is_refused(self):
        unfunded = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"  # anvil #2
        rc, summary, out = self.stream(seconds=2, key=unfunded)
        self.assertNotEqual(rc, 0)
        self.assertEqual(summary["ok"], 0)
        self.assertIn("insufficient sender reserve", out.stdout + out.stderr)

    def test_3_accepted_winner_survives_kill_minus_nine(self):
        before_total = self.tickets()["counts"]["total"]
        before = self.fees()
        rc, _, out = self.stream()
        self.assertEqual(rc, 0, out.stderr[-2000:])
        counts = self.tickets()["counts"]
        new = counts["total"] - before_total
        self.assertGreater(new, 0)
        # Parameters have not expired: nothing redeemed yet.
        self.assertEqual(counts["queued"], new, self.tickets()["tickets"][:new])
        self.stop_node(signal.SIGKILL)
        self.start_node()
        self.chain("mine", "45")
        settled = lambda: self.tickets()["counts"]["redeemed"] == self.tickets()["counts"]["total"]
        self.assertTrue(self.wait_for(settled), self.tickets())
        t = self.tickets()
        redeemed_new = [x for x in t["tickets"] if x["state"] == "redeemed"][:new]
        self.assertEqual(t["counts"]["redeemed"], t["counts"]["total"],
                         [x for x in t["tickets"] if x["state"] != "redeemed"])
        self.assertEqual(self.fees() - before, sum(int(x["faceValue"]) for x in redeemed_new))

    def test_4_redemption_waits_while_gas_is_above_the_maximum(self):
        before_total = self.tickets()["counts"]["total"]
        rc, summary, out = self.stream()
        self.assertEqual(rc, 0, out.stderr[-2000:])
        new = self.tickets()["counts"]["total"] - before_total
        self.assertGreater(new, 0)
        # Stopped while the parameters expire and gas rises to 100 gwei, then restarted with a
        # 20 gwei maximum: the winners must wait, and the node must keep serving meanwhile.
        self.stop_node()
        self.chain("mine", "45")
        self.chain("gas-price", "100000000000")
        self.start_node("-maxGasPrice=20000000000")
        rc, summary, out = self.stream(seconds=2)
        self.assertEqual(rc, 0, out.stderr[-2000:])
        new += self.tickets()["counts"]["total"] - before_total - new
        time.sleep(5)
        # Waiting for cheaper gas.
        self.assertEqual(self.tickets()["counts"]["queued"], new, self.tickets()["tickets"][:new])
        self.chain("gas-price", "1000000000")  # 1 gwei
        settled = lambda: self.tickets()["counts"]["redeemed"] == self.tickets()["counts"]["total"]
        self.assertTrue(self.wait_for(settled), self.tickets())

    def test_5_operator_reads_and_activation(self):
        info = json.loads(self.cli_get("/orchestratorInfo"))["Transcoder"]
        self.assertEqual(info["Address"].lower(), self.orch["address"].lower())
        self.assertTrue(info["Active"])
        self.assertEqual(info["Status"], "Registered")
        self.assertEqual(self.cli_get("/EthChainID"), "31337")
        self.assertEqual(self.cli_get("/ethAddr").lower(), self.orch["address"].lower())
        self.assertEqual(int(self.cli_get("/currentRound")), int(self.chain("round")["currentRound"]))
        with self.assertRaises(urllib.error.HTTPError) as err:
            self.cli_get("/activateOrchestrator", method="POST",
                         form={"blockRewardCut": 10, "feeShare": 50, "pricePerUnit": 1000,
                               "pixelsPerUnit": 1, "serviceURI": f"https://127.0.0.1:{self.port}"})
        self.assertEqual(err.exception.code, 400)
        self.assertEqual(err.exception.read().decode().strip(), "orchestrator already registered")
        with self.assertRaises(urllib.error.HTTPError) as err:
            self.cli_get("/activateOrchestrator", method="POST", form={"feeShare": 50})
        self.assertEqual(err.exception.read().decode().strip(), "missing form param: blockRewardCut")
        # A POST's parameters come from its body only: the query string is not read.
        with self.assertRaises(urllib.error.HTTPError) as err:
            self.cli_get("/activateOrchestrator?blockRewardCut=10&feeShare=50", method="POST",
                         form={})
        self.assertEqual(err.exception.read().decode().strip(), "missing form param: blockRewardCut")
        before = int(json.loads(self.cli_get("/orchestratorInfo"))["Transcoder"]["LastRewardRound"])
        self.chain("next-round")
        # The node calls reward once in the new round (it is active and -reward defaults on).
        self.assertTrue(self.wait_for(lambda: int(json.loads(self.cli_get(
            "/orchestratorInfo"))["Transcoder"]["LastRewardRound"]) > before, mine=False))


if __name__ == "__main__":
    ARGS, argv = parse_args("baton", "gateway", "source")
    unittest.main(argv=argv, verbosity=2)
