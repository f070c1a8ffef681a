#!/usr/bin/env python3
"""Generate corpus/edge/: small Kubernetes-looking manifests, each exercising
one YAML/JSON decoding edge case, plus a seeded randomised set under
corpus/edge/random/.

Usage: gen_edge.py            (rewrites corpus/edge/ completely)

Every YAML file starts with a `# tests: ...` comment line (after the BOM, for
the BOM cases). JSON files cannot carry a comment without changing how kubectl
sniffs them, so the description of every file (JSON included) is also written
to corpus/edge/INDEX.md.

Deterministic: the random part uses a fixed seed, so re-running produces the
same bytes.
"""
import os
import random
import re
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
EDGE = os.path.join(os.path.dirname(HERE), "corpus", "edge")

CASES = []  # (relpath, description, bytes)


def _name(path):
    stem = os.path.splitext(path)[0]
    n = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return n[:63].strip("-")


def add(path, desc, body, comment=True):
    """body: str (may contain NAME) or bytes (written as is)."""
    if isinstance(body, str):
        body = body.replace("NAME", _name(path))
        if comment and not path.endswith(".json"):
            body = f"# tests: {desc}\n" + body
        body = body.encode("utf-8")
    CASES.append((path, desc, body))


HDR = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\n"


def cm(path, desc, data, pre=""):
    """ConfigMap whose `data:` block is `data` (already indented 2)."""
    add(path, desc, pre + HDR + "data:\n" + data)


def val(folder, stem, desc, scalar):
    cm(f"{folder}/{stem}.yaml", desc, f"  v: {scalar}\n")


# ---------------------------------------------------------------- merge keys
A = "x-anchors:\n  a: &a {k1: a1, k2: a2}\n  b: &b {k2: b2, k3: b3}\n"
cm("merge/single_map.yaml", "merge key << with a single aliased map", "  <<: *a\n  k9: own\n", A)
cm("merge/inline_map.yaml", "merge key << with an inline (non-alias) flow map", "  <<: {k1: i1, k2: i2}\n  k9: own\n")
cm("merge/seq_of_maps.yaml", "merge key << with a sequence of two aliased maps sharing k2 (first should win)", "  <<: [*a, *b]\n", A)
cm("merge/seq_of_maps_reversed.yaml", "merge key << with [*b, *a] (order of precedence)", "  <<: [*b, *a]\n", A)
cm("merge/seq_alias_and_inline.yaml", "merge key << with a sequence mixing an alias and an inline map", "  <<: [*a, {k2: inline, k4: i4}]\n", A)
cm("merge/before_explicit.yaml", "merge key << before an explicit key that overrides a merged key", "  <<: *a\n  k1: explicit\n", A)
cm("merge/after_explicit.yaml", "merge key << after an explicit key with the same name", "  k1: explicit\n  <<: *a\n", A)
cm("merge/two_merge_keys.yaml", "two << keys in the same mapping", "  <<: *a\n  <<: *b\n", A)
cm("merge/two_merge_keys_then_explicit.yaml", "two << keys then explicit key", "  <<: *b\n  k0: own\n  <<: *a\n", A)
cm("merge/alias_of_merged_map.yaml", "merge of an alias whose map itself contains a merge",
   "  <<: *c\n", "x-anchors:\n  a: &a {k1: a1, k2: a2}\n  c: &c\n    <<: *a\n    k3: c3\n    k1: c1\n")
add("merge/nested.yaml", "merge keys at two nesting levels (spec.template and container)",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: NAME\nx-anchors:\n  c: &c {image: nginx, imagePullPolicy: Always}\n  s: &s {runAsUser: 1000, runAsNonRoot: true}\n"
    "spec:\n  containers:\n  - <<: *c\n    name: web\n    securityContext:\n      <<: *s\n      runAsUser: 2000\n")
add("merge/shallow_not_deep.yaml", "merge is shallow: nested map from merge replaced entirely by explicit key",
    "x-anchors:\n  m: &m\n    metadata:\n      name: from-merge\n      labels: {a: b}\napiVersion: v1\nkind: ConfigMap\n<<: *m\nmetadata:\n  name: NAME\n")
add("merge/overrides_kind.yaml", "top-level << provides kind: Secret, explicit kind: ConfigMap after it",
    "x-anchors:\n  k: &k {kind: Secret, apiVersion: v1}\n<<: *k\nkind: ConfigMap\nmetadata:\n  name: NAME\n")
add("merge/kind_only_from_merge.yaml", "kind and apiVersion come only from a top-level merge",
    "x-anchors:\n  k: &k {kind: ConfigMap, apiVersion: v1}\n<<: *k\nmetadata:\n  name: NAME\n")
add("merge/kind_from_merge_after_explicit.yaml", "explicit kind: Secret, then << with kind: ConfigMap",
    "x-anchors:\n  k: &k {kind: ConfigMap, apiVersion: v1}\nkind: Secret\n<<: *k\nmetadata:\n  name: NAME\n")
cm("merge/quoted_double.yaml", "double-quoted \"<<\" key is a plain string key, not a merge", '  "<<": *a\n', A)
cm("merge/quoted_single.yaml", "single-quoted '<<' key with a scalar value", "  '<<': value\n")
cm("merge/scalar_value.yaml", "<< with a scalar value (not a map)", "  <<: scalar\n")
cm("merge/scalar_alias.yaml", "<< with an alias to a scalar", "  <<: *s\n", "x-anchors:\n  s: &s text\n")
cm("merge/null_value.yaml", "<< with a null value", "  <<: ~\n  k: v\n")
cm("merge/seq_with_scalar.yaml", "<< with a sequence containing a scalar", "  <<: [*a, text]\n", A)
cm("merge/seq_alias.yaml", "<< with an alias to a sequence of maps", "  <<: *l\n",
   "x-anchors:\n  l: &l\n  - {k1: l1}\n  - {k1: l2, k2: l2}\n")
cm("merge/empty_seq.yaml", "<< with an empty sequence", "  <<: []\n  k: v\n")
cm("merge/empty_map.yaml", "<< with an empty map", "  <<: {}\n  k: v\n")
cm("merge/explicit_tag.yaml", "explicitly tagged !!merge << key", "  !!merge <<: *a\n", A)
cm("merge/str_tagged.yaml", "!!str << key (tag forces a string key)", "  !!str <<: *a\n", A)
add("merge/in_sequence_items.yaml", "<< inside maps that are sequence items",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: NAME\nx-anchors:\n  e: &e {name: A, value: '1'}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    env:\n    - <<: *e\n    - <<: *e\n      value: '2'\n")
cm("merge/scalar_item_in_sequence.yaml", "<< as a plain scalar item of a sequence", "  v: [<<, a]\n")
cm("merge/as_value.yaml", "<< as a plain scalar value (not key)", "  v: <<\n")
cm("merge/merge_value_int_keys.yaml", "merged map with non-string (int/bool) keys", "  <<: *n\n",
   "x-anchors:\n  n: &n {1: one, true: yes}\n")
cm("merge/dup_after_merge.yaml", "explicit key duplicated after a merge provided it, plus an explicit duplicate", "  <<: *a\n  k1: first\n  k1: second\n", A)
add("merge/metadata_from_merge.yaml", "whole metadata map comes from a merge",
    "x-anchors:\n  m: &m\n    metadata: {name: NAME, namespace: ns}\napiVersion: v1\nkind: ConfigMap\n<<: *m\n")
cm("merge/flow_map_merge.yaml", "<< inside a flow mapping", "  v: {<<: *a, k1: flow}\n", A)

# ---------------------------------------------------------------- integers
for stem, s, d in [
    ("underscore_zero", "0_0", "YAML 1.1 int with underscore 0_0"),
    ("double_underscore", "1__0", "YAML 1.1 int 1__0"),
    ("leading_underscore", "_1", "_1 (not an int in YAML 1.1?)"),
    ("trailing_underscore", "1_", "1_ (trailing underscore)"),
    ("thousands", "1_000", "YAML 1.1 int 1_000"),
    ("octal_017", "017", "YAML 1.1 octal 017"),
    ("octal_neg", "-017", "negative YAML 1.1 octal -017"),
    ("octal_08", "08", "08: invalid octal digit"),
    ("octal_09", "09", "09: invalid octal digit"),
    ("octal_0o17", "0o17", "YAML 1.2 octal 0o17"),
    ("octal_0o8", "0o8", "0o8 invalid YAML 1.2 octal"),
    ("octal_00", "00", "00"),
    ("octal_underscore", "0_17", "0_17 underscore octal"),
    ("hex", "0x1F", "hex 0x1F"),
    ("hex_lower", "0x1f", "hex 0x1f"),
    ("hex_neg", "-0x1F", "negative hex -0x1F"),
    ("hex_plus", "+0x1F", "+0x1F"),
    ("hex_underscore", "0x_1F", "hex with underscore 0x_1F"),
    ("hex_invalid", "0xG", "0xG not hex"),
    ("hex_int64_overflow", "0x8000000000000000", "hex beyond int64"),
    ("hex_uint64_overflow", "0x10000000000000000", "hex beyond uint64"),
    ("binary", "0b101", "binary 0b101"),
    ("binary_neg", "-0b1", "negative binary -0b1"),
    ("binary_invalid", "0b2", "0b2 not binary"),
    ("plus", "+12", "explicit plus sign +12"),
    ("minus_zero", "-0", "-0 integer"),
    ("plus_zero", "+0", "+0 integer"),
    ("zero", "0", "0"),
    ("int64_max", "9223372036854775807", "int64 max"),
    ("int64_min", "-9223372036854775808", "int64 min"),
    ("int64_max_plus1", "9223372036854775808", "int64 max + 1 (fits uint64)"),
    ("uint64_max", "18446744073709551615", "uint64 max"),
    ("uint64_max_plus1", "18446744073709551616", "uint64 max + 1"),
    ("int64_min_minus1", "-9223372036854775809", "int64 min - 1"),
    ("huge", "123456789012345678901234567890", "30-digit integer"),
    ("huge_neg", "-123456789012345678901234567890", "negative 30-digit integer"),
    ("int_2p53_plus1", "9007199254740993", "2^53+1 (not exactly representable as float64)"),
    ("sexagesimal", "1:20", "YAML 1.1 sexagesimal int 1:20 (= 80)"),
    ("sexagesimal_neg", "-1:20", "YAML 1.1 sexagesimal -1:20"),
    ("comma", "1,000", "1,000 (string?)"),
    ("space_sep", "1 000", "1 000 (string)"),
]:
    val("int", stem, d, s)

# ---------------------------------------------------------------- floats
for stem, s, d in [
    ("one_point_zero", "1.0", "float 1.0"),
    ("exp", "1e3", "1e3 (YAML 1.2 float, not 1.1)"),
    ("exp_upper", "1E3", "1E3"),
    ("exp_signed", "1.0e+3", "1.0e+3 (YAML 1.1 float)"),
    ("exp_neg", "1e-7", "1e-7"),
    ("exp_big", "6.8523015e+5", "6.8523015e+5"),
    ("leading_dot", ".5", ".5"),
    ("leading_dot_neg", "-.5", "-.5"),
    ("leading_dot_plus", "+.5", "+.5"),
    ("trailing_dot", "1.", "1."),
    ("underscore", "1_0.5", "1_0.5 underscore in float"),
    ("inf", ".inf", ".inf"),
    ("inf_neg", "-.Inf", "-.Inf"),
    ("inf_plus", "+.inf", "+.inf"),
    ("inf_upper", ".INF", ".INF"),
    ("inf_mixed", ".iNf", ".iNf (not a float)"),
    ("nan", ".nan", ".nan"),
    ("nan_mixed", ".NaN", ".NaN"),
    ("nan_upper", ".NAN", ".NAN"),
    ("sexagesimal", "190:20:30.15", "YAML 1.1 sexagesimal float 190:20:30.15"),
    ("sexagesimal_int", "190:20:30", "sexagesimal 190:20:30"),
    ("overflow", "1e400", "1e400 overflows float64"),
    ("underflow", "1e-400", "1e-400 underflows float64"),
    ("max", "1.7976931348623157e308", "float64 max"),
    ("min_subnormal", "5e-324", "smallest subnormal"),
    ("e20", "1e20", "1e20 (Go prints as integer digits?)"),
    ("e21", "1e21", "1e21 (Go switches to exponent)"),
    ("long_fraction", "123456789.123456789", "more digits than float64 holds"),
    ("small", "0.000001", "0.000001"),
    ("smaller", "0.0000001", "0.0000001"),
    ("neg_zero", "-0.0", "-0.0"),
    ("point_only", ".", "a single dot"),
    ("int_with_zero_fraction", "100000000000000000000.0", "1e20 written as decimal"),
    ("zero_point_one", "0.1", "0.1"),
    ("third", "0.3333333333333333333", "long repeating fraction"),
]:
    val("float", stem, d, s)

# ---------------------------------------------------------------- booleans
for s in ["yes", "Yes", "YES", "yEs", "no", "No", "NO", "on", "On", "ON", "oN",
          "off", "Off", "OFF", "y", "Y", "n", "N", "true", "True", "TRUE", "tRue",
          "false", "False", "FALSE", "fAlse"]:
    val("bool", "v_" + s, f"boolean-like plain scalar {s}", s)

# ---------------------------------------------------------------- nulls
for stem, s in [("tilde", "~"), ("null", "null"), ("Null", "Null"), ("NULL", "NULL"),
                ("nUll", "nUll"), ("empty", ""), ("quoted_tilde", "'~'"),
                ("quoted_null", '"null"')]:
    val("null", stem, f"null-like value {s!r}", s)
cm("null/empty_in_flow_map.yaml", "empty value inside a flow map", "  v: {a: , b: 1}\n")
cm("null/empty_seq_item.yaml", "empty sequence item", "  v:\n  -\n  - a\n")
cm("null/null_data.yaml", "data itself null", "")
add("null/null_metadata_field.yaml", "metadata.namespace: null", HDR + "  namespace: null\n")

# ---------------------------------------------------------------- timestamps
for stem, s in [("iso_lower_t", "2001-12-14t21:59:43.10-05:00"),
                ("iso_z", "2001-12-14T21:59:43.10Z"),
                ("space_separated", "2001-12-14 21:59:43.10 -5"),
                ("date", "2002-12-14"),
                ("date_short_month", "2002-1-4"),
                ("no_fraction", "2001-12-15T02:59:43Z"),
                ("nanos", "2001-12-15T02:59:43.123456789Z"),
                ("tagged", "!!timestamp 2002-12-14"),
                ("invalid_date", "2002-13-45")]:
    val("timestamp", stem, f"timestamp-like value {s}", s)
cm("timestamp/date_key.yaml", "date as mapping key", "  2002-12-14: a\n")
cm("timestamp/datetime_key.yaml", "datetime as mapping key", "  2001-12-14t21:59:43.10-05:00: a\n")
cm("timestamp/in_sequence.yaml", "dates in a sequence", "  v: [2002-12-14, 2001-12-14T21:59:43Z]\n")
add("timestamp/creation_timestamp.yaml", "metadata.creationTimestamp as unquoted timestamp",
    HDR + "  creationTimestamp: 2001-12-14T21:59:43Z\n")
add("timestamp/creation_timestamp_offset.yaml", "metadata.creationTimestamp with fraction and offset (reformatted?)",
    HDR + "  creationTimestamp: 2001-12-14T21:59:43.10-05:00\n")
add("timestamp/creation_timestamp_quoted.yaml", "metadata.creationTimestamp quoted",
    HDR + "  creationTimestamp: '2001-12-14T21:59:43Z'\n")
add("timestamp/creation_timestamp_date.yaml", "metadata.creationTimestamp as bare date",
    HDR + "  creationTimestamp: 2002-12-14\n")

# ---------------------------------------------------------------- keys
for stem, k in [("int", "1"), ("neg_int", "-1"), ("octal", "017"), ("hex", "0x1F"),
                ("bool_true", "true"), ("bool_yes", "yes"), ("bool_y", "y"),
                ("bool_n", "n"), ("bool_on", "on"), ("bool_off", "off"),
                ("bool_No", "No"), ("null_tilde", "~"), ("null_word", "null"),
                ("float", "1.5"), ("float_exp", "1e3"), ("inf", ".inf"), ("nan", ".nan"),
                ("big_int", "123456789012345678901234567890"), ("empty_string", '""'),
                ("equals", "="), ("sexagesimal", "1:20")]:
    cm(f"keys/{stem}.yaml", f"non-string-looking mapping key {k}", f"  {k}: value\n")
for stem, k in [("float_pi", "3.14159265358979"), ("float_small", "0.1"), ("float_1e20", "1e20"),
                ("float_neg_inf", "-.inf"), ("uint64_key", "18446744073709551615"),
                ("int64_min_key", "-9223372036854775808"), ("int64_overflow_key", "9223372036854775808"),
                ("float_2p53_plus1", "9007199254740993.0"), ("date_key_quoted", "'2002-12-14'")]:
    cm(f"keys/{stem}.yaml", f"mapping key {k} (how is it stringified?)", f"  {k}: value\n")
cm("keys/int_and_string_same.yaml", "int key 1 and string key \"1\" in one map", '  1: int\n  "1": str\n')
cm("keys/bool_and_string_same.yaml", "bool key true and string key \"true\"", '  true: bool\n  "true": str\n')
cm("keys/yes_and_true.yaml", "keys yes and true (both bool true)", "  yes: a\n  true: b\n")
cm("keys/complex_map_key.yaml", "complex (mapping) key", "  ? {a: b}\n  : value\n")
cm("keys/complex_seq_key.yaml", "complex (sequence) key", "  ? [a, b]\n  : value\n")
cm("keys/explicit_key_plain.yaml", "explicit key indicator ? with a plain key", "  ? k\n  : value\n")
cm("keys/explicit_key_no_value.yaml", "explicit key indicator ? without value", "  ? k\n")
cm("keys/unicode.yaml", "unicode keys", "  ключ: значение\n  键: 值\n  🔑: 🗝\n  café: crème\n")
add("keys/dots_slashes.yaml", "label/annotation keys with dots and slashes",
    HDR + "  labels:\n    app.kubernetes.io/name: web\n    example.com/a.b-c_d: x\n  annotations:\n    a.b.c/d.e: 'true'\n    \"quoted/key\": v\n")
cm("keys/bool_top_level.yaml", "top-level bool-looking key y", "  a: b\n", pre="y: 1\n")
add("keys/on_in_pod_spec.yaml", "key 'on' (YAML 1.1 bool) inside a nested map, GitHub-Actions style",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\ndata:\n  workflow:\n    on:\n      push: {}\n    n: no\n")
cm("keys/long_key.yaml", "1200-character key (beyond the 1024 implicit-key limit)", "  " + "k" * 1200 + ": v\n")
cm("keys/key_1000.yaml", "1000-character key", "  " + "k" * 1000 + ": v\n")
cm("keys/quoted_number_key.yaml", "quoted number-like keys", "  '017': a\n  \"0x1F\": b\n")
cm("keys/space_in_key.yaml", "plain key containing spaces", "  a key with spaces: v\n")
cm("keys/colon_in_key.yaml", "plain key containing a colon without space", "  a:b: v\n")

# ---------------------------------------------------------------- tags
for stem, s, d in [
    ("str_int", "!!str 1", "!!str 1"),
    ("str_bool", "!!str yes", "!!str yes"),
    ("str_null", "!!str ~", "!!str ~"),
    ("str_empty", "!!str", "!!str with empty value"),
    ("int_quoted", '!!int "1"', '!!int "1"'),
    ("int_hex", "!!int 0x1F", "!!int 0x1F"),
    ("int_invalid", "!!int abc", "!!int abc (invalid)"),
    ("float_int", "!!float 1", "!!float 1"),
    ("float_quoted", '!!float "1e3"', '!!float "1e3"'),
    ("float_invalid", "!!float abc", "!!float abc (invalid)"),
    ("bool_yes", "!!bool yes", "!!bool yes"),
    ("bool_quoted", '!!bool "true"', '!!bool "true"'),
    ("bool_invalid", "!!bool maybe", "!!bool maybe (invalid)"),
    ("null_empty", '!!null ""', '!!null ""'),
    ("null_word", "!!null null", "!!null null"),
    ("null_invalid", "!!null x", "!!null x (invalid)"),
    ("binary", "!!binary aGVsbG8gd29ybGQ=", "!!binary base64 text"),
    ("binary_invalid", "!!binary '@@@'", "!!binary with invalid base64"),
    ("binary_nonutf8", "!!binary /w==", "!!binary decoding to non-UTF-8 byte 0xFF"),
    ("custom_scalar", "!foo bar", "custom local tag !foo on scalar"),
    ("custom_int", "!foo 12", "custom local tag !foo on int-looking scalar"),
    ("custom_map", "!foo {a: b}", "custom local tag !foo on a map"),
    ("non_specific", "! 12", "non-specific tag ! on 12"),
    ("verbatim_str", "!<tag:yaml.org,2002:str> 12", "verbatim tag for str"),
    ("verbatim_custom", "!<tag:example.com,2000:x> 12", "verbatim custom tag"),
    ("map", "!!map {a: b}", "!!map on a flow map"),
    ("seq", "!!seq [a, b]", "!!seq on a flow sequence"),
    ("set", "!!set {a, b}", "!!set"),
    ("omap", "!!omap [{a: 1}, {b: 2}]", "!!omap"),
    ("pairs", "!!pairs [{a: 1}, {a: 2}]", "!!pairs"),
    ("timestamp", "!!timestamp 2001-12-14t21:59:43.10-05:00", "!!timestamp"),
    ("map_on_seq", "!!map [a]", "!!map on a sequence (mismatch)"),
    ("str_on_map", "!!str {a: b}", "!!str on a map (mismatch)"),
    ("unknown_secondary", "!!foo bar", "unknown secondary tag !!foo"),
]:
    val("tags", stem, f"explicit tag: {d}", s)
add("tags/document_tag.yaml", "custom tag on the top-level document mapping",
    "--- !foo\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\n")
add("tags/map_tag_document.yaml", "!!map tag on the top-level document",
    "--- !!map\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\n")
add("tags/tag_on_kind.yaml", "!!str tag on the kind value", "apiVersion: v1\nkind: !!str ConfigMap\nmetadata:\n  name: NAME\n")
add("tags/binary_configmap_binarydata.yaml", "!!binary value in ConfigMap binaryData",
    HDR + "binaryData:\n  f: !!binary aGVsbG8=\n")

# ---------------------------------------------------------------- anchors
cm("anchors/scalar.yaml", "anchor and alias on a scalar", "  a: &x hello\n  b: *x\n")
cm("anchors/int_scalar.yaml", "alias of an int keeps its type", "  a: &x 017\n  b: *x\n")
cm("anchors/map.yaml", "alias of a map", "  a: &m {k: v}\n  b: *m\n")
cm("anchors/seq.yaml", "alias of a sequence", "  a: &s [1, 2]\n  b: *s\n")
cm("anchors/as_key.yaml", "alias used as a mapping key", "  a: &k key1\n  *k : value\n")
cm("anchors/redefined.yaml", "same anchor name defined twice; alias refers to the latest", "  a: &x one\n  b: &x two\n  c: *x\n")
cm("anchors/undefined.yaml", "alias to an undefined anchor", "  a: *nope\n")
cm("anchors/recursive.yaml", "recursive alias inside its own anchor", "  a: &r [*r]\n")
add("anchors/document_anchor.yaml", "anchor on the whole top-level document",
    "--- &doc\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\n")
add("anchors/name_anchor.yaml", "metadata.name reused via alias in data",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: &n NAME\ndata:\n  self: *n\n")
add("anchors/across_documents.yaml", "alias referring to an anchor from a previous document",
    HDR + "data:\n  a: &x one\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME-2\ndata:\n  b: *x\n")
cm("anchors/in_flow.yaml", "anchors and aliases inside flow collections", "  v: [&a x, *a, {k: *a}]\n")
cm("anchors/alias_of_null.yaml", "alias of an empty (null) anchor", "  a: &e\n  b: *e\n")
cm("anchors/alias_of_tagged.yaml", "alias of an explicitly tagged scalar", "  a: &t !!str 12\n  b: *t\n")
laughs = "x-anchors:\n  l0: &l0 [a, a, a, a, a, a, a, a, a, a]\n"
for i in range(1, 5):
    laughs += f"  l{i}: &l{i} [" + ", ".join([f"*l{i-1}"] * 10) + "]\n"
add("anchors/small_laughs.yaml", "alias expansion of 10^4 nodes (small billion-laughs)",
    laughs + HDR + "data:\n  v: *l4\n")
for lv in (2, 3):
    lg = "x-anchors:\n  l0: &l0 [a, a, a, a, a, a, a, a, a, a]\n"
    for i in range(1, lv + 1):
        lg += f"  l{i}: &l{i} [" + ", ".join([f"*l{i-1}"] * 10) + "]\n"
    add(f"anchors/laughs_10e{lv + 1}.yaml", f"alias expansion to 10^{lv + 1} scalars (alias-ratio limit?)",
        lg + HDR + f"data:\n  v: *l{lv}\n")
cm("anchors/many_aliases_small.yaml", "150 aliases of one small scalar anchor",
   "  a: &s x\n  l: [" + ", ".join(["*s"] * 150) + "]\n")
laughs9 = "x-anchors:\n  l0: &l0 [a, a, a, a, a, a, a, a, a, a]\n"
for i in range(1, 9):
    laughs9 += f"  l{i}: &l{i} [" + ", ".join([f"*l{i-1}"] * 10) + "]\n"
add("anchors/billion_laughs.yaml", "alias expansion of 10^9 nodes (billion laughs; expect a limit error)",
    laughs9 + HDR + "data:\n  v: *l8\n")

# ---------------------------------------------------------------- duplicates
cm("dup/same_level.yaml", "duplicate key at the same level", "  a: one\n  a: two\n")
add("dup/top_level_kind.yaml", "duplicate top-level kind", "apiVersion: v1\nkind: Secret\nkind: ConfigMap\nmetadata:\n  name: NAME\n")
add("dup/metadata.yaml", "duplicate metadata mapping", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\nmetadata:\n  name: NAME\n")
cm("dup/int_vs_string.yaml", "keys 1 and '1' collide after conversion to JSON", "  1: int\n  '1': str\n")
cm("dup/int_vs_octal.yaml", "keys 8 and 010 (both int 8)", "  8: dec\n  010: oct\n")
cm("dup/null_vs_tilde.yaml", "keys null and ~", "  null: a\n  ~: b\n")
cm("dup/flow.yaml", "duplicate key in a flow mapping", "  v: {a: 1, a: 2}\n")
cm("dup/null_value.yaml", "duplicate key where the first value is null", "  a:\n  a: two\n")
cm("dup/nested.yaml", "duplicate nested map keys", "  m:\n    p: 1\n  m:\n    q: 2\n")

# ---------------------------------------------------------------- scalar styles
cm("scalars/plain.yaml", "plain scalar with inner spaces and punctuation", "  v: hello, world! [x] {y} - it's ok?\n")
cm("scalars/plain_colon_space.yaml", "plain scalar containing ': ' (mapping in a value: invalid)", "  v: hello, world: not a key\n")
cm("scalars/single_quoted.yaml", "single-quoted with '' escape", "  v: 'it''s \\n not an escape'\n")
for stem, esc in [("x", "\\x41\\x7e"), ("u", "\\u00e9\\u4e2d"), ("U", "\\U0001F600"),
                  ("N", "a\\Nb"), ("underscore", "a\\_b"), ("L", "a\\Lb"), ("P", "a\\Pb"),
                  ("e", "a\\eb"), ("zero", "a\\0b"), ("tab", "a\\tb\\	c"), ("slash", "a\\/b"),
                  ("bell_etc", "\\a\\b\\v\\f\\r"), ("space", "a\\ b"), ("quote", "a\\\"b\\\\c"),
                  ("invalid", "a\\qb"), ("x_nonutf8", "\\xff"), ("u_surrogate", "\\ud800"),
                  ("U_toolarge", "\\U00110000")]:
    cm(f"scalars/double_escape_{stem}.yaml", f"double-quoted escape {esc}", f'  v: "{esc}"\n')
cm("scalars/double_line_continuation.yaml", "double-quoted scalar with escaped line break and folding",
   '  v: "first \\\n    second\n    third\n\n    fourth"\n')
cm("scalars/literal.yaml", "literal block |", "  v: |\n    line1\n      indented\n    line3\n")
cm("scalars/literal_strip.yaml", "literal block |- (strip)", "  v: |-\n    line1\n    line2\n\n\n")
cm("scalars/literal_keep.yaml", "literal block |+ (keep) with trailing blank lines", "  v: |+\n    line1\n    line2\n\n\n  w: next\n")
cm("scalars/literal_keep_eof.yaml", "literal block |+ with trailing blank lines at end of file", "  v: |+\n    line1\n\n\n")
cm("scalars/literal_clip_blank.yaml", "literal block | (clip) with trailing blank lines", "  v: |\n    line1\n\n\n  w: next\n")
cm("scalars/literal_indent_indicator.yaml", "literal block |2 with leading spaces in content", "  v: |2\n      four-spaces\n    two-spaces\n")
cm("scalars/literal_indent_strip.yaml", "literal block |-1 ", "  v: |-1\n    x\n   y\n")
cm("scalars/literal_comment_header.yaml", "literal block with a comment after the header", "  v: | # comment\n    text\n")
cm("scalars/literal_leading_blank.yaml", "literal block with leading blank lines", "  v: |\n\n\n    text\n")
cm("scalars/literal_no_newline_eof.yaml", "literal block ending the file without a final newline", "  v: |\n    text")
cm("scalars/literal_empty.yaml", "empty literal block", "  v: |\n  w: x\n")
cm("scalars/folded.yaml", "folded block >", "  v: >\n    one\n    two\n\n    three\n      more-indented\n    four\n")
cm("scalars/folded_strip.yaml", "folded block >-", "  v: >-\n    one\n    two\n\n")
cm("scalars/folded_keep.yaml", "folded block >+ with trailing blank lines", "  v: >+\n    one\n    two\n\n\n  w: x\n")
cm("scalars/multiline_plain.yaml", "multi-line plain scalar", "  v: one\n    two\n\n    three\n")
cm("scalars/multiline_single.yaml", "multi-line single-quoted scalar with a blank line", "  v: 'one\n    two\n\n    three  '\n")
cm("scalars/multiline_double.yaml", "multi-line double-quoted scalar with trailing spaces", '  v: "one   \n    two"\n')
cm("scalars/plain_with_hash.yaml", "plain scalar containing # without preceding space and a comment", "  v: a#b # comment\n")
cm("scalars/quoted_numbers.yaml", "quoted strings that look like numbers", "  a: \"0x1F\"\n  b: '017'\n  c: \"1e3\"\n  d: '.inf'\n  e: 'yes'\n")
cm("scalars/equals_value.yaml", "= as a value (YAML 1.1 value key type)", "  v: =\n")
cm("scalars/equals_key_and_value.yaml", "= as key and value", "  =: =\n")
cm("scalars/dash_values.yaml", "values -- and -x and -1x", "  b: --\n  c: -x\n  d: -1x\n")
cm("scalars/dash_alone_value.yaml", "value that is a single - (a block sequence indicator)", "  a: -\n")
cm("scalars/dash_space_value.yaml", "value '- x' on the same line as its key (sequence not allowed there)", "  c: - x\n")
cm("scalars/nested_seqs.yaml", "compact nested sequences - - - a", "  v:\n  - - - a\n    - b\n")
cm("scalars/empty_flow.yaml", "empty flow map and sequence", "  a: {}\n  b: []\n")
cm("scalars/unicode_values.yaml", "unicode values incl. combining marks and RTL", "  a: naïve\n  b: שלום\n  c: e\u0301\n  d: 😀\n")
cm("scalars/nbsp.yaml", "raw NO-BREAK SPACE inside and at the end of a plain scalar", "  v: a\u00a0b\u00a0\n")
cm("scalars/raw_u2028.yaml", "raw U+2028 LINE SEPARATOR inside a plain scalar", "  v: a\u2028b\n")
cm("scalars/raw_nel.yaml", "raw U+0085 NEL inside a double-quoted scalar", '  v: "a\u0085b"\n')
cm("scalars/raw_bell.yaml", "raw BEL control character (0x07) in a plain scalar", "  v: a\x07b\n")
cm("scalars/raw_del.yaml", "raw DEL (0x7f) in a plain scalar", "  v: a\x7fb\n")
cm("scalars/raw_esc_quoted.yaml", "raw ESC (0x1b) in a double-quoted scalar", '  v: "a\x1bb"\n')
cm("scalars/raw_bom_inside.yaml", "raw U+FEFF inside a plain scalar", "  v: a\ufeffb\n")

# ---------------------------------------------------------------- encoding / whitespace
BOM = b"\xef\xbb\xbf"
body = (HDR + "data:\n  a: b\n").replace("NAME", "encoding-bom-start").encode()
add("encoding/bom_start.yaml", "UTF-8 BOM at start of a YAML file", BOM + b"# tests: UTF-8 BOM at start\n" + body)
add("encoding/bom_start_no_comment.yaml", "UTF-8 BOM directly before apiVersion",
    BOM + (HDR.replace("NAME", "encoding-bom-start-no-comment")).encode())
add("encoding/bom_later_document.yaml", "UTF-8 BOM at the start of the second document",
    b"# tests: BOM before a later document\n" + HDR.replace("NAME", "first").encode() + b"---\n" + BOM + HDR.replace("NAME", "second").encode())
add("encoding/bom_twice.yaml", "two BOMs at the start", BOM + BOM + HDR.replace("NAME", "x").encode())
add("encoding/bom_json.json", "UTF-8 BOM before a JSON object",
    BOM + b'{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "encoding-bom-json"}}\n')
crlf = ("# tests: CRLF line endings\n" + HDR + "data:\n  a: b\n  lit: |\n    l1\n    l2\n  q: \"x\n    y\"\n").replace("NAME", "encoding-crlf")
add("encoding/crlf.yaml", "CRLF line endings throughout (incl. block scalar)", crlf.replace("\n", "\r\n").encode())
add("encoding/crlf_multi_doc.yaml", "CRLF line endings with --- separators",
    ("# tests: CRLF with ---\n" + HDR.replace("NAME", "a") + "---\n" + HDR.replace("NAME", "b")).replace("\n", "\r\n").encode())
add("encoding/cr_only.yaml", "old-Mac CR-only line endings",
    ("# tests: CR only\n" + HDR.replace("NAME", "encoding-cr-only")).replace("\n", "\r").encode())
add("encoding/mixed_eol.yaml", "mixed LF and CRLF line endings",
    b"# tests: mixed\r\napiVersion: v1\nkind: ConfigMap\r\nmetadata:\n  name: encoding-mixed-eol\r\n")
cm("encoding/tab_in_value.yaml", "tab characters inside a plain value", "  v: a\tb\n")
cm("encoding/tab_after_colon.yaml", "tab as separator after the colon", "  v:\tb\n")
cm("encoding/tab_trailing.yaml", "trailing tab after a value", "  v: b\t\n")
cm("encoding/tab_indent.yaml", "tab used for indentation (invalid YAML)", "\tv: b\n")
cm("encoding/tab_in_flow.yaml", "tabs inside a flow mapping", "  v: {\ta:\t1,\tb: 2}\n")
cm("encoding/tab_in_literal.yaml", "tab inside literal block content", "  v: |\n    a\tb\n    \tc\n")
add("encoding/utf16le_bom.yaml", "UTF-16LE with BOM",
    b"\xff\xfe" + ("# tests: UTF-16LE\n" + HDR.replace("NAME", "encoding-utf16le")).encode("utf-16-le"))
add("encoding/utf16be_bom.yaml", "UTF-16BE with BOM",
    b"\xfe\xff" + ("# tests: UTF-16BE\n" + HDR.replace("NAME", "encoding-utf16be")).encode("utf-16-be"))
add("encoding/latin1_byte.yaml", "invalid UTF-8 byte 0xE9 in a value",
    b"# tests: latin1 byte\n" + HDR.replace("NAME", "encoding-latin1").encode() + b"data:\n  v: caf\xe9\n")
add("encoding/no_trailing_newline.yaml", "file without a final newline", (HDR.rstrip("\n")))
add("encoding/trailing_spaces.yaml", "trailing spaces on every line",
    "apiVersion: v1   \nkind: ConfigMap   \nmetadata:   \n  name: NAME   \n")
add("encoding/leading_blank_lines.yaml", "many blank lines before the object", "\n\n\n\n" + HDR)

# ---------------------------------------------------------------- documents
H2 = lambda n: HDR.replace("NAME", n)
add("docs/empty_file.yaml", "completely empty file", b"")
add("docs/only_comments.yaml", "file that is only comments", "# one\n# two\n   # three\n")
add("docs/only_separator.yaml", "file that is only ---", "---\n")
add("docs/only_separators.yaml", "file of several --- only", "---\n---\n---\n")
add("docs/null_document.yaml", "a document that is null", "null\n")
add("docs/tilde_document.yaml", "a document that is ~", "~\n")
add("docs/null_between.yaml", "null document between two objects", H2("a") + "---\nnull\n---\n" + H2("b"))
add("docs/empty_between.yaml", "empty documents between objects", H2("a") + "---\n---\n\n---\n# c\n---\n" + H2("b"))
add("docs/leading_separator.yaml", "--- at the start", "---\n" + HDR)
add("docs/trailing_separator.yaml", "--- at the end", HDR + "---\n")
add("docs/separator_comment.yaml", "--- followed by a comment", H2("a") + "--- # next one\n" + H2("b"))
add("docs/separator_trailing_space.yaml", "--- followed by trailing spaces", H2("a") + "---   \n" + H2("b"))
add("docs/separator_tab.yaml", "--- followed by a tab", H2("a") + "---\t\n" + H2("b"))
add("docs/separator_flow_content.yaml", "--- with a flow mapping on the same line",
    "--- {apiVersion: v1, kind: ConfigMap, metadata: {name: NAME}}\n")
add("docs/separator_flow_content_second.yaml", "second document starts with --- {flow} on the same line",
    H2("a") + "--- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n")
add("docs/separator_block_content.yaml", "--- apiVersion: v1 on the same line (invalid YAML?)",
    "--- apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\n")
add("docs/separator_literal.yaml", "second document is --- | literal scalar", H2("a") + "--- |\n  text\n")
add("docs/separator_hash_no_space.yaml", "---#comment (no space before #)", H2("a") + "---#c\n" + H2("b"))
add("docs/separator_crlf_trailing_space.yaml", "--- with trailing space and CRLF", (H2("a") + "--- \r\n" + H2("b")))
add("docs/separator_folded.yaml", "--- > on the same line", H2("a") + "--- >\n  text\n")
add("docs/four_dashes.yaml", "---- is not a separator", H2("a") + "----\n" + H2("b"))
add("docs/indented_separator.yaml", "indented ' ---' is not a separator", HDR + "data:\n  v: a\n ---\n")
add("docs/separator_inside_literal.yaml", "--- at column 0 inside a literal block scalar",
    HDR + "data:\n  v: |\n    x\n---\n    y\n")
add("docs/document_end.yaml", "... document end marker after one object", HDR + "...\n")
add("docs/document_end_then_doc.yaml", "... then a second object without ---", H2("a") + "...\n" + H2("b"))
add("docs/document_end_then_separator.yaml", "... then --- then a second object", H2("a") + "...\n---\n" + H2("b"))
add("docs/scalar_document.yaml", "a document that is a plain string", "hello\n")
add("docs/int_document.yaml", "a document that is an integer", "42\n")
add("docs/sequence_document.yaml", "a document that is a sequence of objects", "- " + HDR.replace("\n", "\n  ").rstrip() + "\n")
add("docs/empty_map_document.yaml", "a document that is {}", "{}\n")
add("docs/object_then_scalar.yaml", "an object followed by a scalar document", H2("a") + "---\nhello\n")
add("docs/missing_kind.yaml", "object without kind", "apiVersion: v1\nmetadata:\n  name: NAME\n")
add("docs/missing_apiversion.yaml", "object without apiVersion", "kind: ConfigMap\nmetadata:\n  name: NAME\n")
add("docs/missing_name.yaml", "object without metadata.name", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: x\n")
add("docs/missing_metadata.yaml", "object without metadata", "apiVersion: v1\nkind: ConfigMap\n")
add("docs/empty_kind.yaml", "kind is an empty string", "apiVersion: v1\nkind: ''\nmetadata:\n  name: NAME\n")
add("docs/kind_int.yaml", "kind is an integer", "apiVersion: v1\nkind: 1\nmetadata:\n  name: NAME\n")
add("docs/apiversion_float.yaml", "apiVersion is a float 1.0", "apiVersion: 1.0\nkind: ConfigMap\nmetadata:\n  name: NAME\n")
add("docs/name_int.yaml", "metadata.name is an int", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 123\n")
add("docs/name_bool.yaml", "metadata.name is yes (bool)", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yes\n")
add("docs/labels_int_value.yaml", "metadata.labels value is an int", HDR + "  labels:\n    a: 1\n")
add("docs/labels_empty_map.yaml", "metadata.labels is an empty map (normaliser drops it)", HDR + "  labels: {}\n")
add("docs/annotations_bool.yaml", "metadata.annotations value is a bool", HDR + "  annotations:\n    a: true\n")
add("docs/metadata_list.yaml", "metadata is a sequence", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n- name: NAME\n")
add("docs/unknown_top_level.yaml", "unknown top-level fields are kept", HDR + "extra: {a: 1}\nstatus: 12\n")
add("docs/many_documents.yaml", "150 documents in one file",
    "".join("---\n" + H2(f"doc-{i}") for i in range(150)))
add("docs/duplicate_objects.yaml", "the same object twice", H2("a") + "---\n" + H2("a"))
add("docs/flow_document.yaml", "whole object as a multi-line flow mapping (not starting with {)",
    "# leading comment so it is not sniffed as JSON\n{apiVersion: v1, kind: ConfigMap,\n metadata: {name: NAME}}\n")
add("docs/comment_indented_after_separator.yaml", "indented comment lines and blank lines around ---",
    H2("a") + "  # indented comment\n\n---\n\n  # another\n" + H2("b"))

# ---------------------------------------------------------------- directives
add("directives/yaml_1_1.yaml", "%YAML 1.1 directive", "%YAML 1.1\n---\n" + HDR + "data:\n  v: 017\n")
add("directives/yaml_1_2.yaml", "%YAML 1.2 directive (does octal change?)", "%YAML 1.2\n---\n" + HDR + "data:\n  v: 017\n  b: yes\n")
add("directives/yaml_1_3.yaml", "%YAML 1.3 directive", "%YAML 1.3\n---\n" + HDR)
add("directives/yaml_2_0.yaml", "%YAML 2.0 directive", "%YAML 2.0\n---\n" + HDR)
add("directives/yaml_twice.yaml", "duplicate %YAML directive", "%YAML 1.1\n%YAML 1.1\n---\n" + HDR)
add("directives/tag_directive.yaml", "%TAG directive with a named handle", "%TAG !e! tag:example.com,2000:app/\n---\n" + HDR + "data:\n  v: !e!foo bar\n")
add("directives/tag_primary.yaml", "%TAG redefining the primary handle !", "%TAG ! tag:example.com,2000:\n---\n" + HDR + "data:\n  v: !x 1\n")
add("directives/tag_secondary_redefined.yaml", "%TAG redefining !! handle", "%TAG !! tag:example.com,2000:\n---\n" + HDR + "data:\n  v: !!str 1\n")
add("directives/undefined_handle.yaml", "use of an undefined tag handle", HDR + "data:\n  v: !e!foo bar\n")
add("directives/directive_no_start.yaml", "%YAML directive without a following ---", "%YAML 1.1\n" + HDR)
add("directives/second_document.yaml", "directive before the second document", H2("a") + "---\n%YAML 1.1\n---\n" + H2("b"))
add("directives/second_document_after_end.yaml", "directive after ... before the second document", H2("a") + "...\n%YAML 1.1\n---\n" + H2("b"))
add("directives/reserved.yaml", "unknown reserved directive %FOO", "%FOO bar\n---\n" + HDR)

# ---------------------------------------------------------------- JSON
J = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "NAME"}%s}'
add("json/simple.json", "simple JSON object", J % ', "data": {"a": "b"}' + "\n")
add("json/stream_two.json", "JSON stream of two objects separated by a newline",
    (J % "").replace("NAME", "a") + "\n" + (J % "").replace("NAME", "b") + "\n")
add("json/stream_concatenated.json", "two JSON objects with no separator",
    (J % "").replace("NAME", "a") + (J % "").replace("NAME", "b"))
add("json/stream_dash_separated.json", "two JSON objects separated by a --- line",
    (J % "").replace("NAME", "a") + "\n---\n" + (J % "").replace("NAME", "b") + "\n")
add("json/json_in_yaml_file.yaml", ".yaml file whose content is JSON (no comment)", J % ', "data": {"a": 1}' + "\n", comment=False)
add("json/json_after_comment.yaml", "JSON content after a # comment line (parsed as YAML)", J % ', "data": {"a": 017, "b": 1e3}' + "\n")
add("json/flow_yaml_brace.yaml", ".yaml starting with { that is flow YAML, not JSON",
    "{apiVersion: v1, kind: ConfigMap, metadata: {name: NAME}}\n", comment=False)
add("json/flow_yaml_brace_multiline.yaml", "multi-line flow YAML starting with {",
    "{\n  apiVersion: v1,\n  kind: ConfigMap,\n  metadata: {name: NAME},\n  data: {a: yes}\n}\n", comment=False)
add("json/leading_whitespace.json", "JSON object after blank lines and spaces", "\n\n   \t" + J % "" + "\n")
add("json/duplicate_keys.json", "JSON with duplicate keys", J % ', "data": {"a": "one", "a": "two"}' + "\n")
add("json/duplicate_kind.json", "JSON with duplicate top-level kind", '{"apiVersion": "v1", "kind": "Secret", "kind": "ConfigMap", "metadata": {"name": "NAME"}}\n')
for stem, num in [("one_point_zero", "1.0"), ("exp", "1e2"), ("exp_upper_signed", "1E+2"),
                  ("neg_zero", "-0"), ("neg_zero_float", "-0.0"), ("big_int", "123456789012345678901234567890"),
                  ("int64_min", "-9223372036854775808"), ("int64_max", "9223372036854775807"),
                  ("uint64_max", "18446744073709551615"), ("int_2p53_plus1", "9007199254740993"),
                  ("small_float", "1.5e-10"), ("overflow", "1e400"), ("fraction", "0.1"),
                  ("long_fraction", "3.141592653589793238462643383279"), ("e21", "1e21"), ("e20", "1e20"),
                  ("leading_zero", "017"), ("plus", "+1"), ("hex", "0x1F"), ("nan", "NaN"), ("trailing_dot", "1.")]:
    add(f"json/number_{stem}.json", f"JSON number {num}", J % (', "data": {"v": %s}' % num) + "\n")
add("json/number_in_spec.json", "JSON numbers in a Pod spec (ints and floats)",
    '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "NAME"}, "spec": {"terminationGracePeriodSeconds": 30.0, "activeDeadlineSeconds": 1e2, "containers": [{"name": "c", "image": "i", "ports": [{"containerPort": 8080}]}]}}\n')
add("json/unicode_escapes.json", "JSON \\u escapes incl. a surrogate pair and \\u0000",
    J % ', "data": {"a": "\\u00e9\\ud83d\\ude00", "b": "x\\u0000y", "c": "\\/"}' + "\n")
add("json/lone_surrogate.json", "JSON lone surrogate escape", J % ', "data": {"a": "\\ud800"}' + "\n")
add("json/raw_control_char.json", "JSON string with a raw tab (invalid JSON)", J % ', "data": {"a": "x\ty"}' + "\n")
add("json/trailing_comma.json", "JSON with a trailing comma", J % ', "data": {"a": "b",}' + "\n")
add("json/comment.json", "JSON with a // comment", '{\n// comment\n"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "NAME"}}\n')
add("json/single_quotes.json", "JSON with single-quoted strings (invalid JSON, valid YAML flow)",
    "{'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': 'NAME'}}\n")
add("json/top_level_array.json", "top-level JSON array of objects (starts with [)",
    "[" + (J % "").replace("NAME", "a") + ", " + (J % "").replace("NAME", "b") + "]\n")
add("json/json_then_yaml.json", "JSON object followed by a YAML document",
    (J % "").replace("NAME", "a") + "\n---\n" + H2("b"))
add("json/null_values.json", "JSON null values", J % ', "data": null, "extra": {"a": null}' + "\n")
add("json/deep_nesting.json", "JSON nested 200 levels deep",
    J % (', "extra": ' + '{"a": ' * 200 + '1' + '}' * 200) + "\n")
add("json/list.json", "JSON kind: List", '{"apiVersion": "v1", "kind": "List", "items": [' + (J % "").replace("NAME", "a") + ", " + (J % "").replace("NAME", "b") + "]}\n")
add("json/sniff_4000_spaces.json", "4000 spaces before { (within the 4096-byte sniff window); body has 017 (invalid JSON)",
    " " * 4000 + J % ', "data": {"v": 017}' + "\n")
add("json/sniff_5000_spaces.json", "5000 spaces before { (beyond a 4096-byte sniff window); body has 017 (invalid JSON, valid YAML)",
    " " * 5000 + J % ', "data": {"v": 017}' + "\n")
add("json/sniff_5000_newlines_slash.json", "5000 newlines before {; body has a \\/ escape (valid JSON, invalid YAML)",
    "\n" * 5000 + J % ', "data": {"v": "a\\/b"}' + "\n")
add("json/yaml_file_json_slash.yaml", ".yaml file with JSON content containing \\/ (JSON path accepts it)",
    J % ', "data": {"v": "a\\/b"}' + "\n", comment=False)
add("json/yaml_file_json_then_yaml_doc.yaml", ".yaml file: JSON object, then --- and a YAML document",
    (J % "").replace("NAME", "a") + "\n---\n" + H2("b"), comment=False)
add("json/json_stream_with_list.json", "JSON stream: a List then an object",
    '{"apiVersion": "v1", "kind": "List", "items": [' + (J % "").replace("NAME", "a") + "]}\n" + (J % "").replace("NAME", "b") + "\n")
add("json/truncated.json", "truncated JSON", J[:40] + "\n")
add("json/tabs_crlf.json", "JSON with tabs and CRLF between tokens", (J % ', "data": {"a": "b"}').replace(", ", ",\r\n\t") + "\r\n")

# ---------------------------------------------------------------- lists
item = lambda n: f"  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: {n}\n"
add("list/list_two_items.yaml", "kind: List with two items", "apiVersion: v1\nkind: List\nitems:\n" + item("a") + item("b"))
add("list/list_one_item.yaml", "kind: List with one item", "apiVersion: v1\nkind: List\nitems:\n" + item("a"))
add("list/list_zero_items.yaml", "kind: List with items: []", "apiVersion: v1\nkind: List\nitems: []\n")
add("list/list_null_items.yaml", "kind: List with items: null", "apiVersion: v1\nkind: List\nitems:\n")
add("list/list_no_items.yaml", "kind: List without an items key", "apiVersion: v1\nkind: List\nmetadata: {}\n")
add("list/list_of_lists.yaml", "List whose items are Lists (one with an item, one empty) plus a plain item",
    "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: a\n"
    "- apiVersion: v1\n  kind: List\n  items: []\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\n")
add("list/list_in_list_single.yaml", "List whose only item is a List with one ConfigMap",
    "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a}\n")
add("list/list_of_list_of_lists.yaml", "three levels of nested List",
    "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - apiVersion: v1\n    kind: List\n    items:\n    - apiVersion: v1\n      kind: ConfigMap\n      metadata: {name: deep}\n")
add("list/items_on_deployment.yaml", "a non-List kind (Deployment) that has an items array of objects",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: NAME\nitems:\n" + item("a"))
add("list/items_on_crd_scalars.yaml", "a custom kind with an items array of scalars (CRD field named items)",
    "apiVersion: example.com/v1\nkind: ShoppingCart\nmetadata:\n  name: NAME\nitems:\n- apple\n- pear\n")
add("list/items_on_crd_objects.yaml", "a custom kind with an items array of non-object maps (CRD field named items)",
    "apiVersion: example.com/v1\nkind: ShoppingCart\nmetadata:\n  name: NAME\nitems:\n- name: apple\n  qty: 2\n")
add("list/items_empty_on_crd.yaml", "a custom kind with items: []",
    "apiVersion: example.com/v1\nkind: ShoppingCart\nmetadata:\n  name: NAME\nitems: []\n")
add("list/configmaplist.yaml", "kind: ConfigMapList with items", "apiVersion: v1\nkind: ConfigMapList\nitems:\n" + item("a") + item("b"))
add("list/podlist.yaml", "kind: PodList with items (items without kind)",
    "apiVersion: v1\nkind: PodList\nitems:\n- metadata:\n    name: p1\n  spec:\n    containers: [{name: c, image: i}]\n")
add("list/podlist_with_kind.yaml", "kind: PodList with items that carry kind",
    "apiVersion: v1\nkind: PodList\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p1\n")
add("list/list_item_bare.yaml", "kind: List item with neither kind nor apiVersion (inherits kind '' from 'List')",
    "apiVersion: v1\nkind: List\nitems:\n- metadata: {name: a}\n")
add("list/podlist_item_only_apiversion.yaml", "PodList item with apiVersion but no kind (not filled in?)",
    "apiVersion: v1\nkind: PodList\nitems:\n- apiVersion: v1\n  metadata: {name: a}\n")
add("list/custom_list.yaml", "custom FooList kind with items", "apiVersion: example.com/v1\nkind: FooList\nitems:\n" + item("a"))
add("list/item_missing_kind.yaml", "List item without kind", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  metadata:\n    name: a\n")
add("list/items_scalar.yaml", "List with scalar items", "apiVersion: v1\nkind: List\nitems:\n- a\n- 1\n")
add("list/items_map.yaml", "List whose items is a map", "apiVersion: v1\nkind: List\nitems:\n  a: b\n")
add("list/list_and_object.yaml", "a List document followed by a plain object",
    "apiVersion: v1\nkind: List\nitems:\n" + item("a") + "---\n" + H2("b"))
add("list/list_metadata.yaml", "List with its own metadata and labels",
    "apiVersion: v1\nkind: List\nmetadata:\n  name: the-list\n  labels: {x: z}\nitems:\n" + item("a"))
add("list/list_metadata_bool_label.yaml", "List whose own metadata.labels has value y (bool): is List metadata type-checked?",
    "apiVersion: v1\nkind: List\nmetadata:\n  labels: {x: y}\nitems:\n" + item("a"))
add("list/podlist_items_other_kind.yaml", "PodList whose item declares kind: ConfigMap",
    "apiVersion: v1\nkind: PodList\nitems:\n" + item("a"))
add("list/list_items_no_apiversion.yaml", "List item without apiVersion (inherited?)",
    "apiVersion: example.com/v9\nkind: List\nitems:\n- kind: ConfigMap\n  metadata: {name: a}\n")
add("list/list_no_apiversion.yaml", "kind: List without apiVersion", "kind: List\nitems:\n" + item("a"))
add("list/list_v2.yaml", "kind: List with apiVersion example.com/v2", "apiVersion: example.com/v2\nkind: List\nitems:\n" + item("a"))
add("list/list_merge_items.yaml", "List items built from merge keys",
    "x-anchors:\n  t: &t {apiVersion: v1, kind: ConfigMap}\napiVersion: v1\nkind: List\nitems:\n- <<: *t\n  metadata: {name: a}\n- <<: *t\n  metadata: {name: b}\n")
add("list/lowercase_list.yaml", "kind: list (lower case)", "apiVersion: v1\nkind: list\nitems:\n" + item("a"))

# ---------------------------------------------------------------- misc
cm("misc/very_long_line.yaml", "a 200000-character plain value", "  v: " + "x" * 200000 + "\n")
cm("misc/very_long_quoted_line.yaml", "a 100000-character double-quoted value with escapes", '  v: "' + "\\u00e9ab" * 12500 + '"\n')
deep = "".join("  " * (i + 1) + f"l{i}:\n" for i in range(100)) + "  " * 101 + "end: 1\n"
add("misc/deep_nesting.yaml", "100 levels of block mapping nesting", HDR + "extra:\n" + deep)
add("misc/deep_flow.yaml", "500 levels of flow sequence nesting", HDR + "extra: " + "[" * 500 + "]" * 500 + "\n")
add("misc/wide_map.yaml", "ConfigMap with 3000 keys", HDR + "data:\n" + "".join(f"  k{i}: v{i}\n" for i in range(3000)))
add("misc/pod_security_context_strings.yaml", "Pod securityContext ints given as YAML 1.1 spellings",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: NAME\nspec:\n  securityContext:\n    runAsUser: 0x3E8\n    runAsGroup: 01750\n    fsGroup: 1_000\n    runAsNonRoot: yes\n  containers:\n  - name: c\n    image: i\n    securityContext:\n      privileged: off\n      allowPrivilegeEscalation: n\n")
add("misc/ports_as_strings.yaml", "Service port values as quoted strings and sexagesimal",
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: NAME\nspec:\n  ports:\n  - port: '80'\n    targetPort: 1:20\n  - port: 0x1BB\n    targetPort: https\n")
add("misc/secret_data.yaml", "Secret data/stringData with number-like values",
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: NAME\nstringData:\n  a: 017\n  b: yes\ndata:\n  c: aGk=\n")
add("misc/comment_styles.yaml", "comments everywhere: after values, inside flow, after block headers",
    HDR + "data: # c1\n  a: b # c2\n  c: [1, # c3\n    2]\n  d: 'x' #c4\n  e: x#notcomment\n")
add("misc/namespace_yes.yaml", "metadata.namespace: yes", HDR + "  namespace: yes\n")
add("misc/generate_name.yaml", "metadata.generateName instead of name", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: gen-\n")
add("misc/owner_refs_bool.yaml", "ownerReferences with controller: yes and int uid",
    HDR + "  ownerReferences:\n  - apiVersion: v1\n    kind: Pod\n    name: p\n    uid: 123\n    controller: yes\n")
add("misc/finalizers_int.yaml", "metadata.finalizers with an int item", HDR + "  finalizers: [a, 1]\n")
add("misc/resource_version_int.yaml", "metadata.resourceVersion as int", HDR + "  resourceVersion: 42\n")
add("misc/generation_string.yaml", "metadata.generation as a string", HDR + "  generation: '3'\n")
add("misc/generation_float.yaml", "metadata.generation as 3.0", HDR + "  generation: 3.0\n")
add("misc/generation_float_frac.yaml", "metadata.generation as 3.5", HDR + "  generation: 3.5\n")
add("misc/creation_timestamp_bad.yaml", "metadata.creationTimestamp that is not a time", HDR + "  creationTimestamp: yesterday\n")
add("misc/creation_timestamp_null.yaml", "metadata.creationTimestamp: null", HDR + "  creationTimestamp: null\n")
add("misc/uid_int.yaml", "metadata.uid as an int", HDR + "  uid: 123\n")
add("misc/namespace_null.yaml", "metadata.namespace: ~", HDR + "  namespace: ~\n")
add("misc/labels_null_value.yaml", "metadata.labels value null", HDR + "  labels:\n    a: ~\n")
add("misc/namespace_empty.yaml", "metadata.namespace: '' (empty string)", HDR + "  namespace: ''\n")
add("misc/namespace_set.yaml", "metadata.namespace: prod (kept as is)", HDR + "  namespace: prod\n")
add("misc/labels_null_and_string.yaml", "labels {a: null, b: c} (harness artifact: kubectl label rewrites labels)",
    HDR + "  labels:\n    a: null\n    b: c\n  annotations: {z: null}\n")
add("misc/labels_bool_key.yaml", "metadata.labels with key yes and value 'x'", HDR + "  labels:\n    yes: x\n")

# ---------------------------------------------------------------- randomised
rng = random.Random(20240517)
POOL = ["0_0", "1__0", "017", "08", "0o17", "0x1F", "0b101", "-0b1", "+12", "1_000", "-0",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551616",
        "1.0", "1e3", ".5", "1.", "-.5", "1_0.5", "6.8523015e+5", "190:20:30", "1:20", "1e21", "0.1",
        "yes", "No", "ON", "off", "y", "n", "True", "TRUE", "tRue", "~", "null", "Null", "NULL", "",
        "2001-12-14t21:59:43.10-05:00", "2002-12-14", "!!str 1", '!!int "1"', "!!float 1", "!!bool yes",
        "!!binary aGk=", "!foo x", "'017'", '"0x1F"', '"\\u00e9\\x41"', "=", "<<", "hello world",
        "a#b", "'it''s'", "[1, yes, ~]", "{a: 1, b: no}", "0x", "--1", "1e", "+.inf"]
KEYS = ["a", "b", "1", "true", "y", "n", "on", "1.5", "017", "k.with/slash", "ключ", "x_y", "=", "2002-12-14"]
FIELDS = ["runAsUser", "runAsGroup", "fsGroup", "runAsNonRoot", "supplementalGroups", "fsGroupChangePolicy"]
for i in range(40):
    if i % 2 == 0:
        n = rng.randint(3, 8)
        keys = rng.sample(KEYS, n)
        lines = "".join(f"  {k}: {rng.choice(POOL)}\n" for k in keys)
        cm(f"random/configmap_{i:02d}.yaml", f"randomised ConfigMap data scalars (seed 20240517, #{i})", lines)
    else:
        fs = rng.sample(FIELDS, rng.randint(2, 5))
        sc = "".join(f"    {f}: {rng.choice(POOL)}\n" for f in fs)
        add(f"random/pod_security_context_{i:02d}.yaml", f"randomised Pod securityContext scalars (seed 20240517, #{i})",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: NAME\nspec:\n  securityContext:\n" + sc +
            "  containers:\n  - name: c\n    image: busybox\n")
for i in range(10):
    # merge-key combinations
    anchors = {f"m{j}": {f"k{rng.randint(0, 4)}": rng.choice(POOL[:30]) for _ in range(3)} for j in range(3)}
    pre = "x-anchors:\n" + "".join(
        f"  {a}: &{a}\n" + "".join(f"    {k}: {v}\n" for k, v in m.items()) for a, m in anchors.items())
    order = rng.sample(list(anchors), rng.randint(1, 3))
    merge = f"  <<: *{order[0]}\n" if len(order) == 1 else "  <<: [" + ", ".join("*" + o for o in order) + "]\n"
    explicit = "".join(f"  k{rng.randint(0, 4)}: explicit{j}\n" for j in range(rng.randint(0, 2)))
    body = merge + explicit if rng.random() < 0.5 else explicit + merge
    cm(f"random/merge_{i:02d}.yaml", f"randomised merge-key combination (seed 20240517, #{i})", body, pre)


def main():
    if os.path.isdir(EDGE):
        shutil.rmtree(EDGE)
    index = ["# corpus/edge index", "",
             "Generated by `tools/gen_edge.py`; do not edit by hand.", "",
             "| file | tests |", "| --- | --- |"]
    seen = set()
    for path, desc, data in CASES:
        assert path not in seen, path
        seen.add(path)
        full = os.path.join(EDGE, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)
        index.append(f"| `{path}` | {desc.replace('|', chr(92) + '|')} |")
    with open(os.path.join(EDGE, "INDEX.md"), "w") as f:
        f.write("\n".join(index) + "\n")
    print(f"wrote {len(CASES)} files to {EDGE}")


if __name__ == "__main__":
    main()
