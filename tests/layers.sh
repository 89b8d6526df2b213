#!/bin/sh
# layers.sh: includes point down (doc/DESIGN.md, "Architecture"). Every `#include "x.h"` of src/ and
# ui/ is looked up in the layer table below; an include the table does not allow fails. There are no
# exceptions: core reaches the engines only through its port, src/core/engine_port.h.
. "$top_srcdir/tests/lib.sh"
t_need_python3

cat > "$T_DIR/layers.py" <<'PY'
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
    # The demo's ppin simulator, a program of its own beside the CLI.
    "ppin-sim": {"base", "dl", "core", "engines", "ppin-sim"},
}
def layer(path):
    rel = os.path.relpath(path, top)
    if rel.startswith("ui/include/"):
        return "ui/include"
    if rel.startswith("ui/"):
        return "ui"
    m = re.match(r"src/([a-z-]+)/", rel)
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
                    where.setdefault(n, set()).add(layer(p))
# A header name in two layers would make the table's answer depend on -I order.
bad = ["%s names headers in the layers %s: rename one" % (h, ", ".join(sorted(ls)))
       for h, ls in sorted(where.items()) if len(ls) > 1]
where = {h: min(ls) for h, ls in where.items()}
for f in files:
    lf = layer(f)
    if lf not in ALLOWED:
        bad.append("%s is in no layer of the table: add its folder to ALLOWED" % os.path.relpath(f, top))
        continue
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
python3 "$T_DIR/layers.py" "$top_srcdir" > "$T_DIR/report" 2>&1 ||
	{ cat "$T_DIR/report" >&2; t_fail "an include points the wrong way"; }
t_ok "$(tail -1 "$T_DIR/report")"

# The judge can say no: a copy of src/ and ui/ where core includes an engine's header again.
cp -R "$top_srcdir/src" "$top_srcdir/ui" "$T_DIR/"
printf '#include "engine.h"\n' >> "$T_DIR/src/core/rotation.h"
python3 "$T_DIR/layers.py" "$T_DIR" > "$T_DIR/bad" 2>&1 && t_fail "core including engine.h passed the check"
grep -q 'src/core/rotation.h -> engine.h' "$T_DIR/bad" || { cat "$T_DIR/bad" >&2; t_fail "the report does not name the wrong include"; }
t_ok "core including engine.h is refused"
t_done
