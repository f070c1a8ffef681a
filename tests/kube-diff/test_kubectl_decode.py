#!/usr/bin/env python3
"""Unit tests for the kubectl_decode.py normaliser (no kubectl needed).

    python3 -m unittest tests/kube-diff/test_kubectl_decode.py
"""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kubectl_decode as kd  # noqa: E402

PROBE = {"pushgate-diff-probe": "1"}


def cm(name="x", **meta):
    m = {"name": name}
    m.update(meta)
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": m}


class StripProbe(unittest.TestCase):
    def test_removes_label_and_empty_labels(self):
        o = cm(labels=dict(PROBE))
        self.assertEqual(kd.strip_probe(o), cm())

    def test_keeps_other_labels(self):
        o = cm(labels={"app": "web", **PROBE})
        self.assertEqual(kd.strip_probe(o), cm(labels={"app": "web"}))

    def test_drops_metadata_that_kubectl_created(self):
        o = {"apiVersion": "v1", "kind": "List", "metadata": {"labels": dict(PROBE)}}
        self.assertEqual(kd.strip_probe(o), {"apiVersion": "v1", "kind": "List"})

    def test_keeps_metadata_with_other_fields(self):
        o = {"kind": "X", "metadata": {"namespace": "n", "labels": dict(PROBE)}}
        self.assertEqual(kd.strip_probe(o), {"kind": "X", "metadata": {"namespace": "n"}})

    def test_leaves_probe_with_other_value(self):
        o = cm(labels={"pushgate-diff-probe": "2"})
        self.assertEqual(kd.strip_probe(o), cm(labels={"pushgate-diff-probe": "2"}))

    def test_no_metadata_or_odd_shapes(self):
        self.assertEqual(kd.strip_probe({"kind": "X"}), {"kind": "X"})
        self.assertEqual(kd.strip_probe({"kind": "X", "metadata": None}), {"kind": "X", "metadata": None})
        self.assertEqual(kd.strip_probe("scalar"), "scalar")

    def test_empty_labels_input_is_a_known_blind_spot(self):
        # input `labels: {}` -> kubectl adds the probe -> we remove it and drop
        # the empty map: the result equals an input without labels.
        self.assertEqual(kd.strip_probe(cm(labels=dict(PROBE))), cm())


class ListDetection(unittest.TestCase):
    WRAP = {"apiVersion": "v1", "kind": "List", "items": [], "metadata": {"resourceVersion": ""}}

    def test_wrapper(self):
        self.assertTrue(kd.is_list_wrapper(dict(self.WRAP)))

    def test_real_list_objects_are_not_wrappers(self):
        self.assertFalse(kd.is_list_wrapper({**self.WRAP, "metadata": {"resourceVersion": "", "name": "l"}}))
        self.assertFalse(kd.is_list_wrapper({**self.WRAP, "kind": "ConfigMapList"}))
        self.assertFalse(kd.is_list_wrapper({**self.WRAP, "apiVersion": "example.com/v1"}))
        self.assertFalse(kd.is_list_wrapper({**self.WRAP, "items": None}))
        self.assertFalse(kd.is_list_wrapper({**self.WRAP, "extra": 1}))
        # what kubectl prints for an input `kind: List` without items
        self.assertFalse(kd.is_list_wrapper({"apiVersion": "v1", "kind": "List", "metadata": {"labels": PROBE}}))
        self.assertFalse(kd.is_list_wrapper(["not", "a", "map"]))

    def test_normalise_wrapper(self):
        out = json.dumps({**self.WRAP, "items": [cm("a", labels=PROBE), cm("b", labels=PROBE)]}, indent=4)
        self.assertEqual(kd.normalise(out), [cm("a"), cm("b")])

    def test_normalise_stream(self):
        # `kubectl label -o json` prints one JSON value per object, back to back
        out = json.dumps(cm("a", labels=PROBE), indent=4) + "\n" + json.dumps(cm("b", labels=PROBE), indent=4) + "\n"
        self.assertEqual(kd.normalise(out), [cm("a"), cm("b")])

    def test_normalise_single_and_empty(self):
        self.assertEqual(kd.normalise(json.dumps(cm("a", labels=PROBE))), [cm("a")])
        self.assertEqual(kd.normalise(""), [])
        self.assertEqual(kd.normalise("\n  \n"), [])

    def test_stream_then_wrapper_keeps_order(self):
        out = json.dumps(cm("a", labels=PROBE)) + json.dumps({**self.WRAP, "items": [cm("b", labels=PROBE)]})
        self.assertEqual(kd.normalise(out), [cm("a"), cm("b")])


