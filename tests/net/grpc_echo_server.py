#!/usr/bin/python3
"""Independent gRPC server (python3-grpcio) for testing Baton's GrpcClient.

Serves /test.Svc/Echo (replies "py:" + request) and /test.Svc/Fail (NOT_FOUND with a message
that needs percent-encoding) with raw-bytes handlers. With --cert/--key it serves TLS, else h2c.
Prints the bound port on stdout, then serves until stdin closes.
"""
import argparse
import sys
from concurrent import futures

import grpc


def echo(request, context):
    return b"py:" + request


def fail(request, context):
    context.abort(grpc.StatusCode.NOT_FOUND, "nothing here\n50%")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    handlers = {
        "Echo": grpc.unary_unary_rpc_method_handler(echo),
        "Fail": grpc.unary_unary_rpc_method_handler(fail),
    }
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("test.Svc", handlers),))
    if args.cert:
        with open(args.key, "rb") as k, open(args.cert, "rb") as c:
            creds = grpc.ssl_server_credentials([(k.read(), c.read())])
        port = server.add_secure_port("127.0.0.1:0", creds)
    else:
        port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    sys.stdin.read()
    server.stop(0)


if __name__ == "__main__":
    main()
