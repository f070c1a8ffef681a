"""Unit tests for the conftest-mirroring helpers of opa_conftest.py."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import opa_conftest as oc  # noqa: E402


class RuleNames(unittest.TestCase):
    def test_module_info(self):
        src = (
            "package a.b\n\nimport rego.v1\n\n"
            "deny contains m if { m := 1 }\n"
            "default warn_x := false\n"
            "violation_y[k] := v if { k := 1; v := 2 }\n"
            "deny.ref contains 1 if true\n"
            "helper if {\n  deny_inner := 1\n}\n"
        )
        pkg, names, problem = oc.module_info(src)
        self.assertEqual(pkg, "a.b")
        self.assertEqual(names, ["deny", "warn_x", "violation_y", "helper"])
        self.assertIsNone(problem)

    def test_problematic_if(self):
        _, names, problem = oc.module_info("package main\nimport rego.v1\n\ndeny[msg] if {\n  msg := 1\n}\n")
        self.assertEqual(names, [])
        self.assertIn("line 4", problem)

    def test_regexes(self):
        for ok in ("deny", "deny_a", "deny_a_b9", "violation", "violation_X"):
            self.assertTrue(oc.FAILURE_RE.match(ok), ok)
        for no in ("denyx", "deny_", "deny__a", "Deny", "violations", "deny-a"):
            self.assertFalse(oc.FAILURE_RE.match(no), no)
        self.assertTrue(oc.WARNING_RE.match("warn_a1"))
        self.assertFalse(oc.WARNING_RE.match("warning"))

    def test_remove_rule_prefix(self):
        self.assertEqual(oc.remove_rule_prefix("deny"), "")
        self.assertEqual(oc.remove_rule_prefix("warn_latest"), "latest")
        self.assertEqual(oc.remove_rule_prefix("violation_deny_x"), "x")
        self.assertEqual(oc.remove_rule_prefix("deny_foo_bar"), "foo_bar")


class Check(unittest.TestCase):
    def run_check(self, src, doc, rules):
        e = oc.OpaEngine()
        e.print_handler = lambda m, l: None
        e.add_policy("p.rego", src)
        entry = {"failures": [], "warnings": [], "exceptions": []}
        oc.check(e, "main", rules, doc, entry)
        return entry

    def test_values(self):
        src = (
            "package main\nimport rego.v1\n"
            'deny contains x if some x in ["m", "", 1, null, ["a"], {"msg": "o", "fix": "f"}, {"msg": ""}]\n'
            'warn := ["w", 2]\n'
            "violation := true\n"
        )
        got = self.run_check(src, {}, ["deny", "violation", "warn"])
        self.assertEqual(
            got["failures"], [{"rule": "deny", "value": "m"}, {"rule": "deny", "value": {"msg": "o", "fix": "f"}}]
        )
        self.assertEqual(got["warnings"], [{"rule": "warn", "value": "w"}])

    def test_object_without_msg_is_an_error(self):
        with self.assertRaises(oc.CaseError):
            self.run_check('package main\nimport rego.v1\ndeny contains {"m": 1} if true\n', {}, ["deny"])

    def test_exception_even_if_rule_does_not_fire(self):
        src = (
            "package main\nimport rego.v1\n"
            'deny_a contains "a" if input.x\n'
            'warn_a contains "w" if true\n'
            'exception contains ["a"] if true\n'
        )
        got = self.run_check(src, {"x": False}, ["deny_a", "warn_a"])
        self.assertEqual(got["exceptions"], ["deny_a", "warn_a"])
        self.assertEqual(got["failures"] + got["warnings"], [])


class Documents(unittest.TestCase):
    def test_yaml_like_sigs_yaml(self):
        import tempfile

        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            f.write("a: 2024-01-02\nb: !Ref X\n1: one\n---\n---\nc: yes\n")
        try:
            docs = oc.load_docs(f.name)
        finally:
            os.unlink(f.name)
        self.assertEqual(docs, [{"a": "2024-01-02", "b": "X", "1": "one"}, {"c": True}])

    def test_dump_is_json(self):
        import json

        v = {"b": [1, {"x": "é"}], "a": None, "c": []}
        self.assertEqual(json.loads(oc.dump(v)), v)
        self.assertEqual(json.loads(oc.dump([1, [2]])), [1, [2]])


if __name__ == "__main__":
    unittest.main()


class ConftestNumbers(unittest.TestCase):
    """Go's strconv.FormatFloat(f, 'g', -1, 64), as conftest's inputs reach OPA."""

    def test_go_g_format(self):
        cases = {
            1.0: "1", 1000000: "1e+06", 123456: "123456", 1234567: "1.234567e+06",
            0.0001: "0.0001", 0.00001: "1e-05", 1.5: "1.5", -0.0: "-0", -2.5e-7: "-2.5e-07",
            2**53: "9.007199254740992e+15", 1e21: "1e+21",
        }
        for value, text in cases.items():
            self.assertEqual(oc.go_format_float(value), text, value)

    def test_input_json_keeps_structure(self):
        self.assertEqual(
            oc.conftest_input_json({"a": [1, 2.0, True, None, "x"], "b": {"c": 1000000}}),
            '{"a":[1,2,true,null,"x"],"b":{"c":1e+06}}',
        )