class Numbers(unittest.TestCase):
    def test_numbers_keep_their_text(self):
        text = '{"a": 18446744073709552000, "b": 1.2345678901234568e+29, "c": -0, "d": 1e-07, "e": 9007199254740993}'
        doc = kd.loads(text)
        self.assertEqual(doc["a"], kd.Num("18446744073709552000"))
        self.assertEqual(kd.dumps(doc).replace("\n", "").replace(" ", ""), text.replace(" ", ""))

    def test_stream_numbers(self):
        docs = kd.loads_stream('{"v": 1.0}\n{"v": 100000000000000000000}')
        self.assertEqual([d["v"].text for d in docs], ["1.0", "100000000000000000000"])

    def test_dumps_refuses_python_floats(self):
        with self.assertRaises(TypeError):
            kd.dumps({"v": 1.5})

    def test_num_is_not_a_string(self):
        self.assertNotEqual(kd.Num("1"), "1")
        self.assertNotEqual(kd.Num("1"), kd.Num("1.0"))


class Serialiser(unittest.TestCase):
    def test_sorted_indented_ascii(self):
        self.assertEqual(kd.dumps({"status": "ok", "objects": [{"b": True, "a": None, "é": "ü\u2028"}]}),
                         '{\n  "objects": [\n    {\n      "a": null,\n      "b": true,\n'
                         '      "\\u00e9": "\\u00fc\\u2028"\n    }\n  ],\n  "status": "ok"\n}')

    def test_empty_containers(self):
        self.assertEqual(kd.dumps({"a": {}, "b": []}), '{\n  "a": {},\n  "b": []\n}')

    def test_round_trip_is_stable(self):
        text = kd.dumps({"objects": [kd.loads('{"x": [1, 2.50, {"y": -0.0}]}')], "status": "ok"})
        self.assertEqual(kd.dumps(kd.loads(text)), text)


class ErrorCleaning(unittest.TestCase):
    TMP = "/tmp/kube-diff-abc123/bad.yaml"
    REL = "edge/docs/bad.yaml"

    def test_parse_error(self):
        err = ("error: error parsing /tmp/kube-diff-abc123/bad.yaml: error converting YAML to JSON: "
               "yaml: line 6: did not find expected node content\n")
        self.assertEqual(kd.clean_error(err, self.TMP, self.REL),
                         "error: error parsing edge/docs/bad.yaml: error converting YAML to JSON: "
                         "yaml: line 6: did not find expected node content")

    def test_decode_error_quoted_path(self):
        err = 'error: unable to decode "/tmp/kube-diff-abc123/bad.yaml": Object \'Kind\' is missing in \'{}\'\n'
        self.assertEqual(kd.clean_error(err, self.TMP, self.REL),
                         'error: unable to decode "edge/docs/bad.yaml": Object \'Kind\' is missing in \'{}\'')

    def test_first_non_empty_line_only(self):
        err = "\n\nerror: first\nsecond line\n"
        self.assertEqual(kd.clean_error(err, self.TMP, self.REL), "error: first")

    def test_bare_temp_dir_is_replaced_too(self):
        err = "error: something in /tmp/kube-diff-abc123 happened"
        self.assertEqual(kd.clean_error(err, self.TMP, self.REL), "error: something in edge/docs happened")

    def test_empty_stderr(self):
        self.assertEqual(kd.clean_error("", self.TMP, self.REL), "")


class Selection(unittest.TestCase):
    FILES = ["edge/int/a.yaml", "edge/json/b.json", "real/istio/samples/x.yaml"]

    def test_globs_and_prefixes(self):
        self.assertEqual(kd.select(self.FILES, []), self.FILES)
        self.assertEqual(kd.select(self.FILES, ["edge/*"]), self.FILES[:2])
        self.assertEqual(kd.select(self.FILES, ["*.json"]), ["edge/json/b.json"])
        self.assertEqual(kd.select(self.FILES, ["real/istio"]), ["real/istio/samples/x.yaml"])
        self.assertEqual(kd.select(self.FILES, ["edge/json/"]), ["edge/json/b.json"])


class CorpusInSync(unittest.TestCase):
    """Every corpus file has a stored expectation and vice versa (cheap, no kubectl)."""

    def test_expected_files_exist(self):
        files = kd.corpus_files()
        self.assertGreaterEqual(len(files), 500)
        missing = [f for f in files if not os.path.exists(kd.expected_path(f))]
        self.assertEqual(missing, [])
        self.assertEqual(kd.stale_expected(files), [])

    def test_expected_files_are_canonical(self):
        for f in kd.corpus_files():
            with open(kd.expected_path(f), encoding="ascii") as fh:
                text = fh.read()
            doc = kd.loads(text)
            self.assertIn(doc["status"], ("ok", "error", "nondeterministic"), f)
            self.assertEqual(doc["status"] == "nondeterministic", f in kd.NONDETERMINISTIC, f)
            self.assertEqual(kd.dumps(doc) + "\n", text, f)


if __name__ == "__main__":
    unittest.main()
