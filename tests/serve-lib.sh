# tests/serve-lib.sh - helpers for the iptop --serve tests (sourced after
# lib.sh): start the exporter inside a test namespace (so every request
# stays on that namespace's loopback) and fetch from it.

SERVE_PORT=9617
SERVE_PID=

# serve_start NS [IPTOP ARGS...]: iptop --serve 127.0.0.1:9617 in NS, killed
# at exit; returns once / answers. Its stderr is in $tmp/serve.err.
serve_start() {
	local ns=$1; shift
	ip netns exec "$ns" "$IPTOP" --serve "127.0.0.1:$SERVE_PORT" "$@" 2>"$tmp/serve.err" &
	SERVE_PID=$!
	at_exit "kill $SERVE_PID 2>/dev/null"
	wait_for 20 ip netns exec "$ns" curl -sf -o /dev/null "http://127.0.0.1:$SERVE_PORT/" ||
		{ cat "$tmp/serve.err" >&2; fail "iptop --serve did not answer in $ns"; }
}

# serve_stop: stop the last one started (SIGTERM), which must exit 0
# (a sanitizer build fails here on a leak or an error at exit).
serve_stop() {
	local rc=0
	kill "$SERVE_PID" 2>/dev/null
	wait "$SERVE_PID" 2>/dev/null || rc=$?
	SERVE_PID=
	[ $rc = 0 ] || { cat "$tmp/serve.err" >&2; fail "iptop --serve exited $rc after SIGTERM"; }
}

# fetch NS PATH [CURL ARGS...]: the body of http://127.0.0.1:9617PATH.
fetch() {
	local ns=$1 path=$2; shift 2
	ip netns exec "$ns" curl -s --max-time 20 "$@" "http://127.0.0.1:$SERVE_PORT$path"
}
