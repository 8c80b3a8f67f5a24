#!/usr/bin/env bash
# A TAP device for sendpath-cli run --tap, made once by an administrator
# (README "TAP"). Needs root (sudo); the runs themselves then need none.
#
#   scripts/tap-setup.sh host  [DEV [USER [KERNEL_IP]]]   a persistent TAP in this namespace, owned by USER
#   scripts/tap-setup.sh netns [NS [DEV [USER [KERNEL_IP]]]] the same inside network namespace NS (isolated)
#   scripts/tap-setup.sh del   [DEV]                      remove it (host variant)
#   scripts/tap-setup.sh del-netns [NS]                   remove the namespace and everything in it
#
# Defaults: DEV tap0, USER the one who called sudo (else $USER), KERNEL_IP
# 10.99.0.1 (a /24: our side is .2 by default, or --local IP). Pick a subnet
# that clashes with nothing on this host.
set -euo pipefail

mode="${1:-}"
user_default="${SUDO_USER:-${USER:-root}}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"

tun_usable() {
    # Debian's udev makes /dev/net/tun 0666; without udev it can be 0600.
    local mode
    mode="$(stat -c %a /dev/net/tun 2>/dev/null || echo missing)"
    if [ "$mode" = missing ]; then
        echo "no /dev/net/tun: $sudo modprobe tun" >&2
    elif [ "$mode" != 666 ]; then
        echo "note: /dev/net/tun is mode $mode; for users other than root: $sudo chmod 0666 /dev/net/tun" >&2
        echo "      (permanently, a udev rule: KERNEL==\"tun\", MODE=\"0666\")" >&2
    fi
}

make_tap() {  # NSOPT DEV USER IP
    local n="$1" dev="$2" user="$3" ip="$4"
    $sudo ip $n tuntap add dev "$dev" mode tap user "$user"
    $sudo ip $n addr add "$ip/24" dev "$dev"
    # IPv6 would only add MLD and router solicitations to every capture.
    if [ -n "$n" ]; then
        $sudo ip netns exec "${n#-n }" sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1" || true
    else
        $sudo sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1" || true
    fi
    $sudo ip $n link set "$dev" up
}

case "$mode" in
    host)
        dev="${2:-tap0}"; user="${3:-$user_default}"; ip="${4:-10.99.0.1}"
        make_tap "" "$dev" "$user" "$ip"
        tun_usable
        echo "TAP $dev for $user, the kernel at $ip/24. Then, as $user:"
        echo "  tap_receiver --listen $ip:5001 &     # or any listener on $ip:5001"
        echo "  sendpath-cli run SCENARIO --tap $dev --connect $ip:5001 -o run.json --pcap run.pcap"
        ;;
    netns)
        ns="${2:-sendpath}"; dev="${3:-tap0}"; user="${4:-$user_default}"; ip="${5:-10.99.0.1}"
        $sudo ip netns add "$ns"
        $sudo ip -n "$ns" link set lo up
        make_tap "-n $ns" "$dev" "$user" "$ip"
        tun_usable
        echo "TAP $dev for $user in network namespace $ns, the kernel at $ip/24. Then:"
        echo "  $sudo ip netns exec $ns runuser -u $user -- tap_receiver --listen $ip:5001 &"
        echo "  $sudo ip netns exec $ns runuser -u $user -- sendpath-cli run SCENARIO --tap $dev --connect $ip:5001 -o run.json --pcap run.pcap"
        ;;
    del)
        $sudo ip tuntap del dev "${2:-tap0}" mode tap
        ;;
    del-netns)
        $sudo ip netns del "${2:-sendpath}"
        ;;
    *)
        sed -n '2,13p' "$0"
        exit 2
        ;;
esac
