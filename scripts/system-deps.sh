#!/usr/bin/env bash
# System packages the test suite needs beyond Python: Debian's Chromium for the browser tests
# (Playwright's own browser download does not work here), CJK fonts so Chinese renders, and the Pango
# libraries WeasyPrint lays the PDF reports out with.
set -euo pipefail
packages=(chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
missing=()
for pkg in "${packages[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "提示：缺少 ${missing[*]}，且没有 apt-get；浏览器测试将被跳过。" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "提示：缺少 ${missing[*]}，请以 root 安装：apt-get install ${missing[*]}" >&2
        exit 0
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
