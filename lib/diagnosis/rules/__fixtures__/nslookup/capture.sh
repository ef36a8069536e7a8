#!/usr/bin/env bash
# Captures the nslookup outputs next to this script: busybox's and bind's nslookup, run as
# they run in a pod (ClusterFirst resolv.conf: the namespace's search list, ndots:5) against
# the lab's cluster DNS server (testbed/lab/dns-server.ts) holding the demo cluster's Service
# records. Each run gets its own mount and network namespace (root needed), so nothing of the
# host changes. Regenerate with: sudo bash lib/diagnosis/rules/__fixtures__/nslookup/capture.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The demo cluster's Services (testbed/scenarios/demo.ts) as the lab's DNS holds them.
cat > "$work/cluster.json" <<'JSON'
{"records":{"httpd.default.svc.cluster.local":["10.96.100.10"],"k8s-go-demo-svc.default.svc.cluster.local":["10.96.212.203"],"k8s-go-demo-svc-headless.default.svc.cluster.local":["10.244.1.4","10.244.2.4"],"k8s-go-demo-slb.default.svc.cluster.local":["10.96.38.1"],"legacy-api.default.svc.cluster.local":["10.96.77.7"],"kubernetes.default.svc.cluster.local":["10.96.0.1"],"kube-dns.kube-system.svc.cluster.local":["10.96.0.10"],"nginx-ingress-lb.kube-system.svc.cluster.local":["10.96.50.5"]}}
JSON
# A resolver that knows no cluster name: what a node's own upstream DNS is to cluster names.
echo '{"records":{}}' > "$work/none.json"

# run FILE NAMESPACE SERVER RECORDS DROP -- COMMAND...
run() {
  local file=$1 ns=$2 server=$3 records=$4 drop=$5
  shift 6
  unshare -m -n bash -s -- "$ns" "$server" "$records" "$drop" "$work" "$root" "$@" > "$here/$file" <<'INNER'
set -u
ns=$1 server=$2 records=$3 drop=$4 work=$5 root=$6
shift 6
ip link set lo up
ip addr add "$server/32" dev lo
printf 'search %s.svc.cluster.local svc.cluster.local cluster.local\nnameserver %s\noptions ndots:5\n' \
  "$ns" "$server" > "$work/resolv.$ns"
mount --bind "$work/resolv.$ns" /etc/resolv.conf
mkfifo "$work/in"
( cat "$records"; sleep 60 ) > "$work/in" &
feed=$!
PODPATH_DNS_ADDRESS=$server PODPATH_DNS_PORT=53 "$root/node_modules/.bin/tsx" \
  "$root/testbed/lab/dns-server.ts" < "$work/in" > "$work/server.out" 2>&1 &
srv=$!
for _ in $(seq 1 100); do grep -q synced "$work/server.out" 2>/dev/null && break; sleep 0.1; done
if [ "$drop" = drop ]; then
  iptables -A INPUT -p udp --dport 53 -j DROP
  iptables -A INPUT -p tcp --dport 53 -j DROP
fi
"$@" 2>&1 || true
kill "$srv" "$feed" 2>/dev/null
rm -f "$work/in"
INNER
}

C=$work/cluster.json
run busybox-legacy-db-nxdomain.txt default 10.96.0.10 "$C" - -- busybox nslookup legacy-db
run bind-legacy-db-servfail.txt default 10.96.0.10 "$C" - -- nslookup legacy-db
run busybox-httpd-from-secure-nxdomain.txt secure 10.96.0.10 "$C" - -- busybox nslookup httpd
run bind-httpd-from-secure-servfail.txt secure 10.96.0.10 "$C" - -- nslookup httpd
run bind-wrong-namespace-fqdn-nxdomain.txt default 10.96.0.10 "$C" - -- nslookup httpd.secure.svc.cluster.local
run busybox-typo-nxdomain.txt default 10.96.0.10 "$C" - -- busybox nslookup htpd
run busybox-demo-api-servfail.txt default 10.96.0.10 "$C" - -- busybox nslookup demo.api.com
run busybox-httpd-resolved.txt default 10.96.0.10 "$C" - -- busybox nslookup httpd
run bind-httpd-resolved.txt default 10.96.0.10 "$C" - -- nslookup httpd
run bind-legacy-db-timeout.txt default 10.96.0.10 "$C" drop -- nslookup legacy-db
run busybox-legacy-db-timeout.txt default 10.96.0.10 "$C" drop -- busybox nslookup legacy-db
run bind-node-resolver-fqdn-nxdomain.txt default 192.168.56.1 "$work/none.json" - -- nslookup httpd.default.svc.cluster.local
