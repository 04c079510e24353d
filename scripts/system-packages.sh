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
# Another apt or dpkg (unattended-upgrades on a fresh machine) may hold the lock: apt waits for
# it up to LOCK_WAIT seconds; a transient failure (lock still held, mirror hiccup) is retried.
LOCK_WAIT=${APT_LOCK_WAIT:-600}
ATTEMPTS=${APT_ATTEMPTS:-3}
RETRY_DELAY=${APT_RETRY_DELAY:-15}
apt_run() {
    local attempt
    for attempt in $(seq 1 "$ATTEMPTS"); do
        if apt-get -o DPkg::Lock::Timeout="$LOCK_WAIT" "$@"; then
            return 0
        fi
        if [ "$attempt" -lt "$ATTEMPTS" ]; then
            echo "apt-get $1 失败（可能有其他 apt/dpkg 进程正在运行），${RETRY_DELAY} 秒后重试（第 $((attempt + 1))/${ATTEMPTS} 次）…" >&2
            sleep "$RETRY_DELAY"
        fi
    done
    echo "安装系统软件包失败：${want[*]}（请稍后以 root 运行 apt-get install ${want[*]}）" >&2
    return 1
}
if fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock >/dev/null 2>&1; then
    echo "其他 apt/dpkg 进程正在运行，等待其释放锁（最多 ${LOCK_WAIT} 秒）…" >&2
fi
echo "安装系统软件包：${want[*]}"
export DEBIAN_FRONTEND=noninteractive
apt_run update -qq
apt_run install -y -qq --no-install-recommends "${want[@]}" >/dev/null
