#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/): a few valid inputs of
each kind, built from the wire schema (lp_rpc.proto via protoc's Python module) and the protocol
texts, so that fuzzing starts deep in each parser. Rerun after a schema change:

    python3 fuzz/make_seeds.py --pydir build/python

Seeds are small; what the fuzzer adds during `make test` stays in the build tree.
"""
import argparse
import base64
import hashlib
import json
import os
import struct
import sys


def write(corpus, target, name, data):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def capabilities(pb, constrained=False):
    caps = pb.Capabilities(version="0.9.1")
    caps.bitstring.append(0x4005FFF)
    if constrained:
        caps.constraints.minVersion = "0.8.0"
        model = caps.constraints.PerCapability[27].models["stabilityai/sd-turbo"]
        model.warm = True
        model.runnerVersion = "v0.1.2"
    return caps


def segment_seeds(pb, out):
    token = pb.AuthToken(token=b"fuzz", session_id="session-1", expiration=4102444800)
    for i, field in enumerate(("fullProfiles", "fullProfiles2", "fullProfiles3")):
        sd = pb.SegData(manifestId=b"manifest-1", seq=i, hash=hashlib.sha256(b"x").digest(),
                        duration=2000, auth_token=token, sig=b"\x01" * 65,
                        capabilities=capabilities(pb, constrained=i == 2))
        getattr(sd, field).add(name="P240p30fps16x9", width=426, height=240, bitrate=600000,
                               fps=30, fpsDen=1, format=pb.VideoProfile.MPEGTS,
                               profile=pb.VideoProfile.H264_BASELINE, gop=2000)
        getattr(sd, field).add(width=640, height=360, bitrate=1200000, fps=60000, fpsDen=1001,
                               format=pb.VideoProfile.MP4, encoder=pb.VideoProfile.H265,
                               colorDepth=8)
        write(out, "segment_credentials", f"segdata-{field}", sd.SerializeToString())
    write(out, "segment_credentials", "header-base64",
          base64.b64encode(sd.SerializeToString()))


def grpc_seeds(pb, out):
    get = pb.OrchestratorRequest(address=b"\x05" * 20, sig=b"fuzz",
                                 capabilities=capabilities(pb, constrained=True))
    write(out, "orchestrator_grpc", "get-orchestrator-account", b"\x04" + get.SerializeToString())
    write(out, "orchestrator_grpc", "get-orchestrator-offchain",
          b"\x08" + pb.OrchestratorRequest(address=b"\x01" * 20, sig=b"junk").SerializeToString())
    write(out, "orchestrator_grpc", "ping", b"\x05" + pb.PingPong(value=b"\x11" * 32).SerializeToString())
    end = pb.EndTranscodingSessionRequest(
        auth_token=pb.AuthToken(token=b"fuzz", session_id="session-1", expiration=4102444800))
    write(out, "orchestrator_grpc", "end-session", b"\x06" + end.SerializeToString())
    write(out, "orchestrator_grpc", "unknown-method", b"\x03")


def payment_seeds(pb, out):
    params = pb.TicketParams(recipient=b"\x00" * 20, face_value=b"\x01\x00\x00",
                             win_prob=b"\xff" * 16, recipient_rand_hash=b"\x22" * 32,
                             seed=b"\x33" * 32, expiration_block=b"\x01\x00",
                             expiration_params=pb.TicketExpirationParams(
                                 creation_round=5, creation_round_block_hash=b"\x44" * 32))
    payment = pb.Payment(ticket_params=params, sender=b"\x05" * 20,
                         expiration_params=params.expiration_params,
                         expected_price=pb.PriceInfo(pricePerUnit=7, pixelsPerUnit=2))
    for n in range(3):
        payment.ticket_sender_params.add(sender_nonce=n, sig=bytes([n + 1]) * 65)
    raw = payment.SerializeToString()
    seg = pb.SegData(manifestId=b"abc", seq=7)
    write(out, "payment_header", "payment-raw", raw)
    write(out, "payment_header", "headers",
          base64.b64encode(raw) + b"\n" + base64.b64encode(seg.SerializeToString()))
    ticketless = pb.Payment(sender=b"\x05" * 20,
                            expected_price=pb.PriceInfo(pricePerUnit=7, pixelsPerUnit=2))
    write(out, "payment_header", "ticketless", base64.b64encode(ticketless.SerializeToString()))


def http1_seeds(out):
    one = b"\x3f"  # first byte: feed everything in one piece
    reqs = {
        "get-status": b"GET /status HTTP/1.1\r\nHost: o\r\n\r\n",
        "post-segment": b"POST /segment HTTP/1.1\r\nHost: o\r\nLivepeer-Segment: AAAA\r\n"
                        b"Content-Type: video/MP2T\r\nContent-Length: 5\r\n\r\nhello",
        "chunked": b"POST /segment HTTP/1.1\r\nHost: o\r\nLivepeer-Segment: x\r\n"
                   b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\n"
                   b"Trailer: t\r\n\r\n",
        "rejected-upload": b"POST /segment HTTP/1.1\r\nHost: o\r\nExpect: 100-continue\r\n"
                           b"Content-Length: 100000\r\n\r\n",
        "pipelined": b"GET /stream/s/P240p/1.ts HTTP/1.1\r\nHost: o\r\n\r\n"
                     b"HEAD /stream/x HTTP/1.1\r\nHost: o\r\n\r\n"
                     b"DELETE /status HTTP/1.1\r\nHost: o\r\nConnection: close\r\n\r\n",
        "http10-keepalive": b"GET /nope?q=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "grpc-over-h1": b"POST /net.Orchestrator/Ping HTTP/1.1\r\nHost: o\r\n"
                        b"Content-Type: application/grpc\r\nContent-Length: 0\r\n\r\n",
    }
    for name, data in reqs.items():
        write(out, "http1_codec", name, one + data)
    write(out, "http1_codec", "byte-by-byte", b"\x00" + reqs["post-segment"])


def h2_frame(type_, flags, stream, payload):
    return struct.pack(">I", len(payload))[1:] + bytes([type_, flags]) + \
        struct.pack(">I", stream) + payload


def hpack(headers):
    out = b""
    for name, value in headers:
        name, value = name.encode(), value.encode()
        out += b"\x00" + bytes([len(name)]) + name + bytes([len(value)]) + value
    return out


def http2_seeds(out):
    settings = h2_frame(4, 0, 0, struct.pack(">HI", 4, 65535) + struct.pack(">HI", 3, 100))
    ack = h2_frame(4, 1, 0, b"")
    get = h2_frame(1, 5, 1, hpack([(":method", "GET"), (":scheme", "https"),
                                   (":path", "/status"), (":authority", "o")]))
    post_head = hpack([(":method", "POST"), (":scheme", "https"), (":path", "/segment"),
                       (":authority", "o"), ("livepeer-segment", "AAAA"),
                       ("content-length", "5")])
    post = h2_frame(1, 4, 3, post_head) + h2_frame(0, 1, 3, b"hello")
    grpc_head = hpack([(":method", "POST"), (":scheme", "https"), (":path", "/fuzz.Echo/Unary"),
                       (":authority", "o"), ("content-type", "application/grpc"),
                       ("te", "trailers"), ("grpc-timeout", "100m")])
    message = b"\x00" + struct.pack(">I", 4) + b"ping"
    grpc = h2_frame(1, 4, 5, grpc_head) + h2_frame(0, 1, 5, message)
    stream_head = hpack([(":method", "POST"), (":scheme", "https"),
                         (":path", "/fuzz.Echo/Stream"), (":authority", "o"),
                         ("content-type", "application/grpc+proto")])
    streaming = h2_frame(1, 4, 7, stream_head) + h2_frame(0, 1, 7, message)
    window = h2_frame(8, 0, 0, struct.pack(">I", 1 << 20)) + h2_frame(8, 0, 7, struct.pack(">I", 100))
    ping = h2_frame(6, 0, 0, b"12345678")
    rst = h2_frame(3, 0, 3, struct.pack(">I", 8))
    goaway = h2_frame(7, 0, 0, struct.pack(">II", 7, 0))
    continuation = h2_frame(1, 0, 9, post_head[:20]) + h2_frame(9, 4, 9, post_head[20:]) + \
        h2_frame(0, 1, 9, b"hello")
    one = b"\x3f"
    write(out, "http2_codec", "get", one + settings + ack + get)
    write(out, "http2_codec", "post-data", one + settings + post + window)
    write(out, "http2_codec", "grpc-unary", one + settings + grpc + ping)
    write(out, "http2_codec", "grpc-streaming", one + settings + streaming + window + goaway)
    write(out, "http2_codec", "reset", one + settings + post + rst)
    write(out, "http2_codec", "continuation", one + settings + continuation)
    write(out, "http2_codec", "small-pieces", b"\x00" + settings + grpc)


def grpc_frame_seeds(out):
    frame = lambda m: b"\x00" + struct.pack(">I", len(m)) + m
    write(out, "grpc_frame", "two-messages", b"\x07" + frame(b"abc") + frame(b"de"))
    write(out, "grpc_frame", "compressed", b"\x01" + b"\x01" + struct.pack(">I", 1) + b"x")
    write(out, "grpc_frame", "empty-message", frame(b""))


def rlp_bytes(b):
    if len(b) == 1 and b[0] < 0x80:
        return b
    return rlp_len(len(b), 0x80) + b


def rlp_len(n, offset):
    if n < 56:
        return bytes([offset + n])
    nb = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([offset + 55 + len(nb)]) + nb


def rlp_list(items):
    body = b"".join(items)
    return rlp_len(len(body), 0xc0) + body


def rlp_int(n):
    return rlp_bytes(n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b"")


def eth_seeds(out):
    legacy = rlp_list([rlp_int(7), rlp_int(5), rlp_int(500000), rlp_bytes(b"\x01" * 20),
                       rlp_int(0), rlp_bytes(b"d" * 100), rlp_int(27 + 8), rlp_bytes(b"\x11" * 32),
                       rlp_bytes(b"\x22" * 32)])
    eip1559 = b"\x02" + rlp_list([rlp_int(42161), rlp_int(7), rlp_int(1000), rlp_int(123456789),
                                   rlp_int(500000), rlp_bytes(b"\x01" * 20), rlp_int(0),
                                   rlp_bytes(b"d" * 10), rlp_list([]), rlp_int(1),
                                   rlp_bytes(b"\x11" * 32), rlp_bytes(b"\x22" * 32)])
    word = lambda n: n.to_bytes(32, "big")
    abi_static = word(3) + b"\x00" * 12 + b"\x01" * 20 + word(1) + b"\x42" * 32
    abi_dynamic = word(128) + word(192) + word(256) + word(0xffff) + word(5) + \
        b"hello".ljust(32, b"\x00") + word(3) + b"abc".ljust(32, b"\x00") + word(2) + word(1) + word(2)
    revert = bytes.fromhex("08c379a0") + word(32) + word(4) + b"nope".ljust(32, b"\x00")
    keyfile = json.dumps({"address": "0101010101010101010101010101010101010101", "version": 3,
                          "crypto": {"cipher": "aes-128-ctr", "ciphertext": "00" * 32,
                                     "cipherparams": {"iv": "00" * 16}, "kdf": "scrypt",
                                     "kdfparams": {"n": 2, "r": 1, "p": 1, "dklen": 32,
                                                   "salt": "00" * 32},
                                     "mac": "00" * 32}})
    for name, data in [("tx-legacy", legacy), ("tx-1559", eip1559), ("abi-static", abi_static),
                       ("abi-dynamic", abi_dynamic), ("revert", revert), ("keyfile", keyfile),
                       ("rlp-nested", rlp_list([rlp_bytes(b"dog"), rlp_list([rlp_int(1024)])])),
                       ("quantity", "0x1bc16d674ec80000")]:
        write(out, "eth_decoders", name, data)


def json_rpc_seeds(out):
    h32 = "0x" + "ab" * 32
    log = {"address": "0x" + "01" * 20, "topics": [h32, h32], "data": "0x" + "00" * 64,
           "blockNumber": "0x10", "blockHash": h32, "transactionHash": h32, "logIndex": "0x0",
           "removed": False}
    responses = {
        "quantity": {"jsonrpc": "2.0", "id": 1, "result": "0xa4b1"},
        "block": {"jsonrpc": "2.0", "id": 2, "result": {
            "number": "0x1b4", "hash": h32, "parentHash": h32, "timestamp": "0x6553f100",
            "baseFeePerGas": "0x5f5e100", "l1BlockNumber": "0x112a880"}},
        "receipt": {"jsonrpc": "2.0", "id": 3, "result": {
            "transactionHash": h32, "status": "0x1", "blockNumber": "0x1b4", "blockHash": h32,
            "gasUsed": "0x5208", "effectiveGasPrice": "0x3b9aca00",
            "contractAddress": "0x" + "02" * 20, "logs": [log]}},
        "logs": {"jsonrpc": "2.0", "id": 4, "result": [log, dict(log, removed=True)]},
        "revert": {"jsonrpc": "2.0", "id": 5, "error": {
            "code": 3, "message": "execution reverted: nope",
            "data": "0x08c379a0" + "00" * 31 + "20" + "00" * 31 + "04" + "6e6f7065" + "00" * 28}},
        "nested-revert": {"jsonrpc": "2.0", "id": 6, "error": {
            "code": -32000, "message": "EOF", "data": {"data": "0xdeadbeef"}}},
        "null": {"jsonrpc": "2.0", "id": 7, "result": None},
    }
    for name, body in responses.items():
        write(out, "json_rpc", name, json.dumps(body))


def multipart_seeds(out):
    # First byte: boundary length - 1; then the boundary, then the body.
    def seed(boundary, body):
        return bytes([len(boundary) - 1]) + boundary + body

    b = b"XyZ"
    curl_like = (b"--XyZ\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nfox\r\n"
                 b"--XyZ\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n"
                 b"Content-Type: image/png\r\n\r\n\x89PNG\r\n--XyZx\r\n--XyZ--\r\n")
    write(out, "multipart", "curl-like", seed(b, curl_like))
    write(out, "multipart", "bare-lf", seed(b"b", b"pre\n--b\ncontent-disposition: form-data; "
                                              b"name=a\n\nx\n--b--\nepilogue"))
    write(out, "multipart", "quoted-pair", seed(b"bb", b"--bb \r\nContent-Disposition: form-data;"
                                                  b" name=\"q\\\"x\"; filename=\"\"\r\n"
                                                  b" folded\r\n\r\n\r\n--bb--"))
    write(out, "multipart", "empty", seed(b"b", b"--b--"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pydir", required=True, help="where protoc put lp_rpc_pb2.py")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "corpus"))
    args = parser.parse_args()
    sys.path.insert(0, args.pydir)
    import lp_rpc_pb2 as pb
    segment_seeds(pb, args.out)
    grpc_seeds(pb, args.out)
    payment_seeds(pb, args.out)
    http1_seeds(args.out)
    http2_seeds(args.out)
    grpc_frame_seeds(args.out)
    eth_seeds(args.out)
    json_rpc_seeds(args.out)
    multipart_seeds(args.out)


if __name__ == "__main__":
    main()
