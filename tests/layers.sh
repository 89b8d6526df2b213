#!/bin/sh
# layers.sh: includes point down (doc/DESIGN.md, "Architecture"). Every `#include "x.h"` of src/ and
# ui/ is looked up in the layer table below; an include the table does not allow fails. There are no
# exceptions: core reaches the engines only through its port, src/core/engine_port.h.
. "$top_srcdir/tests/lib.sh"
t_need_python3

python3 - "$top_srcdir" > "$T_DIR/report" 2>&1 <<'PY' || { cat "$T_DIR/report" >&2; t_fail "an include points the wrong way"; }
import os, re, sys
top = sys.argv[1]
# layer -> the layers its files may include (itself included)
ALLOWED = {
    "base": {"base"},
    "dl": {"base", "dl"},
    "core": {"base", "dl", "core"},
    "engines": {"base", "dl", "core", "engines"},
    "cli": {"base", "dl", "core", "engines", "cli", "ui/include"},
    "ui/include": {"ui/include"},
    "ui": {"base", "dl", "core", "engines", "ui", "ui/include"},
}
def layer(path):
    rel = os.path.relpath(path, top)
    if rel.startswith("ui/include/"):
        return "ui/include"
    if rel.startswith("ui/"):
        return "ui"
    m = re.match(r"src/([a-z]+)/", rel)
    return m.group(1) if m else None
where = {}
files = []
for root in ("src", "ui"):
    for d, _, names in os.walk(os.path.join(top, root)):
        for n in names:
            if n.endswith((".c", ".h")):
                p = os.path.join(d, n)
                files.append(p)
                if n.endswith(".h"):
                    where[n] = layer(p)
bad = []
for f in files:
    lf = layer(f)
    for m in re.finditer(r'^#\s*include\s+"([^"]+)"', open(f, encoding="utf-8").read(), re.M):
        h = os.path.basename(m.group(1))
        lh = where.get(h)
        if lh is None or lh in ALLOWED[lf]:
            continue
        bad.append("%s -> %s: %s may not include %s (%s)" % (os.path.relpath(f, top), h, lf, h, lh))
print("\n".join(bad))
print("%d files, every include points down" % len(files))
sys.exit(1 if bad else 0)
PY
t_ok "$(tail -1 "$T_DIR/report")"
t_done
