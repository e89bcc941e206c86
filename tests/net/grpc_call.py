#!/usr/bin/python3
"""Independent gRPC client (python3-grpcio) for the net integration tests.

Calls one method with raw-bytes serializers and prints a JSON line:
{"code": <grpc status number>, "details": "...", "messages": ["...", ...]}
"""
import argparse
import json
import sys

import grpc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--cert", help="PEM root (the server's own certificate); omit for h2c")
    parser.add_argument("--name", default="localhost", help="TLS name to verify against")
    parser.add_argument("--method", required=True)
    parser.add_argument("--stream", action="store_true", help="server-streaming call")
    parser.add_argument("--payload", default="")
    parser.add_argument("--timeout", type=float, default=None)
    parser.add_argument("--metadata", action="append", default=[],
                        help="NAME=SIZE: send metadata NAME with SIZE bytes of 'p'")
    args = parser.parse_args()

    if args.cert:
        with open(args.cert, "rb") as f:
            creds = grpc.ssl_channel_credentials(root_certificates=f.read())
        channel = grpc.secure_channel(
            args.target, creds, options=[("grpc.ssl_target_name_override", args.name)])
    else:
        channel = grpc.insecure_channel(args.target)
    metadata = []
    for item in args.metadata:
        name, size = item.split("=")
        metadata.append((name, "p" * int(size)))
    identity = lambda b: b
    result = {"code": 0, "details": "", "messages": []}
    try:
        if args.stream:
            call = channel.unary_stream(
                args.method, request_serializer=identity, response_deserializer=identity)
            for message in call(args.payload.encode(), timeout=args.timeout, metadata=metadata):
                result["messages"].append(message.decode("latin1"))
        else:
            call = channel.unary_unary(
                args.method, request_serializer=identity, response_deserializer=identity)
            result["messages"].append(call(args.payload.encode(), timeout=args.timeout, metadata=metadata).decode("latin1"))
    except grpc.RpcError as error:
        result["code"] = error.code().value[0]
        result["details"] = error.details() or ""
    print(json.dumps(result))
    channel.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
