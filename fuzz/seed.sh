#!/bin/bash
# fuzz/seed.sh - rebuild the seed corpora fuzz/corpus/NAME/ from the real
# recorded fixtures in tests/fixtures/ and the themes in themes/. Run by hand
# after the fixtures change; the result is checked in (keep it small).
#
#   rule-text   one NEWRULE message per file, one per distinct expression
#               list (expression names, x_tables match/target names), with
#               the NEWSET/NEWSETELEM messages of the sets it looks up
#   ruleset     per fixture: the 5-byte header of fuzz-ruleset.c, then
#               NEWTABLE and NEWCHAIN messages made from the names and
#               families the rules use (built-in chains get their hook,
#               priority, type and policy counters), then the NEWRULE
#               messages (at most ~4 KiB of them); with flag 64 and the
#               sets part when the rules look up sets the fixture holds
#   conntrack   each ct-*.nlmsg whole, and each of its messages alone
#   trace       the REC_TRACE messages of trace-lab.nlmsg (nf_tables) and of
#               trace-legacy.nlmsg (nfnetlink_log TRACE lines too) in runs of 12,
#               and a few trace filters as text
#   theme       themes/*
#   record      trace-lab.nlmsg, trace-walkthrough.rec, trace-legacy-ruleset.rec,
#               the first ~40 KiB of lab-walkthrough.rec
#               (whole frames), and small recordings made of the above: two
#               ruleset snapshots (the second reusing the tables), an error
#               frame, a NEWGEN event, a conntrack dump and events
#   legacy      each table of the legacy-*.blob fixtures up to 8 KiB alone
#               (header, entries, padding), and legacy-insert-a.blob whole
#
# usage: fuzz/seed.sh [BUILDDIR]
#   With BUILDDIR holding the fuzz/fuzz-* binaries (./configure
#   --enable-fuzzing), each corpus is then minimised with libFuzzer's
#   -merge=1 (only inputs that add coverage are kept).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${1:-}
command -v python3 >/dev/null || { echo "seed.sh: needs python3" >&2; exit 1; }

out="$here/corpus"
rm -rf "$out.new"
mkdir -p "$out.new"

python3 - "$top" "$out.new" <<'PY'
import glob, os, struct, sys

top, out = sys.argv[1], sys.argv[2]
fix = os.path.join(top, "tests", "fixtures")
NFNL_SUBSYS_NFTABLES = 10
NEWTABLE, NEWCHAIN, NEWRULE, NEWGEN, TRACE = 0, 3, 6, 16, 13
NEWSET, NEWSETELEM = 9, 12

def put(name, rel, data):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, rel), "wb") as f:
        f.write(data)

def msgs(data):
    o = 0
    while o + 16 <= len(data):
        l = struct.unpack_from("<I", data, o)[0]
        if l < 16 or o + l > len(data):
            break
        yield data[o:o + l]
        o += (l + 3) & ~3

def pad(b):
    return b + b"\0" * (-len(b) % 4)

def attr(t, payload):
    return pad(struct.pack("<HH", 4 + len(payload), t) + payload)

def nest(t, payload):
    return attr(t | 0x8000, payload)

def s(x):
    return x.encode() + b"\0"

def be32(v):
    return struct.pack(">I", v & 0xffffffff)

def be64(v):
    return struct.pack(">Q", v)

def nlmsg(mtype, family, payload, flags=0x2, seq=0):
    body = struct.pack("<BBH", family, 0, 0) + payload
    return pad(struct.pack("<IHHII", 16 + len(body), mtype, flags, seq, 0) + body)

def attrs(payload):
    o = 0
    while o + 4 <= len(payload):
        l, t = struct.unpack_from("<HH", payload, o)
        if l < 4:
            break
        yield t & 0x3fff, payload[o + 4:o + l]
        o += (l + 3) & ~3

def cstr(b):
    return b.split(b"\0", 1)[0].decode("latin-1")

