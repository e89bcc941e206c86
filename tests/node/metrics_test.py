"""GET /metrics read by an independent parser (python3-prometheus-client, Debian's), against a
node that transcoded and was paid: go-livepeer's names, types, labels and histogram buckets
(doc/ops.md 4), so dashboards built for go-livepeer read Baton, plus Baton's ticket-ledger
series, which must agree with the ledger itself (GET /tickets)."""
import json
import os
import re
import sys
import unittest

from prometheus_client.parser import text_string_to_metric_families

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baton_process import parse_args  # noqa: E402
from paid_node import start_paid_node, stream  # noqa: E402

ARGS = None

TRANSCODE_TIME_BUCKETS = [.25, .5, .75, 1, 1.25, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 10]
TRANSCODE_SCORE_BUCKETS = [.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 10, 15, 20, 40]

# name as exported -> (type, labels beyond node_id/node_type the series carry)
EXPECTED = {
    "livepeer_max_sessions_total": ("gauge", set()),
    "livepeer_current_sessions_total": ("gauge", set()),
    "livepeer_segment_transcoded_total": ("counter", {"profiles", "trusted", "verified"}),
    "livepeer_transcode_time_seconds": ("histogram", {"profiles", "trusted", "verified"}),
    "livepeer_transcode_score": ("histogram", {"profiles", "trusted", "verified"}),
    "livepeer_mil_pixels_processed": ("counter", set()),
    "livepeer_ticket_value_recv": ("counter", set()),
    "livepeer_tickets_recv": ("counter", set()),
    "livepeer_winning_tickets_recv": ("counter", set()),
    "livepeer_value_redeemed": ("counter", set()),
    "livepeer_ticket_redemption_errors": ("counter", set()),
    "livepeer_transcoding_price": ("gauge", set()),
    "livepeer_gateway_ticket_face_value": ("gauge", {"sender"}),
    "livepeer_gateway_max_float": ("gauge", {"sender"}),
    "baton_ticket_ledger_tickets": ("gauge", {"state"}),
    "baton_ticket_ledger_face_value_gwei": ("gauge", {"state"}),
    "baton_ticket_face_value_waiting_gwei": ("gauge", set()),
}
# Defined (TYPE line) even before their first sample.
DEFINED_ONLY = {"livepeer_payment_recv_errors": "counter",
                "baton_redemption_gas_used_total": "counter",
                "baton_redemption_gas_cost_gwei_total": "counter"}


def get(node, path):
    return node.cli_get(path, timeout=10)[1]


class MetricsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.node = start_paid_node(ARGS.baton)
        cls.summary = stream(ARGS.gateway, cls.node, seconds=16)
        text = get(cls.node, "/metrics")
        cls.text = text
        cls.families = {}
        cls.samples = {}
        for family in text_string_to_metric_families(text):
            for s in family.samples:
                cls.samples.setdefault(s.name, []).append(s)
            cls.families[family.name] = family
        cls.tickets = json.loads(get(cls.node, "/tickets?limit=0"))

    @classmethod
    def tearDownClass(cls):
        cls.node.stop()

    def family(self, exported):
        # The parser names a counter family without its _total suffix.
        for name in (exported, exported[:-len("_total")] if exported.endswith("_total") else None):
            if name in self.families:
                return self.families[name]
        self.fail(f"{exported} missing; families: {sorted(self.families)}")

    def test_names_types_and_labels(self):
        for name, (typ, labels) in EXPECTED.items():
            f = self.family(name)
            self.assertEqual(f.type, typ, name)
            self.assertTrue(f.samples, f"{name} has no samples")
            for s in f.samples:
                keys = set(s.labels) - {"le"}
                self.assertEqual(keys, {"node_id", "node_type"} | labels, f"{name}: {s}")
                self.assertEqual(s.labels["node_type"], "orch", name)
                self.assertTrue(s.labels["node_id"], name)
        for name, typ in DEFINED_ONLY.items():
            self.assertEqual(self.family(name).type, typ, name)

    def test_versions_has_no_node_id(self):
        [s] = self.family("livepeer_versions").samples
        self.assertEqual(set(s.labels),
                         {"node_type", "compiler", "goos", "goversion", "livepeerversion"})
        self.assertEqual(s.value, 1)

    def test_histogram_buckets_are_go_livepeers(self):
        for name, bounds in (("livepeer_transcode_time_seconds", TRANSCODE_TIME_BUCKETS),
                             ("livepeer_transcode_score", TRANSCODE_SCORE_BUCKETS)):
            buckets = [s for s in self.family(name).samples if s.name == name + "_bucket"]
            les = [float(s.labels["le"]) for s in buckets]
            self.assertEqual(les, bounds + [float("inf")], name)
            counts = [s.value for s in buckets]
            self.assertEqual(counts, sorted(counts), f"{name} buckets are cumulative")

    def test_values_follow_the_work_and_the_ledger(self):
        ok = self.summary["ok"]
        self.assertGreater(ok, 0)
        [segments] = self.family("livepeer_segment_transcoded_total").samples
        self.assertEqual(segments.value, ok)
        self.assertEqual(segments.labels["profiles"], "P144p30fps16x9")
        count = [s for s in self.family("livepeer_transcode_time_seconds").samples
                 if s.name.endswith("_count")][0]
        self.assertEqual(count.value, ok)
        [pixels] = self.family("livepeer_mil_pixels_processed").samples
        self.assertAlmostEqual(pixels.value, self.summary["pixels"] / 1e6, places=3)
        [price] = self.family("livepeer_transcoding_price").samples
        self.assertEqual(price.value, 25000000)  # -pricePerUnit, 1 pixel per unit
        [tickets] = self.family("livepeer_tickets_recv").samples
        self.assertEqual(tickets.value, self.summary["tickets"])
        counts = self.tickets["counts"]
        [winners] = self.family("livepeer_winning_tickets_recv").samples
        self.assertEqual(winners.value, counts["total"])
        by_state = {s.labels["state"]: s.value
                    for s in self.family("baton_ticket_ledger_tickets").samples}
        self.assertEqual(by_state, {k: counts[k] for k in
                                    ("queued", "submitted", "redeemed", "failed", "expired")})
        [face] = self.family("livepeer_gateway_ticket_face_value").samples
        self.assertEqual(face.value, 2000000000000000 / 1e9)  # -maxFaceValue caps it
        if self.tickets["tickets"]:
            self.assertEqual(face.labels["sender"], self.tickets["tickets"][0]["sender"])
        [max_float] = self.family("livepeer_gateway_max_float").samples
        self.assertGreaterEqual(max_float.value, face.value)
        [waiting] = self.family("baton_ticket_face_value_waiting_gwei").samples
        expected = (int(self.tickets["faceValues"]["queued"]) +
                    int(self.tickets["faceValues"]["submitted"])) / 1e9
        self.assertAlmostEqual(waiting.value, expected, places=3)
        print(f"metrics: {ok} segments, {self.summary['tickets']} tickets sent, "
              f"{counts['total']} winning, {waiting.value} gwei waiting", file=sys.stderr)

    def test_grafana_dashboard_reads_only_exported_series(self):
        path = os.path.join(ARGS.source, "packaging/grafana/baton.json")
        with open(path) as f:
            dashboard = json.load(f)
        defined = set(re.findall(r"^# TYPE (\S+) ", self.text, re.M))
        used = set()
        for panel in dashboard["panels"]:
            for target in panel.get("targets", []):
                for name in re.findall(r"\b((?:livepeer|baton)_[a-z0-9_]+)", target["expr"]):
                    used.add(re.sub(r"_(bucket|sum|count)$", "", name)
                             if name.endswith("_bucket") else name)
        self.assertGreater(len(used), 15)
        self.assertEqual(used - defined, set(), "dashboard series the node does not export")


if __name__ == "__main__":
    ARGS, argv = parse_args("baton", "gateway",
                            source=os.path.join(os.path.dirname(__file__), "../.."))
    unittest.main(argv=argv)
