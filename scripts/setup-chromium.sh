#!/usr/bin/env bash
# Installs Debian's headless Chromium and ChromeDriver for the web UI's browser tests.
# Idempotent: does nothing when both are present.
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "setup-chromium: chromium/chromedriver missing and not root; install Debian's chromium and chromium-driver" >&2
  exit 1
fi
echo "setup-chromium: installing Debian's chromium and chromium-driver"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium chromium-driver >/dev/null
chromium --version
