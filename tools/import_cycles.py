"""File-level import graph of src/ (every crate::, super::, self:: path, test modules left out) and its cycles.

Usage: python3 tools/import_cycles.py [SRC_DIR] [TOP_MODULE...]   (default: src ui model)
"""
import os, re, sys, itertools
root = sys.argv[1] if len(sys.argv) > 1 else 'src'
scope = sys.argv[2:] or ['ui', 'model']
files = {}
for d, _, fs in os.walk(root):
    for f in fs:
        if f.endswith('.rs'):
            p = os.path.join(d, f)
            rel = os.path.relpath(p, root)[:-3].split(os.sep)
            if rel[-1] == 'mod': rel = rel[:-1]
            if rel in (['lib'], ['main']): rel = []
            if rel and rel[0] == 'bin': continue
            files[tuple(rel)] = p
def resolve(path):
    # longest prefix that is a file module
    for n in range(len(path), 0, -1):
        if tuple(path[:n]) in files: return tuple(path[:n])
    return None
def mod_of(key, p):
    return key if p.endswith('mod.rs') or p.endswith('lib.rs') else key[:-1]
graph = {}
for key, p in files.items():
    text = open(p).read()
    text = re.sub(r'#\[cfg\(test\)\]\s*mod tests \{.*', '', text, flags=re.S)
    here = key
    deps = set()
    for m in re.finditer(r'\b(crate|super|self)((?:::[A-Za-z_][A-Za-z_0-9]*)+)', text):
        head, rest = m.group(1), m.group(2).split('::')[1:]
        if head == 'crate': base = []
        elif head == 'self': base = list(here)
        else:
            base = list(here)[:-1]
            while rest and rest[0] == 'super': rest = rest[1:]; base = base[:-1]
        # count additional super:: handled; for plain super, base = parent of here
        t = resolve(base + rest)
        if t is not None and t != key: deps.add(t)
    # use super::{a, b}
    for m in re.finditer(r'use (crate|super|self)::\{([^}]*)\}', text):
        head = m.group(1)
        base = [] if head == 'crate' else (list(here) if head == 'self' else list(here)[:-1])
        for part in m.group(2).split(','):
            part = part.strip().split(' ')[0]
            if not part: continue
            t = resolve(base + part.split('::'))
            if t is not None and t != key: deps.add(t)
    graph[key] = deps
# a file depends on its child modules by declaration (mod x;) — that is containment, not an import: drop parent->child edges
def strip(g):
    out = {}
    for k, ds in g.items():
        out[k] = {d for d in ds if not (len(d) > len(k) and d[:len(k)] == k)}
    return out
g = strip(graph)
sub = {k: {d for d in ds if d and d[0] in scope} for k, ds in g.items() if k and k[0] in scope}
# Tarjan SCC
index = {}; low = {}; st = []; on = set(); sccs = []; c = [0]
sys.setrecursionlimit(10000)
def sc(v):
    index[v] = low[v] = c[0]; c[0] += 1; st.append(v); on.add(v)
    for w in sub.get(v, ()):
        if w not in index: sc(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = st.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: sccs.append(comp)
for v in sub:
    if v not in index: sc(v)
print(f"files in {scope}: {len(sub)}, import edges: {sum(len(d) for d in sub.values())}")
if not sccs: print("no import cycle")
for comp in sccs:
    print("cycle:", ' '.join('/'.join(x) for x in sorted(comp)))
