#!/usr/bin/env bash
# Creates (once) a minimal Debian 12 root filesystem with debootstrap, cached outside the clone
# so every build reuses it. Prints its path. Tests find it at the same default path, or at
# $VIGIL_TEST_ROOTFS.
set -euo pipefail
target="${VIGIL_TEST_ROOTFS:-/var/cache/vigil/rootfs-bookworm}"
mirror="${VIGIL_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
if [ -f "$target/var/lib/dpkg/status" ] && [ -f "$target/.vigil-complete" ]; then
  echo "$target"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "test-rootfs: debootstrap needs root; run as root or set VIGIL_TEST_ROOTFS to an existing root filesystem" >&2
  exit 1
fi
rm -rf "$target.tmp"
mkdir -p "$(dirname "$target")"
debootstrap --variant=minbase bookworm "$target.tmp" "$mirror" >&2
touch "$target.tmp/.vigil-complete"
rm -rf "$target"
mv "$target.tmp" "$target"
echo "$target"
