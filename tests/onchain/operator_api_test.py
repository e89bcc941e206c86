"""The operator API on the devnet, every endpoint called as go-livepeer's livepeer_cli calls it
(cmd/livepeer_cli: GETs for reads and for /reward, POSTs of urlencoded forms for the rest) and
its answer parsed as livepeer_cli parses it (Go JSON: big numbers bare, prices "num/den").

One devnet (anvil + our Livepeer-compatible contracts) and a baton node whose account is the
devnet's registered orchestrator, run with -reward=false so the test decides when reward is
called. The chain's state is checked through the devnet's own tool (scripts/devnet-lib/chain.js,
ethers) where it matters, not only through Baton's answers. A second node, with a fresh account
funded through /transferTokens, becomes an orchestrator through /activateOrchestrator. An
offchain node answers the chain endpoints 500 "missing ETH client", as go-livepeer does.
"""
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

ARGS = None
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "node"))
from baton_process import BatonProcess, parse_args, start_devnet, stop_devnet  # noqa: E402

LPT = 10**18
# anvil's account #3: no role on the devnet, so not an orchestrator until the test makes it one.
NEWCOMER_KEY = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6"
NEWCOMER = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"
GATEWAY = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


class Node(BatonProcess):
    """A baton process on the devnet with its own account, data dir and ports."""

    def __init__(self, test, name, key, *extra):
        node_dir = os.path.join(test.tmp, name)
        flags = test.devnet.write_keystore(key, node_dir)
        super().__init__(ARGS.baton, [*flags, "-pricePerUnit=1000", "-blockPollingInterval=1",
                                      "-reward=false", *extra],
                         service_host="127.0.0.1", data_dir=node_dir,
                         log_path=os.path.join(test.tmp, name + ".log"))
        self.cli = self.cli_port
        self.start(timeout=30)

    def stop(self):
        super().stop(timeout=20, must_exit=True)

    def call(self, path, form=None, headers=None, method=None):
        """GET, or with `form` a POST of that urlencoded body (livepeer_cli's httpPostWithParams).
        Returns (status, body bytes)."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.cli}{path}", data=data,
                                     method=method or ("POST" if form is not None else "GET"),
                                     headers=headers or {})
        if form is not None:
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def get(self, path):
        status, body = self.call(path)
        if status != 200:
            raise AssertionError(f"GET {path}: {status} {body!r}")
        return body.decode()

    def json(self, path):
        return json.loads(self.get(path))

    def post(self, path, form):
        status, body = self.call(path, form)
        if status != 200:
            raise AssertionError(f"POST {path} {form}: {status} {body!r}")
        return body.decode()


class OperatorApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        start_devnet(cls, ARGS.source, "baton-opapi-")
        cls.info = cls.chain("info")
        cls.orch = cls.info["accounts"]["orchestrator"]
        cls.chain("next-round")  # start in a fresh round, far from its lock
        cls.node = Node(cls, "orch", cls.orch["privateKey"])
        cls.wait_round(cls)

    @classmethod
    def tearDownClass(cls):
        stop_devnet(cls, *[getattr(cls, name).stop for name in ("node", "newcomer")
                           if getattr(cls, name, None)])

    @classmethod
    def chain(cls, *args):
        return cls.devnet.chain(*args)

    def wait_round(self):
        """Until the node's watcher has seen the chain's current round."""
        want = int(self.chain("round")["currentRound"])
        for _ in range(100):
            if int(self.node.get("/currentRound")) == want:
                return want
            time.sleep(0.1)
        raise AssertionError("the node did not see round %d" % want)

    def me(self):
        return self.orch["address"].lower()

    def test_1_node_and_chain_reads(self):
        n = self.node
        self.assertEqual(n.get("/IsOrchestrator"), "true")
        self.assertEqual(n.get("/IsRedeemer"), "false")
        self.assertEqual(n.get("/EthChainID"), "31337")
        status = n.json("/status")
        for key in ("Manifests", "OrchestratorPool", "Version", "GOArch", "GOOS",
                    "RegisteredTranscoders", "LocalTranscoding", "BroadcasterPrices"):
            self.assertIn(key, status)
        self.assertEqual(status["BroadcasterPrices"], {"default": "1000"})
        self.assertTrue(status["LocalTranscoding"])
        addresses = n.json("/contractAddresses")
        for name in ("Controller", "LivepeerToken", "TicketBroker", "RoundsManager",
                     "BondingManager", "Minter", "ServiceRegistry"):
            self.assertEqual(addresses[name], self.info["contracts"][name].lower(), name)
        self.assertEqual(addresses["LivepeerTokenFaucet"], "0x" + "0" * 40)
        params = n.json("/protocolParameters")
        self.assertEqual(params["RoundLength"], 200)
        self.assertEqual(params["UnbondingPeriod"], self.info["params"]["unbondingPeriod"])
        self.assertEqual(params["NumActiveTranscoders"], 100)
        self.assertFalse(params["Paused"])
        bond = int(self.info["params"]["bond"])
        self.assertGreaterEqual(params["TotalBonded"], bond)  # a bare JSON number above 2^64
        self.assertGreater(params["TotalSupply"], 0)
        info = n.json("/orchestratorInfo")
        t = info["Transcoder"]
        self.assertEqual(t["Address"], self.me())
        self.assertEqual(t["Status"], "Registered")
        self.assertTrue(t["Active"])
        self.assertEqual(t["RewardCut"], self.info["params"]["rewardCut"])
        self.assertEqual(t["FeeShare"], self.info["params"]["feeShare"])
        self.assertEqual(t["ServiceURI"], self.info["params"]["serviceURI"])
        self.assertGreaterEqual(t["DelegatedStake"], bond)
        self.assertEqual(info["PriceInfo"], "1000")
        d = n.json("/delegatorInfo")
        self.assertEqual(d["Status"], "Bonded")
        self.assertEqual(d["DelegateAddress"], self.me())
        self.assertGreaterEqual(d["BondedAmount"], bond)
        self.assertEqual(d["NextUnbondingLockId"], 0)
        self.assertEqual(n.json("/unbondingLocks"), [])
        pool = n.json("/registeredOrchestrators")
        self.assertIn(self.me(), [o["Address"] for o in pool])
        round_ = self.wait_round()
        self.assertEqual(n.get("/roundInitialized"), "true")
        pool = n.json(f"/orchestratorEarningPoolsForRound?round={round_}")
        self.assertEqual(pool["TotalStake"], t["DelegatedStake"])
        # livepeer_cli reads /currentBlock as big-endian bytes.
        block = int.from_bytes(urllib.request.urlopen(
            f"http://127.0.0.1:{n.cli}/currentBlock").read(), "big")
        self.assertGreater(block, 0)
        self.assertLessEqual(block, int(self.chain("round")["block"]))
        self.assertEqual(n.get("/tokenBalance"), "0")  # the devnet bonded all it minted
        self.assertGreater(int(n.get("/ethBalance")), 10**18)
        self.assertEqual(n.get("/ethAddr").lower(), self.me())
        self.assertEqual(n.get("/maxGasPrice"), "")
        self.assertEqual(n.get("/minGasPrice"), "0")

    def test_2_settings(self):
        n = self.node
        self.assertEqual(n.get("/getLogLevel"), "3")
        n.post("/setLogLevel", {"loglevel": "5"})
        self.assertEqual(n.get("/getLogLevel"), "5")
        self.assertEqual(n.call("/setLogLevel", {"loglevel": "9"})[0], 400)
        n.post("/setLogLevel", {"loglevel": "3"})
        n.post("/setMaxGasPrice", {"amount": "200000000000"})
        self.assertEqual(n.get("/maxGasPrice"), "200000000000")
        n.post("/setMaxGasPrice", {"amount": "0"})  # clears it
        self.assertEqual(n.get("/maxGasPrice"), "")
        n.post("/setMinGasPrice", {"minGasPrice": "1000"})
        self.assertEqual(n.get("/minGasPrice"), "1000")
        n.post("/setMinGasPrice", {"minGasPrice": "0"})
        text = n.post("/setPriceForBroadcaster", {"pricePerUnit": "700", "pixelsPerUnit": "2",
                                                  "currency": "Wei",
                                                  "broadcasterEthAddr": GATEWAY})
        self.assertEqual(text, f"Price per pixel set to 700 wei for 2 pixels for broadcaster "
                               f"{GATEWAY}\n")
        prices = n.json("/status")["BroadcasterPrices"]
        self.assertEqual(prices[GATEWAY], "350")
        self.assertEqual(prices["default"], "1000")
        status, body = n.call("/setPriceForBroadcaster", {"pricePerUnit": "1", "pixelsPerUnit": "0",
                                                          "broadcasterEthAddr": "default"})
        self.assertEqual((status, body.decode().strip()),
                         (400, "pixels per unit must be greater than 0, provided 0"))
        self.assertEqual(n.post("/setMaxFaceValue", {"maxfacevalue": "5000000000000000"}),
                         "ticket max face value set")
        self.assertEqual(n.call("/setMaxFaceValue", {"maxfacevalue": "lots"})[0], 400)
        self.assertEqual(n.post("/setMaxSessions", {"maxSessions": "12"}), "Max sessions set to 12\n")
        self.assertEqual(n.json("/status")["MaxSessions"], 12)
        # go-livepeer's mustHaveFormParams, and writes only as POST.
        status, body = n.call("/bond", {"amount": "1"})
        self.assertEqual((status, body.decode()), (400, "missing form param: toAddr\n"))
        self.assertEqual(n.call("/unbond")[0], 405)

    def test_3_reward_and_orchestrator_config(self):
        n = self.node
        round_ = self.wait_round()
        before = n.json("/orchestratorInfo")["Transcoder"]
        self.assertLess(before["LastRewardRound"], round_)
        # livepeer_cli's "invoke reward" is a GET.
        status, body = n.call("/reward")
        self.assertEqual((status, body), (200, b""))
        after = n.json("/orchestratorInfo")["Transcoder"]
        self.assertEqual(after["LastRewardRound"], round_)
        self.assertGreater(after["DelegatedStake"], before["DelegatedStake"])  # minted reward
        status, body = n.call("/reward")  # once per round
        self.assertEqual(status, 500)
        self.assertIn("already called reward", body.decode())
        # livepeer_cli's "set orchestrator config" sends every field.
        uri = f"https://127.0.0.1:{n.port}"
        n.post("/setOrchestratorConfig", {"blockRewardCut": "12.5", "feeShare": "40",
                                          "pricePerUnit": "2000", "currency": "Wei",
                                          "pixelsPerUnit": "3", "serviceURI": uri})
        info = n.json("/orchestratorInfo")
        self.assertEqual(info["Transcoder"]["RewardCut"], 125000)
        self.assertEqual(info["Transcoder"]["FeeShare"], 400000)
        self.assertEqual(info["Transcoder"]["ServiceURI"], uri)
        self.assertEqual(info["PriceInfo"], "2000/3")
        status, body = n.call("/setOrchestratorConfig", {"serviceURI": "https://0.0.0.0:8935"})
        self.assertEqual(status, 400)
        status, body = n.call("/setOrchestratorConfig", {"blockRewardCut": "101", "feeShare": "1"})
        self.assertEqual(status, 400)
        # initializeRound on an initialized round: the chain's refusal, as a 500.
        self.assertEqual(n.call("/initializeRound", {})[0], 500)
        self.chain("mine", str(200))
        n.post("/initializeRound", {})
        self.assertEqual(self.wait_round(), round_ + 1)

    def test_4_unbond_rebond_withdraw_bond_transfer(self):
        n = self.node
        bonded = n.json("/delegatorInfo")["BondedAmount"]
        n.post("/unbond", {"amount": str(100 * LPT)})
        locks = n.json("/unbondingLocks")
        round_ = self.wait_round()
        self.assertEqual(locks, [{"ID": 0, "Delegator": self.me(), "Amount": 100 * LPT,
                                  "WithdrawRound": round_ + 7}])
        self.assertEqual(n.json("/unbondingLocks?withdrawable=true"), [])
        self.assertEqual(n.json("/delegatorInfo")["BondedAmount"], bonded - 100 * LPT)
        n.post("/rebond", {"unbondingLockId": "0"})
        self.assertEqual(n.json("/unbondingLocks"), [])
        self.assertEqual(n.json("/delegatorInfo")["BondedAmount"], bonded)
        n.post("/unbond", {"amount": str(100 * LPT)})
        self.assertEqual([x["ID"] for x in n.json("/unbondingLocks")], [1])
        status, body = n.call("/withdrawStake", {"unbondingLockId": "1"})
        self.assertEqual(status, 500)
        self.assertIn("withdraw round", body.decode())
        for _ in range(7):
            self.chain("next-round")
        self.wait_round()
        self.assertEqual([x["ID"] for x in n.json("/unbondingLocks?withdrawable=true")], [1])
        n.post("/withdrawStake", {"unbondingLockId": "1"})
        self.assertEqual(n.json("/unbondingLocks"), [])
        self.assertEqual(int(n.get("/tokenBalance")), 100 * LPT)
        # livepeer_cli's bond: amount and toAddr; the node approves the BondingManager itself.
        n.post("/bond", {"amount": str(50 * LPT), "toAddr": self.orch["address"]})
        self.assertEqual(int(n.get("/tokenBalance")), 50 * LPT)
        self.assertEqual(n.json("/delegatorInfo")["BondedAmount"], bonded - 50 * LPT)
        n.post("/transferTokens", {"to": NEWCOMER, "amount": str(20 * LPT)})
        self.assertEqual(int(n.get("/tokenBalance")), 30 * LPT)

    def test_5_earnings_and_fees(self):
        n = self.node
        n.post("/claimEarnings", {})
        self.assertEqual(n.json("/delegatorInfo")["LastClaimRound"], self.wait_round())
        status, body = n.call("/withdrawFees", {})
        self.assertEqual((status, body.decode()), (400, "missing form param: amount\n"))
        n.post("/withdrawFees", {"amount": "0"})
        earnings = n.json("/earnings")
        self.assertEqual(earnings["currentRound"], self.wait_round())
        self.assertEqual(earnings["totals"]["tickets"], 0)
        self.assertEqual(earnings["rounds"], [])

    def test_6_sign_message(self):
        n = self.node
        status, sig = n.call("/signMessage", {"message": "hello baton"})
        self.assertEqual((status, len(sig)), (200, 65))
        script = ("const {verifyMessage}=require('ethers');"
                  "console.log(verifyMessage(process.argv[1], '0x'+process.argv[2]))")
        out = subprocess.run(["node", "-e", script, "hello baton", sig.hex()], env=self.env,
                             capture_output=True, text=True, check=True)
        self.assertEqual(out.stdout.strip().lower(), self.me())
        status, _ = n.call("/signMessage", {"message": "{}"}, headers={"SigFormat": "data/typed"})
        self.assertEqual(status, 400)

    def test_7_a_new_account_becomes_an_orchestrator(self):
        type(self).newcomer = Node(self, "newcomer", NEWCOMER_KEY)
        c = self.newcomer
        self.assertEqual(c.json("/orchestratorInfo")["Transcoder"]["Status"], "Not Registered")
        self.assertEqual(int(c.get("/tokenBalance")), 20 * LPT)
        uri = f"https://127.0.0.1:{c.port}"
        # What livepeer_cli's "become an orchestrator" posts (fee cut 5% -> feeShare 95).
        form = {"blockRewardCut": "10", "feeShare": "95", "pricePerUnit": "1500",
                "currency": "Wei", "pixelsPerUnit": "1", "serviceURI": uri,
                "amount": str(20 * LPT)}
        c.post("/activateOrchestrator", form)
        t = c.json("/orchestratorInfo")["Transcoder"]
        self.assertEqual((t["Status"], t["RewardCut"], t["FeeShare"], t["ServiceURI"]),
                         ("Registered", 100000, 950000, uri))
        self.assertEqual(t["DelegatedStake"], 20 * LPT)
        self.assertEqual(c.json("/status")["BroadcasterPrices"]["default"], "1500")
        status, body = c.call("/activateOrchestrator", form)
        self.assertEqual((status, body.decode()), (400, "orchestrator already registered\n"))
        # Active from the next round, in the pool the first node lists.
        self.chain("next-round")
        self.wait_round()
        self.assertTrue(c.json("/orchestratorInfo")["Transcoder"]["Active"])
        self.assertIn(NEWCOMER.lower(),
                      [o["Address"] for o in self.node.json("/registeredOrchestrators")])


class OffchainTest(unittest.TestCase):
    def test_chain_endpoints_answer_missing_eth_client(self):
        with BatonProcess(ARGS.baton, service_host="127.0.0.1") as node:
            def call(path, form=None):
                data = urllib.parse.urlencode(form).encode() if form is not None else None
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{node.cli_port}{path}",
                                                data=data, timeout=10) as r:
                        return r.status, r.read().decode()
                except urllib.error.HTTPError as e:
                    return e.code, e.read().decode()
            self.assertEqual(call("/EthChainID"), (200, "0"))
            self.assertEqual(call("/IsOrchestrator"), (200, "true"))
            for path in ("/orchestratorInfo", "/currentRound", "/protocolParameters",
                         "/delegatorInfo", "/ethAddr", "/tokenBalance"):
                self.assertEqual(call(path), (500, "missing ETH client\n"), path)
            self.assertEqual(call("/reward", {}), (500, "missing ETH client\n"))
            self.assertEqual(call("/setMaxSessions", {"maxSessions": "3"}),
                             (200, "Max sessions set to 3\n"))


if __name__ == "__main__":
    ARGS, argv = parse_args("baton", "source")
    unittest.main(argv=argv, verbosity=2)
