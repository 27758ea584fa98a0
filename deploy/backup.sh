#!/usr/bin/env bash
# Online backup of hallq's SQLite event store, safe while the broker is writing.
#   deploy/backup.sh STORE BACKUP_DIR [KEEP_DAYS]
# Uses sqlite3's .backup (a consistent snapshot including what is still in the -wal file;
# never `cp` a live WAL database), checks the copy with PRAGMA integrity_check, then keeps it
# as BACKUP_DIR/hallq-YYYY-MM-DDTHHMM.db and deletes copies older than KEEP_DAYS (default 60).
# Needs the sqlite3 command: apt install sqlite3.
set -euo pipefail
umask 027  # the store holds citizens' tickets: not world-readable
[ $# -ge 2 ] || { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
store=$1 dir=$2 keep=${3:-60}
[ -f "$store" ] || { echo "no event store at $store" >&2; exit 1; }
mkdir -p "$dir"
name="hallq-$(date +%Y-%m-%dT%H%M).db"
tmp="$dir/.$name.partial"
trap 'rm -f "$tmp"' EXIT
sqlite3 "$store" ".timeout 10000" ".backup '$tmp'"
check=$(sqlite3 "$tmp" "PRAGMA integrity_check;")
if [ "$check" != ok ]; then
  echo "backup of $store failed its integrity check: $check" >&2
  exit 1
fi
mv "$tmp" "$dir/$name"
find "$dir" -maxdepth 1 -name 'hallq-*.db' -mtime +"$keep" -delete
echo "backed up $store to $dir/$name"
