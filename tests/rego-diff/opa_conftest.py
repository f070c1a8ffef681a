#!/usr/bin/env python3
"""Differential-test oracle: evaluate every case under cases/ the way
`conftest test` does, with OPA's Go engine (opa-golib-python-bindings).

    python3 opa_conftest.py --write [CASE...]   # regenerate inputs.json + expected.json
    python3 opa_conftest.py --check [CASE...]   # recompute and compare, exit 1 on mismatch

CASE arguments are case names or shell globs (``gk-*``).  See README.md for
the conftest semantics mirrored here.
"""

import argparse
import datetime
import tomllib
import decimal
import math
import difflib
import fnmatch
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import yaml  # noqa: E402

from v0_to_v1 import convert, tokenize, _statements  # noqa: E402

from opa_bindings import OpaEngine, OpaError, OpaUndefinedError  # noqa: E402
import opa_bindings.engine as _opa_engine  # noqa: E402

CASES = os.path.join(HERE, "cases")
PKG_VERSION = "0.4.4"

# conftest policy/engine.go
WARNING_RE = re.compile(r"^warn(_[a-zA-Z0-9]+)*$")
FAILURE_RE = re.compile(r"^(deny|violation)(_[a-zA-Z0-9]+)*$")


def stable_error(text):
    """OPA lists several compile errors in Go map order (two recursion
    errors for one cycle come either way round): sorted, the stored
    verdict is the same on every run."""
    head, sep, rest = text.partition(" errors occurred:\n")
    if not sep:
        return text
    return head + sep + "\n".join(sorted(rest.split("\n")))


_ENGINE_NAME = []


def engine_name():
    if _ENGINE_NAME:
        return _ENGINE_NAME[0]
    try:
        from importlib.metadata import version

        ver = version("opa-golib-python-bindings")
    except Exception:  # pragma: no cover
        ver = PKG_VERSION
    _ENGINE_NAME.append("opa via opa-golib-python-bindings %s (OPA %s)" % (ver, opa_version()))
    return _ENGINE_NAME[0]


def opa_version():
    """The OPA module version compiled into the bridge library."""
    import opa_bindings

    so = os.path.join(os.path.dirname(opa_bindings.__file__), "libopabridge.so")
    try:
        with open(so, "rb") as f:
            blob = f.read()
        m = re.search(rb"\tgithub\.com/open-policy-agent/opa\t(v[0-9][^\t\s]*)", blob)
        if m:
            return m.group(1).decode()
    except OSError:
        pass
    return "unknown"


# ---------------------------------------------------------------- YAML/JSON


class _Loader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver: like sigs.k8s.io/yaml,
    dates stay strings (conftest converts YAML to JSON)."""


def _construct_unknown_tag(loader, suffix, node):
    # go-yaml (behind sigs.k8s.io/yaml) ignores application tags such as
    # CloudFormation's !Ref and decodes the node as if untagged
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


_Loader.add_multi_constructor("!", _construct_unknown_tag)

_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _jsonify(v):
    if isinstance(v, dict):
        return {_key(k): _jsonify(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonify(x) for x in v]
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        raise ValueError("NaN/Inf is not representable in JSON")
    if isinstance(v, bytes):
        raise ValueError("binary YAML values are not supported")
    return v


def go_format_float(f):
    """strconv.FormatFloat(f, 'g', -1, 64): the text OPA gives a number
    conftest hands it. conftest decodes every document with encoding/json
    into float64 and OPA's InterfaceToValue formats it this way, so in
    conftest `replicas: 1000000` is the Number 1e+06 (json.marshal shows it)."""
    f = float(f)
    if f == 0:
        return "-0" if math.copysign(1.0, f) < 0 else "0"
    t = decimal.Decimal(repr(abs(f))).normalize().as_tuple()
    digits = "".join(map(str, t.digits))
    nd = len(digits)
    dp = nd + t.exponent
    exp = dp - 1
    if exp < -4 or exp >= 6:
        body = digits[0] + ("." + digits[1:] if nd > 1 else "")
        text = "%se%s%02d" % (body, "-" if exp < 0 else "+", abs(exp))
    elif dp <= 0:
        text = "0." + "0" * (-dp) + digits
    elif dp >= nd:
        text = digits + "0" * (dp - nd)
    else:
        text = digits[:dp] + "." + digits[dp:]
    return ("-" if f < 0 else "") + text


def conftest_input_json(v):
    """JSON text of an input document with its numbers as conftest's."""
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + conftest_input_json(x) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ",".join(conftest_input_json(x) for x in v) + "]"
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (int, float)):
        return go_format_float(v)
    raise TypeError("not JSON: %r" % (v,))


