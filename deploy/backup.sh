#!/usr/bin/env bash
# Online backup of hallq's SQLite event store (and other SQLite files), safe while in use.
#   deploy/backup.sh STORE BACKUP_DIR [KEEP_DAYS [MORE_DB...]]
# Uses sqlite3's .backup (a consistent snapshot including what is still in the -wal file;
# never `cp` a live WAL database), checks the copy with PRAGMA integrity_check, then keeps it
# as BACKUP_DIR/hallq-YYYY-MM-DDTHHMM.db and deletes copies older than KEEP_DAYS (default 60).
# MORE_DB: further SQLite files backed up the same way as <name>-YYYY-MM-DDTHHMM.db, e.g. the
# board's board-followups.sqlite (差评整改 notes); one that does not exist yet is skipped.
# Needs the sqlite3 command: apt install sqlite3.
set -euo pipefail
umask 027  # the store holds citizens' tickets: not world-readable
[ $# -ge 2 ] || { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
store=$1 dir=$2 keep=${3:-60}
shift 2; [ $# -gt 0 ] && shift
[ -f "$store" ] || { echo "no event store at $store" >&2; exit 1; }
mkdir -p "$dir"
stamp=$(date +%Y-%m-%dT%H%M)
tmp=""
trap 'rm -f "$tmp"' EXIT

backup() {  # backup DB PREFIX
  local name="$2-$stamp.db"
  tmp="$dir/.$name.partial"
  sqlite3 "$1" ".timeout 10000" ".backup '$tmp'"
  local check
  check=$(sqlite3 "$tmp" "PRAGMA integrity_check;")
  if [ "$check" != ok ]; then
    echo "backup of $1 failed its integrity check: $check" >&2
    exit 1
  fi
  mv "$tmp" "$dir/$name"
  find "$dir" -maxdepth 1 -name "$2-*.db" -mtime +"$keep" -delete
  echo "backed up $1 to $dir/$name"
}

backup "$store" hallq
for more in "$@"; do
  if [ -f "$more" ]; then backup "$more" "$(basename "${more%.*}")"; fi
done
