#!/usr/bin/env bash
# Certificates for one hall: a private CA, Mosquitto's server certificate, (for mutual TLS)
# client certificates, and the managers' board's HTTPS certificate.
#
#   deploy/make-tls.sh OUT_DIR server NAME [NAME...]   MQTT server cert for these IPs / names
#   deploy/make-tls.sh OUT_DIR client DEVICE_ID        a client cert (require_client_cert)
#   deploy/make-tls.sh OUT_DIR board NAME [NAME...]    the board's HTTPS cert (hallq board)
#
# NAME: every address devices (or managers' browsers) use to reach the server, e.g.
# 192.168.10.2 hallq-server.local: TLS checks the address against the certificate.
# Writes into OUT_DIR:
#   ca.crt                    copy to every device (mqtt.tls.ca_file) and install it as a
#                             trusted root on the managers' PCs (the board's HTTPS)
#   ca.key                    signs certificates: keep it off the LAN (USB stick in a safe)
#   server.crt, server.key    stay on the server (server_cert_file, server_key_file)
#   client-<id>.crt/.key      copy to that device only (cert_file, key_file)
#   board.crt, board.key      stay on the server (the board device's tls_cert_file, tls_key_file)
# The CA is made once and reused, so a new server name or client keeps every device's trust.
set -euo pipefail

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 3 ] || usage
out=$1 kind=$2
shift 2
days=${HALLQ_TLS_DAYS:-3650}
mkdir -p "$out"
cd "$out"
umask 077

if [ ! -f ca.key ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout ca.key -out ca.crt -days "$days" -subj "/CN=hallq hall CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  echo "new CA: $out/ca.crt (copy to every device), $out/ca.key (keep it safe)"
fi

sign() {  # sign NAME EXTENSIONS CN
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$1.key" -out "$1.csr" -subj "/CN=$3" 2>/dev/null
  printf '%s\n' "$2" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
    -out "$1.crt" -days "$days" -extfile "$1.ext" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
  chmod 644 "$1.crt"
  chmod 600 "$1.key"
}

names_to_san() {  # IPs and host names -> subjectAltName entries
  local n out=""
  for n in "$@"; do
    if [[ $n =~ ^[0-9.]+$ || $n == *:* ]]; then out+="IP:$n,"; else out+="DNS:$n,"; fi
  done
  echo "${out%,}"
}

case "$kind" in
  server)
    san="$(names_to_san "$@"),"
    sign server "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=${san%,}" "$1"
    # Mosquitto may read its key as user mosquitto
    chmod 640 server.key
    chgrp mosquitto server.key 2>/dev/null || true
    echo "server certificate for ${san%,}: $out/server.crt, $out/server.key"
    ;;
  board)
    san=$(names_to_san "$@")
    # browsers want serverAuth, the names in subjectAltName, and at most 825 days
    days=$(( days > 825 ? 825 : days ))
    sign board "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=$san" "$1"
    echo "board HTTPS certificate for $san: $out/board.crt, $out/board.key"
    echo "  hall.toml, the board device: tls_cert_file = \"$out/board.crt\", tls_key_file = \"$out/board.key\""
    ;;
  client)
    [ $# -eq 1 ] || usage
    sign "client-$1" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth" "$1"
    echo "client certificate for $1: $out/client-$1.crt, $out/client-$1.key"
    ;;
  *) usage ;;
esac
chmod 644 ca.crt
