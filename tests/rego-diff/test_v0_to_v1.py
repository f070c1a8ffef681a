"""Unit tests for v0_to_v1.convert (one case per construct).

Each case checks the exact rewritten text; when the OPA bindings are
installed, the result is also parsed by OPA (Rego v1 only) and, for the
evaluating cases, its value compared to the expected document.
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from v0_to_v1 import convert  # noqa: E402

try:
    from opa_bindings import OpaEngine
except ImportError:  # pragma: no cover
    OpaEngine = None

PKG = "package t\n\n"


class ConvertTest(unittest.TestCase):
    def check(self, src, want, value=None, inp=None):
        got = convert(PKG + src)
        self.assertEqual(got, PKG + want)
        if OpaEngine is None:
            return
        e = OpaEngine()
        e.print_handler = lambda m, l: None
        e.add_policy("t.rego", got)  # raises on a v1 parse error
        if value is not None:
            rs = e.eval_query("x := data.t", inp)
            self.assertEqual(rs[0]["x"], value)

    def test_partial_set(self):
        self.check(
            'deny[msg] {\n  input.a\n  msg := "m"\n}\n',
            'deny contains msg if {\n  input.a\n  msg := "m"\n}\n',
            {"deny": ["m"]},
            {"a": True},
        )

    def test_partial_set_object_key(self):
        self.check(
            'violation[{"msg": msg, "details": {}}] { msg := "v" }\n',
            'violation contains {"msg": msg, "details": {}} if { msg := "v" }\n',
            {"violation": [{"msg": "v", "details": {}}]},
        )

    def test_partial_set_without_body(self):
        self.check('warn["constant"]\n', 'warn contains "constant"\n', {"warn": ["constant"]})

    def test_partial_object(self):
        self.check(
            'labels[k] = v { v := input.l[k] }\n',
            'labels[k] = v if { v := input.l[k] }\n',
            {"labels": {"a": "b"}},
            {"l": {"a": "b"}},
        )

    def test_complete_rule_eq(self):
        self.check('name = n { n := "x" }\n', 'name = n if { n := "x" }\n', {"name": "x"})

    def test_complete_rule_assign(self):
        self.check('name := n { n := "x" }\n', 'name := n if { n := "x" }\n', {"name": "x"})

    def test_boolean_rule(self):
        self.check("ok {\n  true\n}\n", "ok if {\n  true\n}\n", {"ok": True})

    def test_boolean_rule_no_space(self):
        self.check("ok{ true }\n", "ok if { true }\n", {"ok": True})

    def test_object_value_then_body(self):
        self.check('o = {"a": 1} { true }\n', 'o = {"a": 1} if { true }\n', {"o": {"a": 1}})

    def test_value_without_body(self):
        self.check('o = {\n  "a": 1\n}\n', 'o = {\n  "a": 1\n}\n', {"o": {"a": 1}})

    def test_function_with_value(self):
        self.check(
            "f(x) = y { y := x + 1 }\np = f(1)\n",
            "f(x) = y if { y := x + 1 }\np = f(1)\n",
            {"p": 2},
        )

    def test_boolean_function(self):
        self.check("g(x) { x > 1 }\np { g(2) }\n", "g(x) if { x > 1 }\np if { g(2) }\n", {"p": True})

    def test_default(self):
        self.check("default allow = false\n", "default allow = false\n", {"allow": False})

    def test_else_chain(self):
        self.check(
            'l = "hi" {\n  input.x > 10\n} else = "mid" {\n  input.x > 5\n} else = "lo"\n',
            'l = "hi" if {\n  input.x > 10\n} else = "mid" if {\n  input.x > 5\n} else = "lo"\n',
            {"l": "mid"},
            {"x": 7},
        )

    def test_else_without_value_on_next_line(self):
        self.check(
            "f {\n  input.a\n}\nelse {\n  input.b\n}\n",
            "f if {\n  input.a\n}\nelse if {\n  input.b\n}\n",
            {"f": True},
            {"b": True},
        )

    def test_body_brace_on_next_line(self):
        self.check("p = 1\n{\n  true\n}\n", "p = 1\nif {\n  true\n}\n", {"p": 1})

    def test_comments_and_strings_untouched(self):
        src = '# deny[msg] { x }\ns = "deny[x] {" # p {\nr = `raw { y`\n'
        self.check(src, src, {"s": "deny[x] {", "r": "raw { y"})

    def test_imports_kept(self):
        self.check(
            "import future.keywords.in\nimport data.lib\np { 1 in [1] }\n",
            "import future.keywords.in\nimport data.lib\np if { 1 in [1] }\n",
        )

    def test_already_v1_untouched(self):
        src = "import rego.v1\ndeny contains m if { m := 1 }\np if { true }\n"
        self.check(src, src, {"deny": [1], "p": True})

    def test_contains_without_if(self):
        self.check(
            "import future.keywords.contains\ndeny contains m { m := 1 }\n",
            "import future.keywords.contains\ndeny contains m if { m := 1 }\n",
            {"deny": [1]},
        )

    def test_multiline_key(self):
        self.check(
            'deny[{\n  "msg": m,\n}] {\n  m := "x"\n}\n',
            'deny contains {\n  "msg": m,\n} if {\n  m := "x"\n}\n',
            {"deny": [{"msg": "x"}]},
        )

    def test_line_numbers_preserved(self):
        src = "a { true }\n\nb[x] {\n  x := 1\n}\n"
        self.assertEqual(convert(src).count("\n"), src.count("\n"))


if __name__ == "__main__":
    unittest.main()
