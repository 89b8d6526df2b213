#!/bin/sh
# corrupt.sh: a damaged vault or state.json gives a clear error, never a crash, through the CLI.
#
# From a real imported profile, we cut the vault and state.json at every byte offset, and flip single
# bytes at random offsets with random values, and run a command that reads both (`secrets`, which
# loads state.json and then opens the vault with the passphrase), and `status` when it exists (state
# only, no passphrase). Each run must end with exit 65 (bad data) or 77 (refused), with a message
# naming the file, never a signal and never a sanitizer report. A state.json that is still valid
# JSON after the change (a flipped letter inside a name, a cut after the closing brace) may load: exit
# 0 is accepted there, and only there. A vault is authenticated: every change must be refused.
# The random flips use a seed printed in the log (CORRUPT_SEED=N reruns the same ones).
. "${top_srcdir:?}/tests/lib.sh"
. "$top_srcdir/tests/hardening-lib.sh"

t_need_python3
HAVE_STATUS=0
"$HSMO" status --help >/dev/null 2>&1 && HAVE_STATUS=1

t_passphrase "corruption passphrase $(t_rand_alnum 6)"
t_make_credfiles "$T_DIR/files" acme eco hsmo_bad 20260315 pkcs11
T_SCAN_EXCLUDE=$T_DIR/files
P=$XDG_STATE_HOME/hsm-onboard/hsmo_bad
t_run 0 "import" t_hsmo import --tier ECO "$T_SERVICE_FILE" "$T_HSM_FILE"
cp "$P/vault" "$T_DIR/vault.good"
cp "$P/state.json" "$T_DIR/state.good"
t_run 0 "the intact profile opens" t_hsmo --profile hsmo_bad secrets

# try NAME FILE ALLOW0: runs the readers on the damaged profile; FILE names the damaged file.
RUNS=0
try() {
	for cmd in secrets status; do
		[ "$cmd" = status ] && { [ "$HAVE_STATUS" = 1 ] || continue; [ "$2" = state.json ] || continue; }
		set +e
		t_hsmo --profile hsmo_bad "$cmd" >"$T_OUT" 2>"$T_ERR"
		rc=$?
		set -e
		RUNS=$((RUNS + 1))
		cat "$T_OUT" "$T_ERR" >> "$T_DIR/all-output"
		h_no_crash "$1 ($cmd)" "$rc" "$T_ERR"
		case $rc in
			65 | 77) grep -q "$2" "$T_ERR" || { cat "$T_ERR" >&2; t_fail "$1 ($cmd): the message does not name $2"; } ;;
			0) [ "$3" = 1 ] || t_fail "$1 ($cmd): the damaged $2 was accepted" ;;
			*) cat "$T_ERR" >&2; t_fail "$1 ($cmd): exit $rc, expected 65 or 77" ;;
		esac
	done
}

restore() { cp "$T_DIR/vault.good" "$P/vault"; cp "$T_DIR/state.good" "$P/state.json"; chmod 600 "$P/vault" "$P/state.json"; }

# One python3 run writes every damaged variant and a manifest "FILE VARIANT ALLOW0 DESCRIPTION": a
# state.json variant may load (ALLOW0=1) only when it still parses as JSON with python's parser,
# independent of jansson. Flips are random: the seed is printed (CORRUPT_SEED=N reruns the same).
SEED=${CORRUPT_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
FLIPS=${CORRUPT_FLIPS:-150}
echo "# flips with CORRUPT_SEED=$SEED"
mkdir "$T_DIR/variants"
python3 - "$T_DIR" "$SEED" "$FLIPS" > "$T_DIR/manifest" <<'EOF_PY'
import json, os, random, sys
d, seed, flips = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
def valid(b):
    try:
        json.loads(b.decode("utf-8"))
        return 1
    except Exception:
        return 0
n = 0
for f, good in (("vault", "vault.good"), ("state.json", "state.good")):
    data = open(os.path.join(d, good), "rb").read()
    variants = [("cut at byte %d of %d" % (k, len(data)), data[:k]) for k in range(len(data))]
    for _ in range(flips):
        off, x = rng.randrange(len(data)), rng.randrange(1, 256)
        b = bytearray(data)
        b[off] ^= x
        variants.append(("byte %d xor %d" % (off, x), bytes(b)))
    for desc, b in variants:
        n += 1
        open(os.path.join(d, "variants", str(n)), "wb").write(b)
        print(f, n, valid(b) if f == "state.json" else 0, desc)
EOF_PY
[ -s "$T_DIR/manifest" ] || t_fail "no damaged variants were written"

for f in vault state.json; do
	cuts=0 flips=0 accepted=0
	while read -r file n allow desc; do
		[ "$file" = "$f" ] || continue
		restore
		cp "$T_DIR/variants/$n" "$P/$f"
		chmod 600 "$P/$f"
		try "$f $desc" "$f" "$allow"
		case $desc in cut*) cuts=$((cuts + 1)) ;; *) flips=$((flips + 1)) ;; esac
		[ "$allow" = 0 ] || accepted=$((accepted + 1))
	done < "$T_DIR/manifest"
	t_ok "$f cut at each of its $cuts byte offsets and $flips random single-byte flips: a clear error every time ($accepted still-valid JSON variants accepted)"
done
restore
t_run 0 "the restored profile opens" t_hsmo --profile hsmo_bad secrets
echo "# $RUNS runs on damaged files"
t_scan_leaks
t_done
