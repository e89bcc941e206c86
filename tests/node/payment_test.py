"""Payments end to end against a node with an account (offchain: verified, never redeemed).

Tickets are built here from the node's GetOrchestrator ticket params: the ticket hash with
pycryptodome's keccak over the packed layout of doc/pm.md 1.2, signatures by ethers (npm), the
Payment protobuf with python-protobuf. The node must accept them on POST /payment, and refuse
a tampered, a replayed and a wrongly signed one with go-livepeer's error texts.
"""
import base64
import json
import os
import subprocess
import sys
import unittest

import grpc
from Cryptodome.Hash import keccak

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baton_process import BatonProcess, parse_args, unary  # noqa: E402

ARGS = None
GATEWAY_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
GATEWAY = bytes.fromhex("70997970c51812dc3a010c7d01b50e0d17dc79c8")
GATEWAY_CHECKSUM = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
OTHER_KEY = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"


def keccak256(data):
    return keccak.new(digest_bits=256, data=data).digest()


def personal_sign(key, *messages):
    """Go's Sign(msg) = personal-sign(keccak(msg)), done by ethers."""
    env = dict(os.environ, NODE_PATH=os.path.join(ARGS.source, "tools", "node_modules"))
    out = subprocess.run(["node", os.path.join(os.path.dirname(__file__), "personal_sign.js"), key,
                          *["0x" + keccak256(m).hex() for m in messages]],
                         capture_output=True, text=True, check=True, env=env)
    return [bytes.fromhex(line) for line in out.stdout.split()]


def be32(n):
    return n.to_bytes(32, "big")


def uint(b):
    return int.from_bytes(b, "big")


def ticket_hash(recipient, sender, face_value, win_prob, nonce, rand_hash, creation_round,
                round_hash):
    aux = b"" if creation_round == 0 and round_hash == b"\x00" * 32 else \
        be32(creation_round) + round_hash
    return keccak256(recipient + sender + be32(face_value) + be32(win_prob) + be32(nonce) +
                     rand_hash + aux)


class PaymentTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        sys.path.insert(0, ARGS.pydir)
        import lp_rpc_pb2
        cls.pb = lp_rpc_pb2
        cls.node = BatonProcess(ARGS.baton, ["-ethPassword=test-password", "-pricePerUnit=1000",
                                             "-autoAdjustPrice=false"]).start()
        cls.address = bytes.fromhex(cls.node.status()["Address"][2:])
        cls.channel = cls.node.grpc_channel()

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.node.stop()

    def get_orchestrator(self, sig=None):
        fn = unary(self.channel, "/net.Orchestrator/GetOrchestrator", self.pb.OrchestratorInfo)
        if sig is None:
            sig = personal_sign(GATEWAY_KEY, GATEWAY_CHECKSUM.encode())[0]
        return fn(self.pb.OrchestratorRequest(address=GATEWAY, sig=sig), timeout=5)

    def test_gateway_signature_is_checked(self):
        wrong = personal_sign(OTHER_KEY, GATEWAY_CHECKSUM.encode())[0]
        with self.assertRaises(grpc.RpcError) as err:
            self.get_orchestrator(wrong)
        self.assertEqual(err.exception.details(),
                         "Invalid orchestrator request: orchestrator req sig check failed")
        lower = personal_sign(GATEWAY_KEY, ("0x" + GATEWAY.hex()).encode())[0]
        with self.assertRaises(grpc.RpcError):
            self.get_orchestrator(lower)

    def test_ticket_params_and_signed_ping(self):
        info = self.get_orchestrator()
        tp = info.ticket_params
        self.assertEqual(info.address, self.address)
        self.assertEqual(tp.recipient, self.address)
        self.assertEqual(uint(tp.expiration_block), 40)  # last seen block 0 + 40
        self.assertEqual(len(tp.recipient_rand_hash), 32)
        face, win = uint(tp.face_value), uint(tp.win_prob)
        self.assertGreater(face, 0)
        # EV = face × winProb / (2^256 - 1) must be the configured ticketEV (8e9 wei), rounded up.
        ev = face * win / (2**256 - 1)
        self.assertAlmostEqual(ev / 8e9, 1.0, places=6)
        ping = self.channel.unary_unary("/net.Orchestrator/Ping",
                                        request_serializer=lambda m: m.SerializeToString(),
                                        response_deserializer=self.pb.PingPong.FromString)
        reply = ping(self.pb.PingPong(value=b"hello"), timeout=5)
        self.assertEqual(len(reply.value), 65)
        self.assertIn(reply.value[64], (27, 28))

    def payment(self, info, nonces, tamper=None, key=GATEWAY_KEY):
        tp = info.ticket_params
        p = self.pb.Payment(ticket_params=tp, sender=GATEWAY,
                            expiration_params=tp.expiration_params,
                            expected_price=info.price_info)
        ep = tp.expiration_params
        hashes = [ticket_hash(tp.recipient, GATEWAY, uint(tp.face_value), uint(tp.win_prob), n,
                              tp.recipient_rand_hash, ep.creation_round,
                              ep.creation_round_block_hash.rjust(32, b"\x00")) for n in nonces]
        env = dict(os.environ, NODE_PATH=os.path.join(ARGS.source, "tools", "node_modules"))
        out = subprocess.run(["node", os.path.join(os.path.dirname(__file__), "personal_sign.js"),
                              key, *["0x" + h.hex() for h in hashes]],
                             capture_output=True, text=True, check=True, env=env)
        for n, sig in zip(nonces, out.stdout.split()):
            p.ticket_sender_params.add(sender_nonce=n, sig=bytes.fromhex(sig))
        if tamper:
            tamper(p)
        return base64.b64encode(p.SerializeToString()).decode()

    def seg_creds(self, info, manifest=b"manifest-1"):
        empty_hash = keccak256(b"")
        flat = manifest + be32(0) + empty_hash  # no profiles
        sig = personal_sign(GATEWAY_KEY, flat)[0]
        sd = self.pb.SegData(manifestId=manifest, seq=0, hash=empty_hash, sig=sig,
                             auth_token=info.auth_token)
        return base64.b64encode(sd.SerializeToString()).decode()

    def post_payment(self, payment, seg):
        r = subprocess.run(["curl", "-sk", "--http2", "-X", "POST", "-o", "-", "-w",
                            "\n%{http_code}", "-H", f"Livepeer-Payment: {payment}",
                            "-H", f"Livepeer-Segment: {seg}",
                            f"https://localhost:{self.node.port}/payment"],
                           capture_output=True)
        body, _, code = r.stdout.rpartition(b"\n")
        return int(code), body

    def test_ethers_signed_tickets_are_accepted(self):
        info = self.get_orchestrator()
        seg = self.seg_creds(info)
        code, body = self.post_payment(self.payment(info, [1, 2, 3]), seg)
        self.assertEqual(code, 200, body)
        result = self.pb.PaymentResult.FromString(body)
        self.assertEqual(result.info.auth_token, info.auth_token)
        self.assertTrue(result.info.HasField("ticket_params"))
        # Replaying a nonce is refused with go-livepeer's text.
        code, body = self.post_payment(self.payment(info, [2]), seg)
        self.assertEqual(code, 400)
        self.assertEqual(body.decode().strip(), "invalid ticket senderNonce: already seen "
                         f"sender={GATEWAY_CHECKSUM} nonce=2")

    def test_tampered_and_forged_tickets_are_refused(self):
        info = self.get_orchestrator()
        seg = self.seg_creds(info)

        def bump_face(p):
            p.ticket_params.face_value = (uint(p.ticket_params.face_value) + 1).to_bytes(32, "big").lstrip(b"\x00")

        code, body = self.post_payment(self.payment(info, [1], bump_face), seg)
        self.assertEqual((code, body.decode().strip()),
                         (400, "invalid recipientRand for ticket recipientRandHash"))
        code, body = self.post_payment(self.payment(info, [1], key=OTHER_KEY), seg)
        self.assertEqual((code, body.decode().strip()), (400, "invalid ticket signature"))

        def other_price(p):
            p.expected_price.pricePerUnit += 1

        code, body = self.post_payment(self.payment(info, [1], other_price), seg)
        self.assertEqual((code, body.decode().strip()),
                         (400, "invalid recipientRand for ticket recipientRandHash"))

    def post_segment(self, info, payment, seq=0, manifest=b"m-free"):
        """POST /segment with a tiny (untranscodable) body; the answer before any work."""
        data = b"\x47" + bytes([seq]) + b"\x00" * 186
        flat = manifest + be32(seq) + keccak256(data)
        sd = self.pb.SegData(manifestId=manifest, seq=seq, hash=keccak256(data),
                             sig=personal_sign(GATEWAY_KEY, flat)[0], auth_token=info.auth_token)
        if not isinstance(payment, str):
            payment = base64.b64encode(payment.SerializeToString()).decode()
        r = subprocess.run(["curl", "-sk", "--http2", "-o", "-", "-w", "\n%{http_code}",
                            "-H", f"Livepeer-Payment: {payment}",
                            "-H", "Livepeer-Segment: " + base64.b64encode(sd.SerializeToString()).decode(),
                            "--data-binary", "@-", f"https://localhost:{self.node.port}/segment"],
                           input=data, capture_output=True)
        body, _, code = r.stdout.rpartition(b"\n")
        return int(code), body

    def ticketless(self, info, price=None):
        return self.pb.Payment(sender=GATEWAY, expected_price=price or info.price_info)

    def test_no_free_work_without_tickets(self):
        # go-livepeer pins a price of 0 for a first payment without tickets; Baton refuses.
        info = self.get_orchestrator()
        code, body = self.post_segment(info, self.pb.Payment(sender=GATEWAY))
        self.assertEqual((code, body.decode().strip()), (400, "Insufficient balance"))
        code, body = self.post_segment(info, self.ticketless(info))
        self.assertEqual((code, body.decode().strip()), (400, "Insufficient balance"))

    def test_free_work_request_with_the_nodes_params_and_price_zero_is_refused(self):
        info = self.get_orchestrator()
        p = self.pb.Payment(sender=GATEWAY, ticket_params=info.ticket_params,
                            expiration_params=info.ticket_params.expiration_params,
                            expected_price=self.pb.PriceInfo(pricePerUnit=0, pixelsPerUnit=1))
        code, body = self.post_segment(info, p)
        self.assertEqual((code, body.decode().strip()), (400, "Insufficient balance"))

    def test_ticketless_payment_spends_the_sessions_credit(self):
        # One ticket (EV = -ticketEV) pays the first segment; the untranscodable body costs 0
        # pixels, so the balance still covers one EV and the next payment needs no ticket.
        info = self.get_orchestrator()
        code, body = self.post_segment(info, self.payment(info, [1]), seq=0, manifest=b"m-credit")
        self.assertEqual(code, 200, body)
        code, body = self.post_segment(info, self.ticketless(info), seq=1, manifest=b"m-credit")
        self.assertEqual(code, 200, body)
        # It must name the session's price: nothing binds a ticketless payment's claim.
        cheaper = self.pb.PriceInfo(pricePerUnit=1, pixelsPerUnit=1)
        code, body = self.post_segment(info, self.ticketless(info, cheaper), seq=2,
                                       manifest=b"m-credit")
        self.assertEqual(code, 400, body)
        self.assertIn("does not match the session's price 1000/1", body.decode())

    def test_operator_query_bytes_that_are_not_utf8_get_a_400(self):
        # Raw bytes in a query reach the JSON error text; they once made the JSON encoder throw
        # out of the handler and end the process.
        import socket
        with socket.create_connection(("127.0.0.1", self.node.cli_port), timeout=5) as s:
            s.sendall(b"GET /tickets?state=\xff\xfe&limit=99999999999999999999 HTTP/1.1\r\n"
                      b"Host: 127.0.0.1:%d\r\nConnection: close\r\n\r\n" % self.node.cli_port)
            reply = b""
            while chunk := s.recv(65536):
                reply += chunk
        head, _, body = reply.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 400"), reply)
        self.assertEqual(json.loads(body)["error"], "unknown state: \ufffd\ufffd")
        self.assertIsNone(self.node.proc.poll())
        import urllib.error
        with self.assertRaises(urllib.error.HTTPError) as err:
            self.node.cli_get("/tickets?limit=99999999999999999999")
        self.assertEqual(err.exception.code, 400)
        self.assertEqual(json.loads(err.exception.read())["error"],
                         "bad limit: 99999999999999999999")
        self.assertEqual(self.node.cli_get("/tickets")[0], 200)

    def test_segment_signature_must_be_the_payment_senders(self):
        info = self.get_orchestrator()
        sd = self.pb.SegData.FromString(base64.b64decode(self.seg_creds(info)))
        sd.sig = b"\x01" * 65
        code, body = self.post_payment(self.payment(info, [1]),
                                       base64.b64encode(sd.SerializeToString()).decode())
        self.assertEqual((code, body.decode().strip()), (403, "ErrSegSig"))


if __name__ == "__main__":
    ARGS, argv = parse_args("baton", "pydir", "source")
    unittest.main(argv=argv, verbosity=2)