# Inputs reach OPA as conftest hands them over (see go_format_float); data
# documents keep their text, as OPA's own loader does for conftest --data.
_opa_engine._encode_input = lambda v: b"" if v is None else conftest_input_json(v).encode("utf-8")


def _toml_dates(v):
    if isinstance(v, dict):
        return {k: _toml_dates(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_toml_dates(x) for x in v]
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return v.isoformat()
    return v


def _key(k):
    if isinstance(k, str):
        return k
    if isinstance(k, bool):
        return "true" if k else "false"
    if k is None:
        return "null"
    return str(k)


def load_docs(path):
    """All documents of a YAML/JSON file (empty/null YAML documents skipped)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith(".json"):
        return [json.loads(text)]
    if path.endswith(".toml"):
        # conftest: BurntSushi/toml, then JSON (date-times as RFC 3339 text).
        return [_jsonify(_toml_dates(tomllib.loads(text)))]
    return [_jsonify(d) for d in yaml.load_all(text, Loader=_Loader) if d is not None]


def walk(root, exts):
    """Files under root with one of exts, as sorted '/'-separated relpaths."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fn in sorted(filenames):
            if fn.endswith(exts):
                out.append(os.path.relpath(os.path.join(dirpath, fn), root).replace(os.sep, "/"))
    return sorted(out)


def canon(v):
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# ---------------------------------------------------------------- rules


def module_info(src):
    """(package, [rule head names], problematic_if) from a v1 module's text.

    Mirrors conftest's use of module.Package.Path and Rule.Head.Name: a rule
    named by a single identifier (``deny``, ``deny contains``, ``default
    deny``, ``deny[k] = v``); ref heads ``a.b`` have no Head.Name and are
    not collected. ``problematic_if`` flags a ``deny[x] if`` head (no
    ``contains``), which conftest rejects at load time.
    """
    pkg = None
    names = []
    problem = None
    for st in _statements(tokenize(src)):
        toks = st.toks
        if not toks or toks[0][0] != "ident":
            continue
        first = toks[0][1]
        if first == "package":
            pkg = "".join(t[1] for t in toks[1:])
            pkg = re.sub(r'\["([A-Za-z_][A-Za-z0-9_]*)"\]', r".\1", pkg)
            continue
        if first == "import":
            continue
        i = 0
        if first == "default" and len(toks) > 1:
            i = 1
        name = toks[i][1]
        nxt = toks[i + 1][1] if i + 1 < len(toks) else None
        if nxt == ".":
            continue  # ref head: Head.Name is empty
        if nxt == "[":
            # find the token after the bracket group
            d0 = toks[i + 1][3]
            j = i + 2
            while j < len(toks) and not (toks[j][1] == "]" and toks[j][3] == d0 + 1):
                j += 1
            after = toks[j + 1][1] if j + 1 < len(toks) else None
            if after == "if" and (FAILURE_RE.match(name) or WARNING_RE.match(name)):
                problem = "rule in %s at line %d" % (name, src.count("\n", 0, toks[i][2]) + 1)
            if after not in ("=", ":="):
                continue  # `deny[x] if` is a ref head without Head.Name
        names.append(name)
    return pkg, names, problem


def remove_rule_prefix(rule):
    if rule in ("violation", "deny", "warn"):
        return ""
    for p in ("violation_", "deny_", "warn_"):
        if rule.startswith(p):
            rule = rule[len(p):]
    return rule


# ---------------------------------------------------------------- cases


class CaseError(Exception):
    pass


def load_policies(case_dir):
    """[(relpath, source_for_opa, version)] or raise CaseError."""
    pol_root = os.path.join(case_dir, "policy")
    files = walk(pol_root, (".rego",))
    if not files:
        raise CaseError("no policies found in policy/")
    scratch = OpaEngine()
    out = []
    try:
        for rel in files:
            name = "policy/" + rel
            with open(os.path.join(pol_root, rel), encoding="utf-8") as f:
                src = f.read()
            try:
                scratch.add_policy(name, src)
                out.append((name, src, "v1"))
                continue
            except OpaError as e:
                if e.code != "parse_error":
                    raise CaseError("%s: %s" % (name, e))
                first = e
            conv = convert(src)
            try:
                scratch.add_policy(name, conv)
                out.append((name, conv, "v0"))
            except OpaError as e:
                raise CaseError(
                    "%s: parses neither as v1 (%s) nor after v0->v1 rewrite (%s)"
                    % (name, first.message, e.message)
                )
    finally:
        scratch.close()
    return out


def load_data(case_dir):
    """[(dotted prefix, value)] following OPA's loader (see README)."""
    root = os.path.join(case_dir, "data")
    if not os.path.isdir(root):
        return []
    out = []
    for rel in walk(root, (".json", ".yaml", ".yml")):
        parts = rel.split("/")[:-1]
        docs = load_docs(os.path.join(root, rel))
        value = docs[0] if docs else None
        if not parts and not isinstance(value, dict):
            raise CaseError("data/%s: unsupported document type (root must be an object)" % rel)
        out.append((".".join(parts), value, rel))
    return out


def decode_inputs(case_dir):
    root = os.path.join(case_dir, "docs")
    inputs = []
    for rel in walk(root, (".yaml", ".yml", ".json", ".toml")):
        for idx, doc in enumerate(load_docs(os.path.join(root, rel))):
            inputs.append({"file": "docs/" + rel, "index": idx, "doc": doc})
    return inputs


def register_conftest_builtins(engine, case_dir):
    """conftest's custom built-ins (builtins/parse_config.go), so modules
    that call them (mostly _test.rego files) compile as under conftest.
    Only the YAML and JSON parsers are supported; paths are relative to
    the case directory."""

    def parse(parser, content):
        if parser in ("yaml", "yml"):
            docs = [_jsonify(d) for d in yaml.load_all(content, Loader=_Loader)]
            return docs[0] if len(docs) == 1 else docs
        if parser == "json":
            return json.loads(content)
        raise ValueError("parser %r not supported by the harness" % parser)

    def parse_file(path):
        full = os.path.normpath(os.path.join(case_dir, path))
        if not full.startswith(os.path.normpath(case_dir) + os.sep):
            raise ValueError("path outside the case")
        ext = os.path.splitext(full)[1].lstrip(".")
        with open(full, encoding="utf-8") as f:
            return parse(ext, f.read())

    def parse_files(paths):
        return [{"path": p, "contents": parse_file(p)} for p in sorted(paths)]

    engine.register_function("parse_config", parse, arity=2)
    engine.register_function("parse_config_file", parse_file, arity=1)
    engine.register_function("parse_combined_config_files", parse_files, arity=1)


def evaluate_case(case_dir):
    """Return (inputs, expected) for one case directory."""
    with open(os.path.join(case_dir, "case.json"), encoding="utf-8") as f:
        meta = json.load(f)
    inputs = decode_inputs(case_dir)
    if meta.get("combine"):
        combined = [{"path": i["file"], "contents": i["doc"]} for i in inputs]
        runs = [("<combined>", 0, combined)]
    else:
        runs = [(i["file"], i["index"], i["doc"]) for i in inputs]

    case_error = None
    versions = {}
    rules = {}  # namespace -> sorted rule names
    engine = OpaEngine()
    engine.print_handler = lambda m, l: None
    register_conftest_builtins(engine, case_dir)
    try:
        policies = load_policies(case_dir)
        for name, src, ver in policies:
            versions[name] = ver
            engine.add_policy(name, src)
            pkg, names, problem = module_info(src)
            if problem:
                raise CaseError("rule is using 'if' keyword without 'contains' keyword: %s (%s)" % (problem, name))
            bucket = rules.setdefault(pkg, set())
            bucket.update(n for n in names if FAILURE_RE.match(n) or WARNING_RE.match(n))
        for prefix, value, rel in load_data(case_dir):
            try:
                engine.add_data(value, path=prefix)
            except OpaError as e:
                raise CaseError("data/%s: %s" % (rel, e))
    except CaseError as e:
        case_error = stable_error(str(e))

    ns_spec = meta.get("namespaces", ["main"])
    if ns_spec == "all":
        namespaces = sorted(ns for ns, r in rules.items() if r)
    else:
        namespaces = list(ns_spec)

    results = []
    for file, index, doc in runs:
        for ns in namespaces:
            entry = {
                "file": file,
                "index": index,
                "namespace": ns,
                "failures": [],
                "warnings": [],
                "exceptions": [],
                "error": case_error,
            }
            if case_error is None:
                try:
                    check(engine, ns, sorted(rules.get(ns, ())), doc, entry)
                except (OpaError, CaseError) as e:
                    entry["failures"], entry["warnings"], entry["exceptions"] = [], [], []
                    entry["error"] = stable_error(str(e))
            for k in ("failures", "warnings"):
                entry[k].sort(key=lambda r: (r["rule"], canon(r["value"])))
            entry["exceptions"].sort()
            results.append(entry)
    engine.close()
    expected = {
        "engine": engine_name(),
        "case_error": case_error,
        "rego_versions": versions,
        "results": results,
    }
    return inputs, expected


def check(engine, ns, rules, doc, entry):
    """conftest Engine.check for one input and namespace."""
    for rule in rules:
        exc_query = "data.%s.exception[_][_] == %s" % (ns, json.dumps(remove_rule_prefix(rule)))
        excepted = bool(engine.eval_query(exc_query, doc))
        try:
            value = engine.eval_document("%s.%s" % (ns, rule), doc)
        except OpaUndefinedError:
            value = None
        if excepted:
            entry["exceptions"].append(rule)
            continue
        if not isinstance(value, list):  # sets and arrays only
            continue
        bucket = entry["failures"] if FAILURE_RE.match(rule) else entry["warnings"]
        for v in value:
            if isinstance(v, str):
                if v != "":
                    bucket.append({"rule": rule, "value": v})
            elif isinstance(v, dict):
                msg = v.get("msg")
                if not isinstance(msg, str):
                    raise CaseError('new result: "msg" field must be present and a string (rule %s)' % rule)
                if msg != "":
                    bucket.append({"rule": rule, "value": v})
            # numbers, booleans, arrays, null: ignored by conftest


# ---------------------------------------------------------------- CLI


def _line(v):
    return json.dumps(v, sort_keys=True, ensure_ascii=False)


def dump(v):
    """Stable JSON with one list element (document / result) per line."""
    if isinstance(v, list):
        return "[\n" + ",\n".join(_line(x) for x in v) + "\n]\n"
    out = []
    for k in sorted(v):
        x = v[k]
        if isinstance(x, list) and x:
            body = "[\n" + ",\n".join("  " + _line(e) for e in x) + "\n ]"
        else:
            body = _line(x)
        out.append(" %s: %s" % (_line(k), body))
    return "{\n" + ",\n".join(out) + "\n}\n"


def case_names(filters):
    names = sorted(d for d in os.listdir(CASES) if os.path.isfile(os.path.join(CASES, d, "case.json")))
    if filters:
        names = [n for n in names if any(fnmatch.fnmatchcase(n, f) for f in filters)]
    return names


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--write", action="store_true", help="regenerate inputs.json and expected.json")
    g.add_argument("--check", action="store_true", help="recompute and compare with the stored files")
    ap.add_argument("cases", nargs="*", help="case names or globs")
    args = ap.parse_args(argv)

    names = case_names(args.cases)
    if not names:
        print("no cases matched", file=sys.stderr)
        return 2
    passed = failed = 0
    for name in names:
        d = os.path.join(CASES, name)
        try:
            inputs, expected = evaluate_case(d)
        except Exception as e:  # a harness bug or an undecodable document
            print("%s: ERROR %s: %s" % (name, type(e).__name__, e))
            failed += 1
            continue
        want = {"inputs.json": dump(inputs), "expected.json": dump(expected)}
        if args.write:
            for fn, text in want.items():
                with open(os.path.join(d, fn), "w", encoding="utf-8") as f:
                    f.write(text)
            passed += 1
            continue
        bad = False
        for fn, text in want.items():
            p = os.path.join(d, fn)
            have = open(p, encoding="utf-8").read() if os.path.exists(p) else ""
            if have != text:
                if not bad:
                    print("FAIL %s" % name)
                bad = True
                diff = list(
                    difflib.unified_diff(
                        have.splitlines(), text.splitlines(), "stored/" + fn, "computed/" + fn, lineterm="", n=2
                    )
                )
                for line in diff[:80]:
                    print("  " + line)
                if len(diff) > 80:
                    print("  ... (%d more diff lines)" % (len(diff) - 80))
        if bad:
            failed += 1
        else:
            passed += 1
    if args.write:
        print("wrote %d cases" % passed)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
