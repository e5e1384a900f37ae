# tests/ct-lab.sh - a small NAT lab for the conntrack tests and fixtures
# (sourced after tests/lib.sh, bash). Three namespaces made with t_netns,
# deleted by lib.sh's EXIT trap; nothing touches the root namespace.
#
#   C "lan client"  c0 172.20.0.2/24 fd00:20::2/64
#        |
#   R "router"      lan0 172.20.0.1/24 fd00:20::1/64   (forwarding, acct=1)
#                   wan0 203.0.113.1/24 2001:db8:113::1/64
#        |
#   E "internet"    e0 203.0.113.2/24 2001:db8:113::2/64
#
# NAT on R: MASQUERADE out of wan0 (IPv4 and IPv6); DNAT 203.0.113.1:8080
# -> 172.20.0.2:80; port 8081 is DNATed to the same server and also
# MASQUERADEd into the LAN (both). Servers: TCP echo on E:80, C:80, UDP
# sink on E:5353.

CT_LAB_N=0

# ct_lab_bg NS CMD...: run CMD in NS in the background, in a session of its
# own; the whole process group is killed on exit. (`ip netns exec` may
# fork, and socat forks per connection: $! alone would leave them behind.)
ct_lab_bg() {
	local ns=$1; shift
	local pidfile="${CT_LAB_TMP:?}/bg.$((CT_LAB_N += 1))"
	setsid sh -c 'echo $$ >"$1"; shift; exec ip netns exec "$@"' sh "$pidfile" "$ns" "$@" \
		</dev/null >/dev/null 2>&1 &
	local pgid
	wait_for 5 test -s "$pidfile" || fail "background command did not start: $*"
	pgid=$(cat "$pidfile")
	at_exit "kill -- -$pgid 2>/dev/null"
}

ct_lab_listening() { ip netns exec "$1" ss -Hln "$2" | grep -q "$3"; }

ct_lab_up() {
	CT_LAB_TMP=$(mktemp -d)
	at_exit "rm -rf $CT_LAB_TMP"
	t_netns ctc >/dev/null
	t_netns ctr >/dev/null
	t_netns cte >/dev/null
	NS_C=$T_PREFIX-ctc
	NS_R=$T_PREFIX-ctr
	NS_E=$T_PREFIX-cte

	# created inside R, the other ends moved straight into C and E
	ip -n "$NS_R" link add lan0 type veth peer name c0 netns "$NS_C" || fail "veth lan"
	ip -n "$NS_R" link add wan0 type veth peer name e0 netns "$NS_E" || fail "veth wan"
	ip netns exec "$NS_R" sysctl -qw net.netfilter.nf_conntrack_acct=1 \
		net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	ip netns exec "$NS_C" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	ip netns exec "$NS_R" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	ip netns exec "$NS_E" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0

	ip -n "$NS_C" addr add 172.20.0.2/24 dev c0
	ip -n "$NS_C" addr add fd00:20::2/64 dev c0 nodad
	ip -n "$NS_C" link set c0 up
	ip -n "$NS_R" addr add 172.20.0.1/24 dev lan0
	ip -n "$NS_R" addr add fd00:20::1/64 dev lan0 nodad
	ip -n "$NS_R" addr add 203.0.113.1/24 dev wan0
	ip -n "$NS_R" addr add 2001:db8:113::1/64 dev wan0 nodad
	ip -n "$NS_R" link set lan0 up
	ip -n "$NS_R" link set wan0 up
	ip -n "$NS_E" addr add 203.0.113.2/24 dev e0
	ip -n "$NS_E" addr add 2001:db8:113::2/64 dev e0 nodad
	ip -n "$NS_E" link set e0 up
	ip -n "$NS_C" route add default via 172.20.0.1
	ip -n "$NS_C" -6 route add default via fd00:20::1

	local R="ip netns exec $NS_R"
	$R iptables -t nat -A POSTROUTING -o wan0 -j MASQUERADE || fail "iptables MASQUERADE"
	$R ip6tables -t nat -A POSTROUTING -o wan0 -j MASQUERADE || fail "ip6tables MASQUERADE"
	$R iptables -t nat -A PREROUTING -i wan0 -p tcp --dport 8080 \
		-j DNAT --to-destination 172.20.0.2:80 || fail "iptables DNAT"
	$R iptables -t nat -A PREROUTING -i wan0 -p tcp --dport 8081 \
		-j DNAT --to-destination 172.20.0.2:80 || fail "iptables DNAT 8081"
	$R iptables -t nat -A POSTROUTING -o lan0 -p tcp -m conntrack --ctorigdstport 8081 \
		-j MASQUERADE || fail "iptables hairpin MASQUERADE"

	ct_lab_bg "$NS_E" socat TCP-LISTEN:80,fork,reuseaddr EXEC:cat
	ct_lab_bg "$NS_C" socat TCP-LISTEN:80,fork,reuseaddr EXEC:cat
	ct_lab_bg "$NS_E" socat -u UDP-RECV:5353 /dev/null
	wait_for 5 ct_lab_listening "$NS_E" -t ':80 ' || fail "server on E:80"
	wait_for 5 ct_lab_listening "$NS_C" -t ':80 ' || fail "server on C:80"
	wait_for 5 ct_lab_listening "$NS_E" -u ':5353 ' || fail "udp sink on E:5353"
}

