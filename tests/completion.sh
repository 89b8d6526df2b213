#!/bin/sh
# tests/completion.sh: completion/hsm-onboard, sourced in a real bash, fills COMPREPLY with the commands
# and options that the built binary's --help lists, the profiles on disk and the option values.
. "$top_srcdir/tests/lib.sh"

t_need_tool bash bash
COMPLETION="$top_srcdir/completion/hsm-onboard"

# comp WORD...: completes the last WORD of "hsm-onboard WORD..." and prints COMPREPLY, sorted.
comp() {
	bash --norc --noprofile -c '
		set -u
		. "$1" || exit 99
		shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_hsm_onboard "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" || exit 99
		[ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}"' \
		bash "$COMPLETION" "$HSMO" "$@" | LC_ALL=C sort
}

# expect NAME WANT-FILE WORD...: the completion of WORD... must be exactly the lines of WANT-FILE.
expect() {
	name=$1 want=$2
	shift 2
	comp "$@" > "$T_DIR/got"
	LC_ALL=C sort "$want" > "$T_DIR/want"
	if ! cmp -s "$T_DIR/got" "$T_DIR/want"; then
		diff "$T_DIR/want" "$T_DIR/got" >&2 || true
		t_fail "$name: completion of '$*' differs from the expected list (- expected, + got)"
	fi
	t_ok "$name ($(wc -l < "$T_DIR/want") candidates)"
}

# The lists, parsed here independently of the completion (awk rather than its sed and grep).
LC_ALL=C "$HSMO" --help > "$T_DIR/help" 2>/dev/null
awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on && /^  [a-z]/ { print $1 }' "$T_DIR/help" \
	> "$T_DIR/commands"
t_grep "$T_DIR/help" "--profile" "the help lists the common options"
n_commands=$(wc -l < "$T_DIR/commands")

expect "commands" "$T_DIR/commands" ""
printf '%s\n' --profile > "$T_DIR/w"
expect "a common option by its prefix" "$T_DIR/w" --prof
printf '%s\n' --passphrase-fd --profile > "$T_DIR/w"
expect "two common options by their prefix" "$T_DIR/w" --p

# Profiles: the directories under $XDG_STATE_HOME/hsm-onboard, not the files there.
mkdir -p "$XDG_STATE_HOME/hsm-onboard/acme-prod" "$XDG_STATE_HOME/hsm-onboard/acme-test" \
	"$XDG_STATE_HOME/hsm-onboard/zeta"
: > "$XDG_STATE_HOME/hsm-onboard/not-a-profile"
printf '%s\n' acme-prod acme-test zeta > "$T_DIR/w"
expect "profile names" "$T_DIR/w" --profile ""
printf '%s\n' acme-prod acme-test > "$T_DIR/w"
expect "profile names by prefix" "$T_DIR/w" --profile acme
expect "profile names after --profile=" "$T_DIR/w" --profile = acme
expect "the command after --profile NAME" "$T_DIR/commands" --profile zeta ""

# A value that is a file: --cacert FILE.
mkdir -p "$T_DIR/ca"
: > "$T_DIR/ca/root-ca.pem"
printf '%s\n' "$T_DIR/ca/root-ca.pem" > "$T_DIR/w"
expect "--cacert completes file names" "$T_DIR/w" --cacert "$T_DIR/ca/ro"
# check's client certificate and key (mutual TLS of a dedicated TSBaaS) are files too.
expect "check --cert completes file names" "$T_DIR/w" check --cert "$T_DIR/ca/ro"
expect "check --key completes file names" "$T_DIR/w" check --api-endpoint https://x --key "$T_DIR/ca/ro"

# Every command: its own options and the common ones, exactly those of its --help.
engine_cmd=
while read -r c; do
	{ LC_ALL=C "$HSMO" "$c" --help; cat "$T_DIR/help"; } 2>/dev/null | grep -oE -- '--[a-z][a-z0-9-]*' \
		| LC_ALL=C sort -u > "$T_DIR/opts-$c"
	expect "options of '$c'" "$T_DIR/opts-$c" "$c" --
	expect "options of '$c' after a common option" "$T_DIR/opts-$c" --profile zeta "$c" --
	LC_ALL=C "$HSMO" "$c" --help 2>/dev/null | grep -q -- '--engine' && engine_cmd=$c
done < "$T_DIR/commands"

# The value lists known to the completion: every value must be named in the help of the command that
# takes the option, so a renamed or dropped value fails here.
while read -r c; do
	LC_ALL=C "$HSMO" "$c" --help > "$T_DIR/h" 2>/dev/null
	for opt in --engine --tier --service-type --format --api; do
		grep -qE -- "$opt([^a-z-]|\$)" "$T_DIR/h" || continue
		comp "$c" "$opt" "" > "$T_DIR/values"
		[ -s "$T_DIR/values" ] || t_fail "'$c $opt' completes no value"
		while read -r v; do
			grep -qiw -- "$v" "$T_DIR/h" || t_fail "'$c $opt' completes '$v', which '$c --help' does not name"
		done < "$T_DIR/values"
		t_ok "'$c $opt' completes $(tr '\n' ' ' < "$T_DIR/values")(each named in its help)"
	done
done < "$T_DIR/commands"

# Cluster names come from the cluster table, through `hsm-onboard clusters`.
if grep -qx 'clusters' "$T_DIR/commands" && [ -f "$top_srcdir/data/clusters.conf" ]; then
	export HSM_ONBOARD_DATADIR="$top_srcdir/data"
	sed 's/#.*//' "$top_srcdir/data/clusters.conf" | grep -oE '(^|[{;[:space:]])name[[:space:]]*=[[:space:]]*"[^"]*"' \
		| sed 's/.*"\([^"]*\)"/\1/' > "$T_DIR/w"
	[ -s "$T_DIR/w" ] || t_fail "no cluster name found in data/clusters.conf"
	cluster_cmd=$(while read -r c; do LC_ALL=C "$HSMO" "$c" --help 2>/dev/null | grep -q -- '--cluster' && echo "$c"; done \
		< "$T_DIR/commands" | head -n 1)
	[ -z "$cluster_cmd" ] || expect "--cluster values of '$cluster_cmd' (the cluster table)" "$T_DIR/w" "$cluster_cmd" --cluster ""
fi

if [ -n "$engine_cmd" ]; then
	printf '%s\n' jce pkcs11 primus > "$T_DIR/w"
	expect "--engine values ($engine_cmd)" "$T_DIR/w" "$engine_cmd" --engine ""
	printf '%s\n' primus > "$T_DIR/w"
	expect "--engine=pr" "$T_DIR/w" "$engine_cmd" --engine = pr
else
	echo "# no command takes --engine yet: its values are not checked"
fi
[ "$n_commands" -gt 0 ] || echo "# the help lists no command yet: only the common options were checked"
t_done
