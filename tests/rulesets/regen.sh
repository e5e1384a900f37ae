#!/bin/bash
# regen.sh - turn the rulesets in tests/rulesets/ into rule-text fixtures:
# for each NAME, in a throw-away network namespace (unshare -n), load it and
# write
#   OUT/NAME.nlmsg     the raw NFT_MSG_GETRULE dump, then the GETSET dump
#                      and each anonymous set's GETSETELEM (tools/nlrec)
#   OUT/NAME.expected  what the system's own tools print for each rule:
#                        *FAMILY TABLE        a table starts
#                        -A CHAIN ...         `iptables -S` / `ip6tables -S`
#                        @nft CHAIN ...       `nft list table` (counter
#                                             numbers and handles removed)
#
# Inputs, by suffix:
#   NAME.rules   iptables-restore file      NAME.rules6  ip6tables-restore file
#   NAME.nft     nft -f file                NAME.arprules arptables-restore file
#                (its arp filter table is listed with `arptables -S`)
#   NAME.ebrules ebtables-restore file: its bridge filter, nat and broute
#                tables are listed with `ebtables-save` (1.8.9 has no -S);
#                a user chain's policy other than RETURN, which
#                ebtables-nft keeps as a hidden last rule, is expected as
#                "-P CHAIN POLICY"
#   NAME.ipset   `ipset restore` file loaded before the rules; writes
#                OUT/NAME.ipsets ("INDEX NAME" lines) for -m set / -j SET
#   NAME.nft-add nft -f file applied afterwards with `add rule` only, to put
#                native rules into iptables tables. Where iptables can still
#                list the table, its -S lines are the expectation; where it
#                refuses ("incompatible"), the lines from before the
#                addition are kept and the added rules are expected as @nft.
#
# usage: regen.sh [-o OUTDIR] [NAME...]     (default OUTDIR: tests/fixtures,
#        default NAMEs: every ruleset). Needs root and unshare; never touches
#        the calling namespace's firewall. NLREC=path overrides tools/nlrec.
set -eu
# nft writes `meta hour`/`meta time` in local time: fixtures are in UTC
export TZ=UTC

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
: "${top_builddir:=$top}"
NLREC=${NLREC:-$top_builddir/tools/nlrec}