# ct_lab_tcp_hold NS DST PORT: open a TCP connection and keep it open
# (ESTABLISHED) until exit; "ping" goes through the echo server.
ct_lab_tcp_hold() {
	ct_lab_bg "$1" sh -c "(echo ping; sleep 600) | socat - TCP:$2:$3"
}

# ct_lab_traffic: the flows the fixtures and the live test look at.
ct_lab_traffic() {
	ip netns exec "$NS_C" ping -c 2 -i 0.2 -W 2 203.0.113.2 >/dev/null || fail "ping C -> E (MASQUERADE)"
	ip netns exec "$NS_C" ping -6 -c 2 -i 0.2 -W 2 2001:db8:113::2 >/dev/null || fail "ping6 C -> E"
	ip netns exec "$NS_R" ping -c 1 -W 2 203.0.113.2 >/dev/null || fail "ping R -> E"
	echo hello | ip netns exec "$NS_C" socat -u - UDP-SENDTO:203.0.113.2:5353 || fail "udp C -> E"
	# a finished connection (TIME_WAIT) and three held ones
	echo bye | ip netns exec "$NS_C" socat - TCP:203.0.113.2:80 >/dev/null || fail "tcp C -> E"
	ct_lab_tcp_hold "$NS_C" 203.0.113.2 80     # MASQUERADE
	ct_lab_tcp_hold "$NS_E" 203.0.113.1 8080   # DNAT
	ct_lab_tcp_hold "$NS_E" 203.0.113.1 8081   # DNAT + MASQUERADE
	wait_for 5 ct_lab_established 3 || fail "3 established TCP connections through R"
}

ct_lab_established() {
	[ "$(ip netns exec "$NS_R" conntrack -L -p tcp --state ESTABLISHED 2>/dev/null | wc -l)" -ge "$1" ]
}

