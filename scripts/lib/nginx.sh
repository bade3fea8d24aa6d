# shellcheck shell=bash
# nginx from Debian in front of two local `crema serve` instances, with the repository's config
# (nginx/crema.conf) and a self-signed certificate for 127.0.0.1. Source it, then:
#   nginx_install
#   nginx_start DIR HTTPS_PORT HTTP_PORT UPSTREAM_1 UPSTREAM_2   (certificate: DIR/cert.pem)
#   nginx_stop DIR

nginx_install() {
    command -v nginx >/dev/null 2>&1 \
        || apt-get install -y -q nginx-light >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q nginx-light >/dev/null; }
    command -v openssl >/dev/null 2>&1 || apt-get install -y -q openssl >/dev/null
}

nginx_start() {
    local dir=$1 https_port=$2 http_port=$3 upstream_1=$4 upstream_2=$5
    mkdir -p "$dir/temp"
    chmod 777 "$dir/temp"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
        -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
        -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
    CREMA_SERVER_NAME=127.0.0.1 CREMA_HTTP_LISTEN="127.0.0.1:$http_port" CREMA_HTTPS_LISTEN="127.0.0.1:$https_port" \
    CREMA_HTTPS_PORT_SUFFIX=":$https_port" CREMA_UPSTREAM_1="$upstream_1" CREMA_UPSTREAM_2="$upstream_2" \
    CREMA_TLS_CERTIFICATE="$dir/cert.pem" CREMA_TLS_KEY="$dir/key.pem" CREMA_ACCESS_LOG="$dir/access.log" \
    CREMA_MONITORING_ADDRESS="${CREMA_MONITORING_ADDRESS:-127.0.0.1}" \
        nginx/render.sh >"$dir/crema.conf"
    cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 512; }
http {
    client_body_temp_path $dir/temp/body;
    proxy_temp_path $dir/temp/proxy;
    fastcgi_temp_path $dir/temp/fastcgi;
    uwsgi_temp_path $dir/temp/uwsgi;
    scgi_temp_path $dir/temp/scgi;
    include $dir/crema.conf;
}
CONF
    nginx -t -q -p "$dir" -c "$dir/nginx.conf" || { echo "nginx refused the rendered nginx/crema.conf" >&2; return 1; }
    nginx -p "$dir" -c "$dir/nginx.conf"
}

nginx_stop() {
    [ -f "$1/nginx.pid" ] && kill "$(cat "$1/nginx.pid")" 2>/dev/null || true
}