def rule_info(m):
    family = m[16]
    info = {"family": family, "sig": [], "sets": []}
    for t, p in attrs(m[20:]):
        if t == 1:
            info["table"] = cstr(p)
        elif t == 2:
            info["chain"] = cstr(p)
        elif t == 4:
            for _, e in attrs(p):
                name, data = "", b""
                for et, ep in attrs(e):
                    if et == 1:
                        name = cstr(ep)
                    elif et == 2:
                        data = ep
                # NFTA_LOOKUP_SET, NFTA_OBJREF_SET_NAME
                for dt, dp in attrs(data):
                    if (name, dt) in (("lookup", 1), ("objref", 4)):
                        info["sets"].append(cstr(dp))
                if name in ("match", "target"):
                    for dt, dp in attrs(data):
                        if dt == 1:
                            name += ":" + cstr(dp)
                info["sig"].append(name)
    info["sig"] = tuple(info["sig"])
    return info

# --- rule-text and ruleset ---------------------------------------------------
HOOKS = {"PREROUTING": 0, "INPUT": 1, "FORWARD": 2, "OUTPUT": 3, "POSTROUTING": 4}
PRIO = {"raw": -300, "mangle": -150, "nat": -100, "filter": 0, "security": 150}
nft_hooks = {"prerouting": 0, "input": 1, "forward": 2, "output": 3, "postrouting": 4}

def table_msg(family, name, handle):
    return nlmsg((NFNL_SUBSYS_NFTABLES << 8) | NEWTABLE, family,
                 attr(1, s(name)) + attr(2, be32(0)) + attr(3, be32(1)) + attr(4, be64(handle)))

def chain_msg(family, table, name, handle, counters):
    p = attr(1, s(table)) + attr(2, be64(handle)) + attr(3, s(name))
    hook = HOOKS.get(name)
    if hook is None and name in nft_hooks:
        hook = nft_hooks[name]
    if hook is not None:
        prio = PRIO.get(table, 0)
        if table == "nat" and hook in (1, 4):
            prio = 100
        ctype = "nat" if "nat" in table else ("route" if table == "mangle" and hook == 3 else "filter")
        p += nest(4, attr(1, be32(hook)) + attr(2, be32(prio)))
        p += attr(5, be32(1)) + attr(6, be32(0)) + attr(7, s(ctype))
        if counters:
            p += nest(8, attr(1, be64(4242)) + attr(2, be64(42)))
    else:
        p += attr(6, be32(1))
    return nlmsg((NFNL_SUBSYS_NFTABLES << 8) | NEWCHAIN, family, p)

seen = set()
rulesets = {}
for path in sorted(glob.glob(os.path.join(fix, "*.nlmsg"))):
    base = os.path.basename(path)[:-6]
    data = open(path, "rb").read()
    if data[:8] == b"IPTOPREC" or base.startswith(("ct-", "route-")):
        continue
    rules = [m for m in msgs(data) if struct.unpack_from("<H", m, 4)[0] == (NFNL_SUBSYS_NFTABLES << 8) | NEWRULE]
    # set messages by (family, table, set): NEWSET, then its NEWSETELEMs
    setmsgs = {}
    for m in msgs(data):
        if struct.unpack_from("<H", m, 4)[0] not in ((NFNL_SUBSYS_NFTABLES << 8) | NEWSET,
                                                     (NFNL_SUBSYS_NFTABLES << 8) | NEWSETELEM):
            continue
        a = dict(attrs(m[20:]))
        key = (m[16], cstr(a.get(1, b"")), cstr(a.get(2, b"")))
        setmsgs[key] = setmsgs.get(key, b"") + pad(m)
    def sets_of(ms):
        out, done = b"", set()
        for m in ms:
            info = rule_info(m)
            for name in info["sets"]:
                key = (info["family"], info.get("table", "?"), name)
                if key in setmsgs and key not in done:
                    done.add(key)
                    out += setmsgs[key]
        return out
    n = 0
    for i, m in enumerate(rules):
        info = rule_info(m)
        if info["sig"] in seen:
            continue
        seen.add(info["sig"])
        put("rule-text", "%s-%03d" % (base, i), pad(m) + sets_of([m]))
        n += 1
    # ruleset: the first ~4 KiB of rules with their tables and chains
    kept, size = [], 0
    for m in rules:
        if size + len(m) > 4096 and kept:
            break
        kept.append(m)
        size += len(m)
    tables, chains = [], []
    for m in kept:
        info = rule_info(m)
        t = (info["family"], info.get("table", "?"))
        c = t + (info.get("chain", "?"),)
        if t not in tables:
            tables.append(t)
        if c not in chains:
            chains.append(c)
    tb = b"".join(table_msg(f, n_, i + 1) for i, (f, n_) in enumerate(tables))
    ch = b"".join(chain_msg(f, t, n_, i + 1, i % 2 == 0) for i, (f, t, n_) in enumerate(chains))
    rb = b"".join(pad(m) for m in kept)
    sb = sets_of(kept)[:16384]
    rulesets[base] = (tb, ch, rb, sb)
    if sb:
        put("ruleset", base, struct.pack("<HHBH", len(tb), len(ch), 64, len(sb)) + tb + ch + sb + rb)
    else:
        put("ruleset", base, struct.pack("<HHB", len(tb), len(ch), 0) + tb + ch + rb)
