#!/usr/bin/env bash
# One TAP run end to end, isolated in a throwaway network namespace (root):
# a TAP with the kernel at 10.99.0.1, tap_receiver listening there, the engine
# sending the scenario, then the trace checked, the pcap checked with tshark,
# and the namespace removed.
#   scripts/tap-demo.sh SCENARIO OUT_PREFIX      ->  OUT_PREFIX.json, OUT_PREFIX.pcap
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SENDPATH_BUILD_DIR:-$here/build}"
scenario="${1:?usage: tap-demo.sh SCENARIO OUT_PREFIX}"
out="${2:?usage: tap-demo.sh SCENARIO OUT_PREFIX}"
cli="$build/core/sendpath-cli"
rx="$build/tests/tap/tap_receiver"
[ -x "$cli" ] && [ -x "$rx" ] || cmake --build "$build" --target sendpath-cli tap_receiver
ns="sp-demo-$$"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" tuntap add dev tap0 mode tap
ip -n "$ns" addr add 10.99.0.1/24 dev tap0
ip netns exec "$ns" sysctl -qw net.ipv6.conf.tap0.disable_ipv6=1
ip -n "$ns" link set tap0 up
ip netns exec "$ns" "$rx" --listen 10.99.0.1:5001 --timeout 60 > "$out.receiver.txt" &
sleep 0.2
status=0
ip netns exec "$ns" "$cli" run "$scenario" --tap tap0 --connect 10.99.0.1:5001 -o "$out.json" --pcap "$out.pcap" || status=$?
wait || true
echo "kernel side: $(tail -1 "$out.receiver.txt")"
"$cli" check "$out.json"
if command -v tshark >/dev/null; then
    bad="$(tshark -r "$out.pcap" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
           -Y '_ws.malformed || tcp.checksum.status==0 || ip.checksum.status==0' 2>/dev/null | wc -l)"
    echo "tshark: $bad malformed or bad-checksum frames"
fi
exit "$status"
