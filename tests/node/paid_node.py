"""A node that holds winning tickets: offchain with an account, paid by a real baton-gateway.

The ticket parameters are the demo's (ticketEV 1.5e15 wei, face values capped at 2e15), so most
tickets win: an 8 s stream leaves a few queued winning tickets in the node's ledger, which the
operator tools' tests then read through the operator port.
"""
import json
import subprocess

from baton_process import BatonProcess

PAID_NODE_FLAGS = ["-ethPassword=test-password", "-pricePerUnit=25000000",
                   "-ticketEV=1500000000000000", "-maxFaceValue=2000000000000000", "-monitor"]


def start_paid_node(baton, extra_args=()):
    # The first start creates the account's key (scrypt): give it time on a loaded box.
    return BatonProcess(baton, PAID_NODE_FLAGS + list(extra_args)).start(timeout=90)


def stream(gateway, node, seconds=8):
    """Streams `seconds` of test pattern through `node`; returns the gateway's JSON summary."""
    r = subprocess.run([gateway, "-orchAddr", f"127.0.0.1:{node.port}", "-testPattern",
                        "-duration", str(seconds), "-testPatternSize", "426x240",
                        "-transcodingOptions", "P144p30fps16x9", "-json"],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise RuntimeError("baton-gateway failed:\n" + r.stdout[-2000:] + r.stderr[-2000:])
    return json.loads(r.stdout.strip().splitlines()[-1])
