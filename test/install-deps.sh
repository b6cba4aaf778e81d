#!/usr/bin/env bash
# Installs the Debian packages the tests and benchmarks use (tshark, tcpdump,
# SIPp, sngrep, Chromium) when they are missing. Needs root or sudo.
set -euo pipefail
pkgs=()
command -v tshark >/dev/null || pkgs+=(tshark)
command -v tcpdump >/dev/null || pkgs+=(tcpdump)
command -v sipp >/dev/null || pkgs+=(sip-tester)
command -v sngrep >/dev/null || pkgs+=(sngrep)
[ -x /usr/bin/chromium ] || pkgs+=(chromium)
if [ ${#pkgs[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi
