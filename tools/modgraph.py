"""The crate's module graph (from `crate::<module>` paths outside tests) and
its cycles (strongly connected components of more than one module)."""
import glob, os, re, sys
sys.setrecursionlimit(10000)
mods = {}
for p in glob.glob("src/**/*.rs", recursive=True):
    top = os.path.relpath(p, "src").split("/")[0].removesuffix(".rs")
    if top in ("main", "lib"):
        continue
    text = open(p).read().split("#[cfg(test)]\nmod tests")[0]
    mods.setdefault(top, set()).update(d for d in re.findall(r"crate::([a-z_]+)", text) if d != top)
for m in sorted(mods):
    print(f"{m} -> {' '.join(sorted(d for d in mods[m] if d in mods))}")
index, low, stack, on, cycles, n = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
    for w in mods[v]:
        if w not in mods:
            continue
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            cycles.append(sorted(comp))
for v in sorted(mods):
    if v not in index:
        visit(v)
print("cycles:", cycles or "none")
sys.exit(1 if cycles else 0)
