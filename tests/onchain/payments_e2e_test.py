"""Payments as the network makes them, end to end on the devnet through real TLS.

A devnet (anvil + our contracts), an on-chain baton node at a price where a segment costs
less than one ticket's EV, and baton-gateway paying as a go-livepeer gateway does (credit
carried between segments, tickets only for the shortfall). Then, by hand with python-grpc,
ethers signatures and curl:
- every segment of the stream is served and paid, some payments carry no ticket (counted by
  the gateway's summary and by the node's metrics);
- a free-work request (the node's ticket params, no ticket, a claimed price of 0) gets 400;
- a winning ticket that cannot be stored (another process holds an exclusive lock on the
  ledger) gets 503 and is not credited; once the lock is released the node takes payments again.

    payments_e2e_test.py --baton B --gateway G --pydir P --source S [--seconds 30]
"""
import base64
import json
import os
import sqlite3
import subprocess
import sys
import time
import unittest

ARGS = None
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "node"))
from baton_process import BatonProcess, parse_args, start_devnet, stop_devnet, unary  # noqa: E402

# The price and ticket EV: a 2 s segment of the default ladder (240p + 360p at 30 fps,
# ~2.0e7 pixels) costs ~6e14 wei, under a third of one ticket's EV (2e15). Face value = EV,
# so every ticket wins and goes to the ledger.
PRICE = 30000000
TICKET_EV = 2000000000000000


