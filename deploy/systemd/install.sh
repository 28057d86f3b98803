#!/usr/bin/env bash
# Installs the Vigil agent on a Linux host as a systemd service.
# usage: sudo deploy/systemd/install.sh SERVER_URL API_KEY   (run from a checkout or an unpacked release)
set -euo pipefail
if [ "$(id -u)" != 0 ]; then echo "install.sh: run as root (the agent reads package databases as root)" >&2; exit 2; fi
if [ $# -ne 2 ]; then echo "usage: install.sh SERVER_URL API_KEY" >&2; exit 2; fi
repo="$(cd "$(dirname "$0")/../.." && pwd)"
mkdir -p /opt/vigil /etc/vigil /var/lib/vigil
cp -a "$repo/." /opt/vigil/
(cd /opt/vigil && ./vigil version >/dev/null)   # builds the distribution once, as root
umask 077
printf 'VIGIL_SERVER_URL=%s\nVIGIL_API_KEY=%s\n' "$1" "$2" > /etc/vigil/agent.env
install -m 0644 "$repo/deploy/systemd/vigil-agent.service" /etc/systemd/system/vigil-agent.service
systemctl daemon-reload
systemctl enable --now vigil-agent.service
echo "vigil-agent is running; 'journalctl -u vigil-agent' shows its log."
