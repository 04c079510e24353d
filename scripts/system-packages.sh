#!/usr/bin/env bash
# Install the Debian packages a target needs, only those missing (idempotent).
#   demo: a CJK font, so the sample archive gets scanned forms
#   test: the font, Chromium for the browser tests, LibreOffice for .doc/.xls/.wps/.ppt,
#         Sphinx 2.2 searchd for the Manticore engine's tests (sphinxsearch)
#         PostgreSQL (the database tests start a throwaway server of their own)
# Without root or apt-get it only says what is missing; the caller decides what that means.
set -euo pipefail
want=()
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || want+=(fonts-wqy-zenhei)
if [ "${1:-demo}" = test ]; then
    [ -x /usr/bin/chromium ] || want+=(chromium)
    command -v soffice >/dev/null 2>&1 || want+=(libreoffice-writer-nogui libreoffice-calc-nogui)
    dpkg -s libreoffice-impress-nogui >/dev/null 2>&1 || want+=(libreoffice-impress-nogui)  # .ppt
    command -v searchd >/dev/null 2>&1 || want+=(sphinxsearch)
    ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || want+=(postgresql)
fi
[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "缺少系统软件包：${want[*]}（请以 root 运行 apt-get install ${want[*]}）" >&2
    exit 0
fi
echo "安装系统软件包：${want[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