# ct_lab_extra: what helpers, zones and other protocols add, on R (needs
# python3 for raw GRE and protocol-99 packets and the FTP client):
#   UDP C -> E:5001 through CT --zone-reply 11, :5002 --zone-orig 9,
#   :5003 --zone 7 (all in raw PREROUTING);
#   two GRE (version 1, PPTP) flows C -> E with call ids 0x1234, 0x5678;
#   an FTP control connection R -> E:21 through CT --helper ftp, with ct
#   labels 3 and 100: PORT 51210, E connects (a RELATED flow whose master
#   is the control connection), then PORT 51211 (a pending expectation);
#   one packet of IP protocol 99 R -> E.
# Returns 77 (with a reason on stderr) when the kernel lacks a piece.
ct_lab_extra() {
	local R="ip netns exec $NS_R" py="$CT_LAB_TMP/extra.py"
	$R iptables -t raw -A PREROUTING -i lan0 -p udp --dport 5001 -j CT --zone-reply 11 &&
	$R iptables -t raw -A PREROUTING -i lan0 -p udp --dport 5002 -j CT --zone-orig 9 &&
	$R iptables -t raw -A PREROUTING -i lan0 -p udp --dport 5003 -j CT --zone 7 \
		|| { echo "no CT --zone-orig/--zone-reply (CONFIG_NF_CONNTRACK_ZONES)" >&2; return 77; }
	$R iptables -t raw -A OUTPUT -p tcp --dport 21 -j CT --helper ftp 2>/dev/null \
		|| { echo "no ftp conntrack helper (nf_conntrack_ftp)" >&2; return 77; }
	$R iptables -A OUTPUT -p tcp --dport 21 -m connlabel --label 3 --set &&
	$R iptables -A OUTPUT -p tcp --dport 21 -m connlabel --label 100 --set \
		|| { echo "no connlabel match (CONFIG_NF_CONNTRACK_LABELS)" >&2; return 77; }

	local p
	for p in 5001 5002 5003; do
		echo zone | ip netns exec "$NS_C" socat -u - "UDP-SENDTO:203.0.113.2:$p" || fail "udp :$p"
	done
	cat >"$py" <<'PY'
import os, socket, struct, sys, time
what = sys.argv[1]
if what == "gre":
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_GRE)
    for call in (0x1234, 0x5678):
        # GRE version 1 (PPTP): key present, protocol PPP, payload length, call id
        s.sendto(struct.pack("!HHHHI", 0x3001, 0x880B, 4, call, 1) + b"abcd", (sys.argv[2], 0))
elif what == "p99":
    socket.socket(socket.AF_INET, socket.SOCK_RAW, 99).sendto(b"ninety-nine", (sys.argv[2], 0))
elif what == "ftp":
    # the helper reads a command only after a first complete line
    c = socket.create_connection((sys.argv[2], 21))
    c.sendall(b"USER anonymous\r\n"); c.recv(100)
    c.sendall(b"PORT 203,0,113,1,200,10\r\n"); c.recv(100)
    while not os.path.exists(sys.argv[3]):
        time.sleep(0.05)
    c.sendall(b"PORT 203,0,113,1,200,11\r\n"); c.recv(100)
    time.sleep(600)
PY
	ip netns exec "$NS_C" python3 "$py" gre 203.0.113.2 || fail "GRE packets"
	$R python3 "$py" p99 203.0.113.2 || fail "protocol 99 packet"
	ct_lab_bg "$NS_E" socat TCP-LISTEN:21,fork,reuseaddr EXEC:cat
	ct_lab_bg "$NS_R" socat TCP-LISTEN:51210,fork,reuseaddr EXEC:cat
	wait_for 5 ct_lab_listening "$NS_E" -t ':21 ' || fail "server on E:21"
	wait_for 5 ct_lab_listening "$NS_R" -t ':51210 ' || fail "data listener on R:51210"
	ct_lab_bg "$NS_R" python3 "$py" ftp 203.0.113.2 "$CT_LAB_TMP/port2"
	wait_for 10 ct_lab_expects 51210 || fail "no expectation for the first PORT"
	ct_lab_tcp_hold "$NS_E" 203.0.113.1 51210
	wait_for 5 ct_lab_established_to 51210 || fail "no data connection to R:51210"
	touch "$CT_LAB_TMP/port2"
	wait_for 5 ct_lab_expects 51211 || fail "no expectation for the second PORT"
}

ct_lab_expects() { ip netns exec "$NS_R" conntrack -L expect 2>/dev/null | grep -q "dport=$1 "; }
ct_lab_established_to() {
	ip netns exec "$NS_R" conntrack -L -p tcp --dport "$1" --state ESTABLISHED 2>/dev/null | grep -q .
}
