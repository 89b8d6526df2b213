#!/usr/bin/env python3
"""tests/screen-fit.py CATALOG WIDTH CAPTURE... [--box] [--only MSGID...]: texts that a screen shows cut.

Used by tests/wizard-i18n.sh on tmux captures of the wizard. With "--only MSGID...", only those
messages are checked (a dialog drawn over a screen hides parts of the screen's own texts). CATALOG is a .po file (its translations
are checked), or "-:" and a .pot or .po (its msgids: English). A catalog text whose beginning is on
screen must be on screen in full: wrapping may spread it over lines, but nothing may be left out.
Texts with printf directives are split at them, and each literal piece is checked on its own; pieces
shorter than 10 characters (without spaces) are not checked.

Whitespace is ignored when a piece is looked for, so a wrap at a space or after a hyphen does not
matter. When only a beginning of a piece is found, it is a cut when
  - it stops inside a word of the piece (a label cut to its field, with the value right after it; a
    title cut by the header's right part; a line cut at the right edge), or
  - it stops between two words (or before a punctuation mark), and a blank or the end of the line
    follows on screen (a paragraph longer than its area, a title cut at a space).
A text right after a beginning that stops between words is another message that starts alike
("service file" in "service file, HSM user X" is not "service file missing" cut). The last line (the key hints)
must also not run into the last column. Prints one line per problem; exits 1 when there is one.

Three more checks read the screen as a user does:
  - indent: a line right under a list item ("[x] ", "[ ] ", a bullet) that starts in the item's mark
    column without a mark of its own is a wrapped line that lost its hanging indent;
  - paths: an absolute path on screen names a file or folder that exists, unless it ends in the
    ellipsis or holds it (shortened in its middle): a path cut at the edge or by a wrap names
    nothing;
  - --box: the capture shows a popup: one frame (box-drawing or ASCII +-|) whose every row has both
    edges and blank padding inside them, so nothing of the screen below shows through.
"""
import os
import re
import sys

MIN = 10
DIRECTIVE = r'%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?(?:hh|h|ll|l|z|j|t)?[diouxXcsfeEgGp%]'


def po_texts(spec):
    english = spec.startswith('-:')
    path = spec[2:] if english else spec
    entries, cur, field = [], None, None
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if line.startswith('#~'):
            continue
        if not line.strip():
            if cur:
                entries.append(cur)
            cur, field = None, None
            continue
        if cur is None:
            cur = {'msgid': '', 'msgstr': '', 'fuzzy': False}
        if line.startswith('#,') and 'fuzzy' in line:
            cur['fuzzy'] = True
        m = re.match(r'^(msgid|msgstr|msgstr\[0\]|msgid_plural|msgstr\[\d+\]|msgctxt) (".*")$', line)
        if m:
            k = m.group(1)
            field = 'msgid' if k == 'msgid' else ('msgstr' if k in ('msgstr', 'msgstr[0]') else None)
            if field:
                cur[field] += eval(m.group(2))
            continue
        if line.startswith('"') and field:
            cur[field] += eval(line)
    if cur:
        entries.append(cur)
    for e in entries:
        if e['msgid'] and not e['fuzzy']:
            t = e['msgid'] if english else e['msgstr']
            if t:
                yield e['msgid'], t


def pieces(text):
    """Literal pieces of a text (split at printf directives), each with its squashed form."""
    for p in re.split(DIRECTIVE, text):
        sq = re.sub(r'\s+', '', p)
        if len(sq) >= MIN:
            yield p.strip(), sq


class Screen:
    def __init__(self, path):
        self.lines = open(path, encoding='utf-8').read().split('\n')
        while self.lines and not self.lines[-1].strip():
            self.lines.pop()
        self.raw = list(self.lines)
        # On the rows of a popup only the popup is read: its edges and the screen beside it are not
        # its text, so a paragraph wrapped inside the frame reads on.
        top, x0, x1, bottom = find_box(self.lines)
        if top is not None:
            for y in range(top, (bottom if bottom is not None else len(self.lines) - 1) + 1):
                row = self.lines[y].ljust(x1 + 1)
                self.lines[y] = (' ' * (x0 + 1) + row[x0 + 1:x1]).rstrip()
        self.sq, self.pos = [], []          # squashed characters, and (line, column) of each
        for ln, line in enumerate(self.lines):
            for col, ch in enumerate(line):
                if not ch.isspace():
                    self.sq.append(ch)
                    self.pos.append((ln, col))
        self.sq = ''.join(self.sq)

    def after(self, end):
        """What follows the squashed index end-1 on its screen line: 'eol', 'blank' or 'text'."""
        ln, col = self.pos[end - 1]
        rest = self.lines[ln][col + 1:]
        if not rest:
            return 'eol', rest
        if not rest.strip():
            return 'eol', rest
        return ('blank' if rest[0].isspace() else 'text'), rest


def inside_word(orig, n):
    """Whether orig, after its first n non-space characters, goes on inside the same word."""
    seen, prev = 0, ''
    for i, ch in enumerate(orig):
        if ch.isspace():
            prev = ' '
            continue
        if seen == n:
            return prev.isalnum() and ch.isalnum()
        seen += 1
        prev = ch
    return False