# the flag variants on one small fixture
if "mixed" in rulesets:
    tb, ch, rb, sb = rulesets["mixed"]
    for flags in (1, 2, 4, 8 | 32, 16 | 3):
        put("ruleset", "mixed-flags%d" % flags, struct.pack("<HHB", len(tb), len(ch), flags) + tb + ch + rb)

# --- conntrack ---------------------------------------------------------------
ct = {}
for path in sorted(glob.glob(os.path.join(fix, "ct-*.nlmsg"))):
    base = os.path.basename(path)[:-6]
    data = open(path, "rb").read()
    ct[base] = data
    put("conntrack", base, data)
    for i, m in enumerate(msgs(data)):
        put("conntrack", "%s-%02d" % (base, i), m)

# --- trace and record ----------------------------------------------------------
def frames(data):
    hl = struct.unpack_from("<I", data, 16)[0]
    o = 20 + hl
    while o + 16 <= len(data):
        t, l, ts = struct.unpack_from("<IIQ", data, o)
        yield t, ts, data[o + 16:o + 16 + l]
        o += 16 + l

lab = open(os.path.join(fix, "trace-lab.nlmsg"), "rb").read()
tr = [p for t, ts, p in frames(lab) if t == 10]
for i in range(0, len(tr), 12):
    put("trace", "trace-lab-%03d" % i, b"".join(pad(m) for m in tr[i:i + 12]))
leg = open(os.path.join(fix, "trace-legacy.nlmsg"), "rb").read()
tl = [p for t, ts, p in frames(leg) if t == 10]
for i in range(0, min(len(tl), 48), 12):
    put("trace", "trace-legacy-%03d" % i, b"".join(pad(m) for m in tl[i:i + 12]))
filters = ["", "-p icmp", "-p tcp --dport 8080", "-s 172.20.0.0/16 -d 203.0.113.1",
           "-4 -p udp ! --sport 1000:2000 -i eth+", "-6 -p icmpv6 --icmp-type 128/0",
           "! -p tcp -o br-5e1f0c3a9b2d", "-p icmp ! --icmp-type echo-request -m icmp",
           "-d 2001:db8::/ffff:ffff:: -p sctp --dport :80"]
for i, f in enumerate(filters):
    put("trace", "filter-%02d" % i, f.encode())

put("record", "trace-lab", lab)
for name in ("trace-walkthrough.rec", "trace-legacy-ruleset.rec"):
    put("record", name[:-4], open(os.path.join(fix, name), "rb").read())