# --- inside the namespace: one ruleset ------------------------------------
if [ "${1:-}" = "--inner" ]; then
	name=$2 out=$3
	ipt_tables="filter nat mangle raw security"
	ip link set lo up
	# load quietly (iptables warns about deprecated options), loudly on error
	load() { "$@" 2>"$out/.regen.err" || { cat "$out/.regen.err" >&2; exit 1; }; }
	# NAME.ipset: the ipsets NAME's rules name (`ipset restore` input),
	# created first; OUT/NAME.ipsets gets "INDEX NAME" per set, the
	# kernel's names for the indexes in -m set / -j SET blobs (a fresh
	# namespace numbers sets in creation order; `ipset list -n` lists
	# them in index order)
	if [ -f "$here/$name.ipset" ]; then
		grep -v '^#' "$here/$name.ipset" | load ipset restore
		ipset list -n | awk '{ print NR - 1, $0 }' >"$out/$name.ipsets"
	fi
	[ -f "$here/$name.rules" ] && load iptables-restore "$here/$name.rules"
	[ -f "$here/$name.rules6" ] && load ip6tables-restore "$here/$name.rules6"
	[ -f "$here/$name.nft" ] && load nft -f "$here/$name.nft"
	[ -f "$here/$name.arprules" ] && load arptables-restore <"$here/$name.arprules"
	[ -f "$here/$name.ebrules" ] && grep -v '^#' "$here/$name.ebrules" | load ebtables-restore

	# ebt_list -t TABLE -S: ebtables-save's lines of TABLE, then "-P CHAIN
	# POLICY" for each user chain whose policy is a hidden rule
	ebt_list() {
		ebtables-save | awk -v t="*$2" '
			/^\*/ { on = ($0 == t); next }
			!on { next }
			/^-A / { print; next }
			/^:/ {
				c = substr($1, 2)
				if (c !~ /^(INPUT|FORWARD|OUTPUT|PREROUTING|POSTROUTING|BROUTING)$/ && $2 != "RETURN")
					pol = pol "-P " c " " $2 "\n"
			}
			END { printf "%s", pol }'
	}

	# ipt_cmd FAMILY: the -S tool for an iptables-nft family, or nothing
	ipt_cmd() { case $1 in ip) echo iptables ;; ip6) echo ip6tables ;; arp) echo arptables ;; bridge) echo ebt_list ;; esac; }
	# the lines of a -S listing that are rules
	rule_rx() { if [ "$1" = bridge ]; then echo '^-[AP] '; else echo '^-A'; fi; }
	is_ipt_table() {
		[ "$1" = arp ] && { [ "$2" = filter ]; return; }
		# bridge tables are ebtables' only where the ruleset says so
		[ "$1" = bridge ] && { [ -f "$here/$name.ebrules" ] && case $2 in filter | nat | broute) return 0 ;; esac; return 1; }
		[ -n "$(ipt_cmd "$1")" ] && case " $ipt_tables " in *" $2 "*) return 0 ;; esac
		return 1
	}
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	# what iptables lists before native rules are added
	nft list tables | while read -r _ fam tbl; do
		is_ipt_table "$fam" "$tbl" || continue
		"$(ipt_cmd "$fam")" -t "$tbl" -S 2>/dev/null | grep "$(rule_rx "$fam")" >"$tmp/before.$fam.$tbl" || :
		# rule handles count per table: remember where this one was
		nft -a list table "$fam" "$tbl" 2>/dev/null |
			sed -n 's/.*# handle \([0-9]*\)$/\1/p' | sort -n | tail -1 >"$tmp/maxh.$fam.$tbl"
	done
	[ -f "$here/$name.nft-add" ] && load nft -f "$here/$name.nft-add"
	rm -f "$out/.regen.err"

	"$NLREC" "$out/$name.nlmsg"

	# nft_rules FAMILY TABLE MINHANDLE: "@nft CHAIN rule" for rules with a
	# larger handle, from `nft -a list table`
	nft_rules() {
		nft -a list table "$1" "$2" 2>/dev/null | awk -v minh="$3" '
			/^\t[a-z]+ [^ ]+ \{( # handle [0-9]+)?$/ { chain = ($1 == "chain") ? $2 : ""; next }
			/^\t\}$/ { chain = ""; next }
			chain == "" { next }
			/^\t\t/ {
				line = $0; sub(/^\t\t/, "", line)
				if (line ~ /^(type|policy|comment|devices) /) next
				h = line; if (!sub(/.* # handle /, "", h)) next
				if (h + 0 <= minh + 0) next
				sub(/ # handle [0-9]+$/, "", line)
				gsub(/counter packets [0-9]+ bytes [0-9]+/, "counter", line)
				print "@nft " chain " " line
			}'
	}
	nft list tables | while read -r _ fam tbl; do
		echo "*$fam $tbl"
		if is_ipt_table "$fam" "$tbl"; then
			# iptables refuses a table with foreign rules, or (for some
			# expressions) silently leaves the rule out: count them
			lines=$("$(ipt_cmd "$fam")" -t "$tbl" -S 2>/dev/null) || lines=FAILED
			nipt=$(printf '%s\n' "$lines" | grep -c "$(rule_rx "$fam")" || :)
			nall=$(nft_rules "$fam" "$tbl" 0 | wc -l)
			if [ "$lines" != FAILED ] && [ "$nipt" -eq "$nall" ]; then
				printf '%s\n' "$lines" | grep "$(rule_rx "$fam")" || :
			else
				cat "$tmp/before.$fam.$tbl" 2>/dev/null || :
				nft_rules "$fam" "$tbl" "$(cat "$tmp/maxh.$fam.$tbl" 2>/dev/null || echo 0)"
			fi
		else
			nft_rules "$fam" "$tbl" 0
		fi
	done >"$out/$name.expected"
	exit 0
fi

# --- outside: one namespace per ruleset -----------------------------------
out=$top/tests/fixtures
if [ "${1:-}" = "-o" ]; then
	out=$2
	shift 2
fi
[ "$(id -u)" = 0 ] || { echo "regen.sh: needs root (unshare -n)" >&2; exit 77; }
[ -x "$NLREC" ] || { echo "regen.sh: build $NLREC first" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for f in "$here"/*.rules "$here"/*.rules6 "$here"/*.nft "$here"/*.arprules "$here"/*.ebrules; do
		[ -e "$f" ] || continue
		n=${f##*/}
		# xtables.*: legacy-only extensions (tests/fixtures/make-legacy-fixtures.sh)
		[ "${n%.*}" = xtables ] && continue
		names+=("${n%.*}")
	done
fi
status=0
for name in $(printf '%s\n' "${names[@]}" | sort -u); do
	if NLREC=$NLREC unshare -n bash "${BASH_SOURCE[0]}" --inner "$name" "$out"; then
		echo "regen: $name: $(grep -c -v '^\*' "$out/$name.expected") rules"
	else
		echo "regen: $name: FAILED" >&2
		status=1
	fi
done
exit $status
