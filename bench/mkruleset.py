#!/usr/bin/env python3
"""bench/mkruleset.py N: an iptables-restore file of N rules, 80% filter in
user chains of ~50 rules each (jumped to from FORWARD), 20% nat, like a
busy Docker/Kubernetes host. Addresses are documentation ranges."""
import sys

n = int(sys.argv[1])
nf, nn = n * 8 // 10, n - n * 8 // 10
out = ["*filter", ":INPUT ACCEPT [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]"]
chains = max(1, nf // 50)
for c in range(chains):
    out.append(":fw-%05d - [0:0]" % c)
body = []
for c in range(chains):
    body.append("-A FORWARD -d 198.51.%d.%d/32 -j fw-%05d" % (c // 250 % 250, c % 250, c))
for i in range(nf - chains):
    c = i % chains
    body.append("-A fw-%05d -s 192.0.2.%d/32 -p tcp -m tcp --dport %d -j ACCEPT" % (c, i % 250, 1024 + i % 60000))
out += body + ["COMMIT", "*nat", ":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]",
               ":OUTPUT ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]", ":nat-svc - [0:0]",
               "-A PREROUTING -j nat-svc"]
for i in range(nn - 1):
    out.append("-A nat-svc -d 203.0.113.%d/32 -p tcp -m tcp --dport %d -j DNAT --to-destination 198.51.100.%d:80"
               % (i % 250, 1024 + i % 60000, i % 250))
out.append("COMMIT")
print("\n".join(out))
