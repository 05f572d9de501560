# Helpers for the tests that run a private NSD on loopback (../shared/TESTBED.md §3): zones the
# test writes, signed with ldns. Source after lib.sh and mta_lib.sh.

# zone_head ORIGIN: the start of a test zone: TTL, SOA, NS, and the name server's address.
zone_head() {
    printf '$ORIGIN %s.\n$TTL 300\n' "$1"
    printf '@ IN SOA ns1 hostmaster 1 3600 600 86400 300\n@ IN NS ns1\nns1 IN A 127.0.0.1\n'
}

# sign_zone DIR ZONE: signs DIR/zones/ZONE.zone into DIR/zones/ZONE.zone.signed with fresh
# ECDSA P-256 keys; prints the DS record of its key-signing key (the trust anchor).
sign_zone() {
    (
        cd "$1"
        local zsk ksk
        zsk=$(ldns-keygen -a ECDSAP256SHA256 "$2")
        ksk=$(ldns-keygen -k -a ECDSAP256SHA256 "$2")
        ldns-signzone -n -o "$2" "zones/$2.zone" "$zsk" "$ksk"
        cat "$ksk.ds"
    )
}

# nsd_conf DIR PORT ZONE...: an nsd.conf for 127.0.0.1:PORT serving DIR/zones/ZONE.zone.signed
# for each ZONE, logging to DIR/nsd.log.
nsd_conf() {
    local dir=$1 port=$2 zone
    shift 2
    cat <<NSD
server:
  ip-address: 127.0.0.1@$port
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "$dir/zones"
  database: ""
  zonelistfile: "$dir/zone.list"
  xfrdfile: "$dir/xfrd.state"
  xfrdir: "$dir"
  pidfile: "$dir/nsd.pid"
  logfile: "$dir/nsd.log"
  server-count: 1
remote-control:
  control-enable: no
NSD
    for zone in "$@"; do
        printf 'zone:\n  name: "%s"\n  zonefile: "%s.zone.signed"\n' "$zone" "$zone"
    done
}

# start_nsd DIR ZONE...: NSD on a free port of 127.0.0.1 serving DIR/zones/ZONE.zone.signed for
# each ZONE; sets nsd_port and nsd_pid once it answers. free_port checks TCP only, and another
# test's resolver may hold the same UDP port: if NSD exits (its log says why), it is started
# again on another port, three tries in all.
start_nsd() {
    local dir=$1 try deadline
    shift
    for try in 1 2 3; do
        nsd_port=$(free_port)
        nsd_conf "$dir" "$nsd_port" "$@" >"$dir/nsd.conf"
        nsd-checkconf "$dir/nsd.conf" || fail "nsd.conf does not check"
        nsd -d -c "$dir/nsd.conf" 2>>"$dir/nsd.log" &
        nsd_pid=$!
        deadline=$((SECONDS + 10))
        while [ "$SECONDS" -lt "$deadline" ]; do
            if dig +time=1 +tries=1 @127.0.0.1 -p "$nsd_port" "ns1.$1" A +short >/dev/null 2>&1
            then
                return 0
            fi
            kill -0 "$nsd_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill "$nsd_pid" 2>/dev/null || true
        wait "$nsd_pid" 2>/dev/null || true
        echo "NSD try $try on port $nsd_port failed: $(tail -n 3 "$dir/nsd.log")" >&2
    done
    fail "NSD did not answer on any of three ports; its log: $(tail -n 10 "$dir/nsd.log")"
}

# What libunbound takes only from an unbound.conf: it refuses names under .test unless told
# otherwise. unbound_test_conf FILE writes such a file.
unbound_test_conf() {
    printf 'server:\n  local-zone: "test." nodefault\n' >"$1"
}