class PaymentsOnDevnet(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        sys.path.insert(0, os.path.join(HERE, "..", "node"))
        sys.path.insert(0, ARGS.pydir)
        import lp_rpc_pb2
        import payment_test  # ticket hashing and ethers signing, shared with the offchain test
        payment_test.ARGS = ARGS
        cls.pb, cls.pt = lp_rpc_pb2, payment_test
        start_devnet(cls, ARGS.source, "baton-payments-")
        info = cls.devnet.chain("info")
        orch = info["accounts"]["orchestrator"]
        cls.gateway_key = info["accounts"]["gateway"]["privateKey"]
        cls.gateway = bytes.fromhex(info["accounts"]["gateway"]["address"][2:])
        node_dir = os.path.join(cls.tmp, "node")
        # The certificate names the service host (localhost); python-grpc checks it.
        cls.node = BatonProcess(
            ARGS.baton, [*cls.devnet.write_keystore(orch["privateKey"], node_dir),
                         f"-pricePerUnit={PRICE}", "-autoAdjustPrice=false",
                         f"-ticketEV={TICKET_EV}", f"-maxFaceValue={TICKET_EV}",
                         "-blockPollingInterval=1", "-initializeRound", "-monitor"],
            data_dir=node_dir, log_path=os.path.join(cls.tmp, "node.log")).start(timeout=30)
        cls.port, cls.cli = cls.node.port, cls.node.cli_port
        cls.ledger = cls.node.ledger_path()
        cls.channel = cls.node.grpc_channel()

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        stop_devnet(cls, lambda: cls.node.stop(timeout=20, must_exit=True))

    def metric(self, name):
        return self.node.metric(name)

    def winners_stored(self):
        return self.node.tickets()["counts"]["total"]

    # --- a gateway's requests by hand -----------------------------------------------------

    def checksum(self):
        h = self.pt.keccak256(self.gateway.hex().encode()).hex()
        return "0x" + "".join(c.upper() if int(h[i], 16) >= 8 else c
                              for i, c in enumerate(self.gateway.hex()))

    def get_orchestrator(self):
        fn = unary(self.channel, "/net.Orchestrator/GetOrchestrator", self.pb.OrchestratorInfo)
        sig = self.pt.personal_sign(self.gateway_key, self.checksum().encode())[0]
        return fn(self.pb.OrchestratorRequest(address=self.gateway, sig=sig), timeout=10)

    def payment(self, info, nonces):
        pt, tp = self.pt, info.ticket_params
        ep = tp.expiration_params
        p = self.pb.Payment(ticket_params=tp, sender=self.gateway, expiration_params=ep,
                            expected_price=info.price_info)
        hashes = [pt.ticket_hash(tp.recipient, self.gateway, pt.uint(tp.face_value),
                                 pt.uint(tp.win_prob), n, tp.recipient_rand_hash,
                                 ep.creation_round, ep.creation_round_block_hash.rjust(32, b"\0"))
                  for n in nonces]
        sigs = subprocess.run(["node", os.path.join(HERE, "..", "node", "personal_sign.js"),
                               self.gateway_key, *["0x" + h.hex() for h in hashes]],
                              capture_output=True, text=True, check=True, env=self.env).stdout
        for n, sig in zip(nonces, sigs.split()):
            p.ticket_sender_params.add(sender_nonce=n, sig=bytes.fromhex(sig))
        return p

    def post(self, route, info, payment, data=b"", manifest=b"by-hand", seq=0):
        pt = self.pt
        sd = self.pb.SegData(manifestId=manifest, seq=seq, hash=pt.keccak256(data),
                             sig=pt.personal_sign(self.gateway_key, manifest + pt.be32(seq) +
                                                  pt.keccak256(data))[0],
                             auth_token=info.auth_token)
        r = subprocess.run(
            ["curl", "-sk", "--http2", "-X", "POST", "-o", "-", "-w", "\n%{http_code}",
             "-H", "Livepeer-Payment: " + base64.b64encode(payment.SerializeToString()).decode(),
             "-H", "Livepeer-Segment: " + base64.b64encode(sd.SerializeToString()).decode(),
             "--data-binary", "@-", f"https://127.0.0.1:{self.port}/{route}"],
            input=data, capture_output=True, timeout=60)
        body, _, code = r.stdout.rpartition(b"\n")
        return int(code), body.decode(errors="replace").strip()

    # --- the scenarios ---------------------------------------------------------------------

    def test_1_stream_is_served_and_paid_with_ticketless_payments(self):
        tickets_before = self.metric("livepeer_tickets_recv")
        started = time.monotonic()
        out = subprocess.run([ARGS.gateway, "-orchAddr", f"127.0.0.1:{self.port}", "-testPattern",
                              "-duration", str(ARGS.seconds), "-testPatternSize", "320x180",
                              "-ethKeyHex", self.gateway_key, "-json"],
                             capture_output=True, text=True, timeout=300)
        elapsed = time.monotonic() - started
        report = out.stdout + out.stderr[-3000:]
        summary = json.loads(out.stdout.strip().splitlines()[-1])
        segments = -(-ARGS.seconds // 2)
        print(f"\n{ARGS.seconds} s stream in {elapsed:.1f} s: {summary['segments']} segments, "
              f"{summary['ok']} ok, {summary['tickets']} tickets, "
              f"{summary['ticketless_payments']} ticketless payments, EV sent "
              f"{summary['ev_sent_wei']:.6g} wei, fees {summary['fees_wei']:.6g} wei, credit left "
              f"{summary['credit_left_wei']:.6g} wei", file=sys.stderr)
        self.assertEqual(out.returncode, 0, report)
        self.assertEqual(summary["segments"], segments, report)
        self.assertEqual(summary["ok"], segments, report)
        self.assertEqual(summary["signatures_verified"], segments, report)
        # Some segments paid by tickets, the others by credit, none both.
        self.assertGreater(summary["ticketless_payments"], 0, report)
        self.assertGreater(summary["tickets"], 0, report)
        self.assertLess(summary["tickets"], segments, report)
        self.assertLessEqual(summary["ticketless_payments"] + summary["tickets"], segments)
        # Every segment paid: EV sent covers the fees, and the credit left is the difference.
        self.assertGreaterEqual(summary["ev_sent_wei"], summary["fees_wei"], report)
        self.assertAlmostEqual(summary["credit_left_wei"] / TICKET_EV,
                               (summary["ev_sent_wei"] - summary["fees_wei"]) / TICKET_EV, 6)
        self.assertEqual(summary["fees_wei"], PRICE * summary["pixels"])
        # The node saw the same.
        self.assertEqual(self.metric("livepeer_ticketless_payments_recv"),
                         summary["ticketless_payments"])
        self.assertEqual(self.metric("livepeer_tickets_recv") - tickets_before, summary["tickets"])
        self.assertEqual(self.metric("livepeer_payment_recv_errors"), 0)

    def test_2_free_work_request_is_refused(self):
        info = self.get_orchestrator()
        self.assertEqual(info.price_info.pricePerUnit, PRICE)
        p = self.pb.Payment(sender=self.gateway, ticket_params=info.ticket_params,
                            expiration_params=info.ticket_params.expiration_params,
                            expected_price=self.pb.PriceInfo(pricePerUnit=0, pixelsPerUnit=1))
        data = b"\x47" + b"\x00" * 187
        self.assertEqual(self.post("segment", info, p, data, manifest=b"free-work"),
                         (400, "Insufficient balance"))
        # Nor does a ticketless payment start a session.
        p = self.pb.Payment(sender=self.gateway, expected_price=info.price_info)
        self.assertEqual(self.post("segment", info, p, data, manifest=b"free-work"),
                         (400, "Insufficient balance"))

    def test_3_unstored_winner_is_refused_until_storage_works(self):
        info = self.get_orchestrator()
        stored = self.winners_stored()
        lock = sqlite3.connect(self.ledger, isolation_level=None, timeout=1)
        try:
            lock.execute("BEGIN EXCLUSIVE")
            code, text = self.post("payment", info, self.payment(info, [1]))
            self.assertEqual(code, 503, text)
            self.assertIn("winning ticket not stored", text)
            # The node keeps serving meanwhile.
            self.assertEqual(self.get_orchestrator().price_info.pricePerUnit, PRICE)
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        self.assertEqual(self.winners_stored(), stored)
        code, text = self.post("payment", info, self.payment(info, [2]))
        self.assertEqual(code, 200, text)
        self.assertEqual(self.winners_stored(), stored + 1)


if __name__ == "__main__":
    ARGS, argv = parse_args("baton", "gateway", "pydir", "source", seconds=30)
    unittest.main(argv=argv, verbosity=2)
