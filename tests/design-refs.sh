#!/bin/sh
# design-refs.sh: doc/DESIGN.md and the code point at each other, and both pointers hold: every
# citation of the page by section (the file name, a comma, the heading in double quotes) in src, ui
# and tests names a heading the page has, and every path the page names exists in the tree (a glob
# must match something; <name> stands for any name; a build product counts when its source exists). A renamed section or a moved file
# fails here instead of leaving a reader at a dead end.
. "$top_srcdir/tests/lib.sh"
t_need_python3

python3 - "$top_srcdir" > "$T_DIR/report" 2>&1 <<'PY' || { cat "$T_DIR/report" >&2; t_fail "DESIGN.md and the tree disagree"; }
import glob, os, re, sys
top = sys.argv[1]
page = open(os.path.join(top, "doc/DESIGN.md"), encoding="utf-8").read()
headings = {m.group(1).strip() for m in re.finditer(r"^#{1,6} +(.+)$", page, re.M)}
bad, cites = [], 0
for sub in ("src", "ui", "tests"):
    for root, _, files in os.walk(os.path.join(top, sub)):
        for f in files:
            path = os.path.join(root, f)
            if f.endswith((".o", ".a", ".log", ".trs")) or "/fixtures/" in path or "/golden/" in path:
                continue
            try:
                text = open(path, encoding="utf-8").read()
            except (UnicodeDecodeError, IsADirectoryError):
                continue
            # A citation may wrap: join the comment continuation of the next line.
            flat = re.sub(r"\n[ \t]*(?:\*|#|//)?[ \t]*", " ", text)
            for m in re.finditer(r"DESIGN\.md,\s+(?:section\s+)?\"([^\"]+)\"", flat):
                cites += 1
                if m.group(1) not in headings:
                    bad.append("%s cites DESIGN.md, \"%s\": no such heading" % (os.path.relpath(path, top), m.group(1)))
paths = 0
for m in re.finditer(r"`((?:src|ui|tests|data|doc|po|debian|bench|completion|m4)/[^` ]*)`", page):
    p = re.sub(r"<[^>]*>", "*", m.group(1).rstrip(".,:;"))
    paths += 1
    if p.endswith(".so"):
        p = p[:-3] + ".c"
    if not glob.glob(os.path.join(top, p)):
        bad.append("DESIGN.md names %s, which does not exist" % p)
for b in bad:
    print(b)
print("%d citations, %d paths checked" % (cites, paths))
sys.exit(1 if bad or cites < 20 or paths < 10 else 0)
PY
t_ok "$(tail -1 "$T_DIR/report")"
t_done