def check(catalog, width, path, only=None):
    s = Screen(path)
    problems = []
    all_pieces = {sq: orig for t in catalog for orig, sq in pieces(t)}
    if only is not None:
        mine = {sq for t in only for _, sq in pieces(t)}
    else:
        mine = set(all_pieces)
    full = [sq for sq in all_pieces if sq in s.sq]
    for sq, orig in all_pieces.items():
        if sq not in mine:
            continue
        if sq in s.sq:
            continue
        lo, hi = 0, len(sq)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if sq[:mid] in s.sq:
                lo = mid
            else:
                hi = mid - 1
        if lo < MIN or lo < len(sq) // 2:
            continue
        seen = sq[:lo]
        if any(seen in f for f in full):
            continue
        at_boundary = not inside_word(orig, lo)
        cut_everywhere = True
        start = s.sq.find(seen)
        while start >= 0:
            kind, _ = s.after(start + lo)
            cut = not at_boundary or kind != 'text'
            if not cut:
                cut_everywhere = False
                break
            start = s.sq.find(seen, start + 1)
        if cut_everywhere:
            problems.append(f'cut: "{orig}" shows only as far as "{seen}"')
    if s.lines:
        last = s.lines[-1]
        if len(last) >= width and not last[width - 1].isspace():
            problems.append(f'the key hints run into the last column: "{last.strip()}"')
    return problems


MARKS = ('[x] ', '[ ] ', '\u2022 ', '- ')
V_EDGES = '\u2502|'
CORNERS_TL = '\u250c+'


def find_top(lines):
    """(top, left, right) of the first popup frame's top edge, or Nones."""
    for top, line in enumerate(lines):
        x0 = next((i for i, ch in enumerate(line) if ch in CORNERS_TL and i + 1 < len(line)
                   and line[i + 1] in '\u2500-'), -1)
        x1 = max(line.rfind('\u2510'), line.rfind('+'))
        if x0 >= 0 and x1 > x0:
            return top, x0, x1
    return None, None, None


def find_box(lines):
    """(top, left, right, bottom) of the first popup frame, or Nones."""
    top, x0, x1 = find_top(lines)
    if top is None:
        return None, None, None, None
    bottom = next((y for y in range(top + 1, len(lines)) if lines[y][x0:x0 + 1] in ('\u2514', '+')), None)
    return top, x0, x1, bottom


def check_indent(s):
    problems = []
    for i in range(len(s.raw) - 1):
        line, nxt = s.raw[i], s.raw[i + 1]
        if any(c in nxt for c in '\u250c\u2514\u2502') or '+-' in nxt or '|' in nxt:
            continue    # a popup's frame over the list, not a wrapped line
        body = line.lstrip(' ')
        mark = next((m for m in MARKS if body.startswith(m)), None)
        if not mark or not nxt.strip():
            continue
        col = len(line) - len(body)
        nbody = nxt.lstrip(' ')
        ncol = len(nxt) - len(nbody)
        if ncol == col and not any(nbody.startswith(m) for m in MARKS):
            problems.append(f'indent: "{nxt.strip()}" wraps "{body.strip()}" at the margin of its mark')
    return problems


def check_paths(s):
    problems = []
    for line in s.raw:
        for tok in re.findall(r'(?:(?<=[\s(\'"])|^)/[^\s\'"()]+', line):
            tok = tok.rstrip('.,;:!?')
            if '\u2026' in tok or '...' in tok or not tok[1:2].isalnum() and tok[1:2] not in '._':
                continue
            if tok.count('/') < 2:
                continue    # "/filter" in a key hint, "/v1" in a text: a path has folders
            if not os.path.exists(tok):
                problems.append(f'path: "{tok}" names nothing (cut without an ellipsis?)')
    return problems


def check_box(s):
    """One popup frame, its edges on every row, the padding inside them blank."""
    top, x0, x1 = find_top(s.raw)
    if top is None:
        return ['box: no popup frame on screen']
    problems = []
    bottom = None
    for y in range(top + 1, len(s.raw)):
        row = s.raw[y].ljust(x1 + 1)
        if row[x0] in '\u2514+':
            bottom = y
            break
        if row[x0] not in V_EDGES or row[x1] not in V_EDGES:
            problems.append(f'box: row {y + 1} lacks an edge of the popup')
        elif row[x0 + 1] != ' ' or row[x1 - 1] != ' ':
            problems.append(f'box: row {y + 1} has text in the popup\'s padding: "{row[x0:x1 + 1]}"')
    if bottom is None:
        problems.append('box: the popup has no bottom edge')
    return problems


def main():
    args = sys.argv[1:]
    box = '--box' in args
    if box:
        args.remove('--box')
    only_ids = None
    if '--only' in args:
        i = args.index('--only')
        only_ids, args = args[i + 1:], args[:i]
    spec, width, captures = args[0], int(args[1]), args[2:]
    texts = list(po_texts(spec))
    catalog = [t for _, t in texts]
    only = None
    if only_ids is not None:
        only = [t for msgid, t in texts if msgid in only_ids]
        missing = set(only_ids) - {msgid for msgid, _ in texts}
        for m in sorted(missing):
            print(f'# not in the catalog any more, not checked: "{m[:60]}"', file=sys.stderr)
        if not only:
            print('none of the --only messages is in the catalog')
            return 1
    bad = 0
    for path in captures:
        scr = Screen(path)
        extra = check_indent(scr) + check_paths(scr) + (check_box(scr) if box else [])
        for p in check(catalog, width, path, only) + extra:
            print(f'{path}: {p}')
            bad = 1
    return bad


if __name__ == '__main__':
    sys.exit(main())
