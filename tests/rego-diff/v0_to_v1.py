"""Rewrite a Rego v0 module into Rego v1 syntax (the subset real policy
libraries use), preserving formatting, comments and line numbers.

Rewrites done at the top level of the module (bracket depth 0):

* ``name[key] { body }``          -> ``name contains key if { body }``
* ``name[key]`` (no body, no value) -> ``name contains key``
* ``head { body }``                -> ``head if { body }``  for every other
  head: ``p``, ``p = v``, ``p := v``, ``p[k] = v``, ``f(x)``, ``f(x) = y``
* ``else = v { body }`` / ``else { body }`` -> ``else = v if { body }`` /
  ``else if { body }``
* heads that already carry ``if`` (or ``contains``) are left untouched, as
  are ``package``/``import`` lines and ``default`` rules (v1 accepts
  ``default p = false``) and ``=`` in heads (v1 accepts it too).

Not handled (the result then fails to parse and the caller reports it):
rules with several bodies ``p { a } { b }`` and v1 keywords used as names.

Usage: ``python3 v0_to_v1.py FILE`` prints the rewritten module.
"""

import re
import sys

_TOKEN = re.compile(
    r"""
    (?P<nl>\r?\n)
  | (?P<ws>[ \t\f]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>"(?:[^"\\\r\n]|\\.)*")
  | (?P<raw>`[^`]*`)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>:=|==|!=|<=|>=|.)
    """,
    re.VERBOSE | re.DOTALL,
)

_OPEN = "([{"
_CLOSE = ")]}"


def tokenize(src):
    """Return a list of (kind, text, start) tokens covering ``src``."""
    out = []
    pos = 0
    while pos < len(src):
        m = _TOKEN.match(src, pos)
        kind = m.lastgroup
        out.append((kind, m.group(), pos))
        pos = m.end()
    return out


class _Stmt:
    """Significant tokens of one top-level statement."""

    def __init__(self):
        self.toks = []  # (kind, text, start, depth_before)


def _statements(tokens):
    """Split the token stream into top-level statements.

    A statement ends at a newline at depth 0 unless the statement so far
    "continues" (ends with an operator such as ``=``/``:=``/``,`` or the
    next significant token is ``else`` or ``{``).
    """
    sig = [
        (k, t, s)
        for (k, t, s) in tokens
        if k not in ("ws", "comment")
    ]
    stmts = []
    cur = _Stmt()
    depth = 0
    i = 0
    while i < len(sig):
        k, t, s = sig[i]
        if k == "nl":
            if depth == 0 and cur.toks:
                # look ahead: does the statement continue on the next line?
                j = i + 1
                while j < len(sig) and sig[j][0] == "nl":
                    j += 1
                last = cur.toks[-1][1]
                nxt = sig[j][1] if j < len(sig) else None
                cont = last in ("=", ":=", ",", "if", "contains", "else") or nxt in (
                    "else",
                    "{",
                )
                if cur.toks[0][1] in ("package", "import"):
                    cont = False
                # `{` on the next line after a complete head opens its body
                if not cont:
                    stmts.append(cur)
                    cur = _Stmt()
            i += 1
            continue
        cur.toks.append((k, t, s, depth))
        if k == "op" and t in _OPEN:
            depth += 1
        elif k == "op" and t in _CLOSE:
            depth = max(0, depth - 1)
        i += 1
    if cur.toks:
        stmts.append(cur)
    return stmts


def _skip_term(toks, i):
    """Index just past one head term starting at toks[i] (depth-0 view)."""
    n = len(toks)
    if i < n and toks[i][1] == "-":
        i += 1
    if i >= n:
        return i
    k, t, _, d = toks[i]
    if t in _OPEN:
        i = _skip_group(toks, i)
    else:
        i += 1
    # trailing selectors: .x  [..]  (..)
    while i < n:
        t = toks[i][1]
        if t == "." and i + 1 < n and toks[i + 1][0] == "ident":
            i += 2
        elif t in ("[", "("):
            i = _skip_group(toks, i)
        else:
            break
    return i


def _skip_group(toks, i):
    d0 = toks[i][3]
    i += 1
    while i < len(toks):
        t, d = toks[i][1], toks[i][3]
        if t in _CLOSE and d == d0 + 1:
            return i + 1
        i += 1
    return i


def _rewrite_clause(src, toks, i, edits, is_else):
    """Rewrite one head (rule head or ``else`` clause) starting at toks[i].

    Returns the index of the token after the clause's body (or head).
    """
    n = len(toks)
    if is_else:
        i += 1  # the `else` keyword
    else:
        if toks[i][1] == "default":
            return n
        # name, possibly dotted ref
        i += 1
        while i + 1 < n and toks[i][1] == "." and toks[i + 1][0] == "ident":
            i += 2
    partial_set = False
    if not is_else and i < n and toks[i][1] == "[":
        j = _skip_group(toks, i)
        after = toks[j][1] if j < n else None
        if after not in ("=", ":="):
            partial_set = True
            key_start, key_end = i, j - 1  # '[' ... ']'
            i = j
        else:
            i = j
    elif not is_else and i < n and toks[i][1] == "(":
        i = _skip_group(toks, i)
    if i < n and toks[i][1] in ("=", ":="):
        i = _skip_term(toks, i + 1)
    if i < n and toks[i][1] == "contains":
        i = _skip_term(toks, i + 1)
    if i < n and toks[i][1] == "if":
        return n  # already v1 (an else chain after it is left alone)
    if partial_set:
        # `name[key]` -> `name contains key`
        lb = toks[key_start]
        rb = toks[key_end]
        edits.append((lb[2], lb[2] + 1, " contains "))
        edits.append((rb[2], rb[2] + 1, ""))
    if i < n and toks[i][1] == "{":
        pos = toks[i][2]
        edits.append((pos, pos, "if " if pos and src[pos - 1] in " \t\n" else " if "))
        i = _skip_group(toks, i)
    return i


def convert(src):
    """Return ``src`` rewritten from Rego v0 to Rego v1 syntax."""
    tokens = tokenize(src)
    edits = []
    for st in _statements(tokens):
        toks = st.toks
        if not toks or toks[0][0] != "ident":
            continue
        if toks[0][1] in ("package", "import"):
            continue
        i = _rewrite_clause(src, toks, 0, edits, is_else=False)
        while i < len(toks) and toks[i][1] == "else":
            i = _rewrite_clause(src, toks, i, edits, is_else=True)
    out = src
    for s, e, text in sorted(edits, reverse=True):
        out = out[:s] + text + out[e:]
    return out


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        sys.stdout.write(convert(f.read()))