def recording(frames_):
    hdr = b"kernel=6.1.0-fuzz\nnetns=net:[4026531840] (fuzz)\ninterval_ms=500\nstart=1700000000.000\n"
    b = b"IPTOPREC" + struct.pack("<III", 0x01020304, 1, len(hdr)) + hdr
    t = 0
    for ftype, payload in frames_:
        t += 500000000
        b += struct.pack("<IIQ", ftype, len(payload), t) + payload
    return b

def begin(genid, reuse, pid=1234, proc="iptables-nft", wall=1700000000.5):
    return struct.pack("<III64s4xd", genid, reuse, pid, proc.encode(), wall)

def gen_event(genid):
    return nlmsg((NFNL_SUBSYS_NFTABLES << 8) | NEWGEN, 0,
                 attr(1, be32(genid)) + attr(2, be32(1234)) + attr(3, s("iptables-nft")), flags=0)

for base in ("mixed", "docker-nft"):
    if base not in rulesets:
        continue
    tb, ch, rb, sb = rulesets[base]
    fr = [(1, begin(5, 0)), (2, tb), (3, ch)] + ([(13, sb)] if sb else []) + [(4, rb), (5, b""),
          (1, begin(5, 1)), (3, ch), (4, rb), (5, b""),
          (7, gen_event(6)),
          (6, struct.pack("<I", 3) + b"ruleset kept changing"),
          (1, begin(6, 0)), (2, tb), (3, ch), (4, rb[:len(rb) // 2]), (5, b"")]
    put("record", "ruleset-" + base, recording(fr))
walk = os.path.join(fix, "lab-walkthrough.rec")
if os.path.exists(walk):
    data = open(walk, "rb").read()
    hl = struct.unpack_from("<I", data, 16)[0]
    o = 20 + hl
    while o + 16 <= len(data):
        l = struct.unpack_from("<I", data, o + 4)[0]
        if o + 16 + l > 40 * 1024:
            break
        o += 16 + l
    put("record", "lab-walkthrough-head", data[:o])

# --- legacy ------------------------------------------------------------------
INFO = 4 + 4 + 32 + 4 + 20 + 20 + 12     # struct collect_legacy_info
for path in sorted(glob.glob(os.path.join(fix, "legacy-*.blob"))):
    base = os.path.basename(path)[:-5]
    data = open(path, "rb").read()
    if base == "legacy-insert-a":
        put("legacy", base, data)
    o = 0
    while o + INFO <= len(data):
        size = struct.unpack_from("<I", data, o + 4 + 4 + 32 + 4 + 20 + 20 + 4)[0]
        name = cstr(data[o + 8:o + 40])
        end = o + INFO + size
        end += -end % 8
        if end - o <= 8192:
            put("legacy", "%s-%d-%s" % (base, data[o + 4], name), data[o:end])
        o = end

if "ct-nat" in ct and "ct-events" in ct:
    put("record", "conntrack", recording([(8, ct["ct-nat"]), (9, ct["ct-events"]), (8, ct["ct-noacct"])]))
PY

# themes as they ship
mkdir -p "$out.new/theme"
for t in "$top"/themes/*; do
	cp "$t" "$out.new/theme/$(basename "$t")"
done

if [ -n "$build" ]; then
	for d in "$out.new"/*/; do
		name=$(basename "$d")
		bin="$build/fuzz/fuzz-$name"
		[ -x "$bin" ] || { echo "seed.sh: no $bin, $name not minimised" >&2; continue; }
		mkdir -p "$out.new/$name.min"
		"$bin" -merge=1 "$out.new/$name.min" "$d" >/dev/null 2>&1 ||
			{ echo "seed.sh: merge of $name failed" >&2; exit 1; }
		rm -rf "$d"
		mv "$out.new/$name.min" "${d%/}"
	done
fi

rm -rf "$out"
mv "$out.new" "$out"
for d in "$out"/*/; do
	printf '%-10s %4d files %6d KiB\n' "$(basename "$d")" "$(find "$d" -type f | wc -l)" "$(du -sk --apparent-size "$d" | cut -f1)"
done
printf '%-10s %17d KiB\n' total "$(du -sk --apparent-size "$out" | cut -f1)"
