# tests/net-lib.sh: sourced (after tests/lib.sh) by the network tests: a throwaway CA and a real nginx
# shellcheck shell=sh
# on 127.0.0.1, on ports picked at run time, started and stopped by the test.
#
# net_make_ca: $NET_DIR/ca.pem (the throwaway CA), $NET_DIR/other-ca.pem (a CA that signed nothing
#   here), a server certificate for IP:127.0.0.1 and DNS:localhost.
# net_free_port: prints a port that was free a moment ago (nginx's bind is retried on a clash).
# net_start_nginx SERVER_BLOCK_FILE: starts nginx with the server block (which may use @PORT@, @DIR@)
#   on $NET_PORT; net_stop_nginx (also run on exit) stops it.

NET_DIR="$T_DIR/net"
mkdir -p "$NET_DIR/www" "$NET_DIR/tmp"
NET_NGINX=${NGINX:-/usr/sbin/nginx}
NET_NGINX_PID=

net_require() {
	t_need_nginx
	t_need_python3
}

NET_BG_PIDS=
net_cleanup() {
	rc=$?
	# Under set -e, the (exit "$rc") below would end the trap before t_cleanup removes the test dir.
	set +e
	net_stop_nginx
	for pid in $NET_BG_PIDS; do
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	(exit "$rc")
	t_cleanup
}
trap net_cleanup EXIT

net_make_ca() {
	(
		cd "$NET_DIR"
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
			-days 2 -subj "/CN=hsm-onboard test CA" \
			-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other-ca.key \
			-out other-ca.pem -days 2 -subj "/CN=hsm-onboard other CA" \
			-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr \
			-subj "/CN=localhost"
		printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
			> server.ext
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 \
			-extfile server.ext
	) >"$NET_DIR/openssl.log" 2>&1 || { cat "$NET_DIR/openssl.log" >&2; t_fail "openssl could not make the test CA"; }
}

net_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# net_wait_port PORT: waits (up to 10 s) until something accepts on 127.0.0.1:PORT.
net_wait_port() {
	python3 - "$1" <<'EOF'
import socket, sys, time
end = time.monotonic() + 10
while time.monotonic() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
EOF
}

net_start_nginx() {
	server_block=$1
	for _ in 1 2 3 4 5; do
		NET_PORT=$(net_free_port)
		conf="$NET_DIR/nginx.conf"
		{
			# As root, nginx's workers would run as nobody, who cannot read the 0700 test dir.
			[ "$(id -u)" -ne 0 ] || echo "user root;"
			cat <<EOF
daemon off;
worker_processes 1;
pid $NET_DIR/nginx.pid;
error_log $NET_DIR/error.log info;
events { worker_connections 64; }
http {
	log_format hsmo '\$request_method \$uri \$status range=\$http_range sent=\$body_bytes_sent len=\$sent_http_content_length';
	access_log $NET_DIR/access.log hsmo;
	client_body_temp_path $NET_DIR/tmp/body;
	proxy_temp_path $NET_DIR/tmp/proxy;
	fastcgi_temp_path $NET_DIR/tmp/fastcgi;
	uwsgi_temp_path $NET_DIR/tmp/uwsgi;
	scgi_temp_path $NET_DIR/tmp/scgi;
	default_type text/plain;
	# Requests without a Range header to /slow/ trickle, so a test can interrupt them mid-body.
	map \$http_range \$hsmo_rate { "" 40; default 0; }
	server {
		listen 127.0.0.1:$NET_PORT ssl;
		server_name localhost;
		ssl_certificate $NET_DIR/server.pem;
		ssl_certificate_key $NET_DIR/server.key;
		root $NET_DIR/www;
EOF
			sed -e "s|@PORT@|$NET_PORT|g" -e "s|@DIR@|$NET_DIR|g" "$server_block"
			echo "	}"
			echo "}"
		} > "$conf"
		"$NET_NGINX" -t -q -c "$conf" -p "$NET_DIR" -e "$NET_DIR/error.log" >"$NET_DIR/nginx-t.log" 2>&1 ||
			{ cat "$NET_DIR/nginx-t.log" >&2; t_fail "nginx rejects the test configuration"; }
		"$NET_NGINX" -c "$conf" -p "$NET_DIR" -e "$NET_DIR/error.log" >>"$NET_DIR/nginx.out" 2>&1 &
		NET_NGINX_PID=$!
		if net_wait_port "$NET_PORT" && kill -0 "$NET_NGINX_PID" 2>/dev/null; then
			return 0
		fi
		net_stop_nginx
	done
	cat "$NET_DIR/error.log" >&2 || true
	t_fail "nginx did not start"
}

net_stop_nginx() {
	if [ -n "$NET_NGINX_PID" ]; then
		kill -TERM "$NET_NGINX_PID" 2>/dev/null || true
		wait "$NET_NGINX_PID" 2>/dev/null || true
		NET_NGINX_PID=
	fi
}

# net_wait_file FILE [SECONDS]: waits until FILE exists and is not empty; SECONDS (default 10) is for a
# release build, and t_secs scales it for the slow builds.
net_wait_file() {
	python3 - "$1" "$(t_secs "${2:-10}")" <<'EOF'
import os, sys, time
end = time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    if os.path.exists(sys.argv[1]) and os.path.getsize(sys.argv[1]) > 0:
        sys.exit(0)
    time.sleep(0.02)
sys.exit(1)
EOF
}

# net_wait_grep FILE STRING [SECONDS]: waits until FILE contains STRING.
net_wait_grep() {
	python3 - "$1" "$2" "$(t_secs "${3:-10}")" <<'EOF'
import sys, time
end = time.monotonic() + float(sys.argv[3])
while time.monotonic() < end:
    try:
        if sys.argv[2] in open(sys.argv[1], errors="replace").read():
            sys.exit(0)
    except OSError:
        pass
    time.sleep(0.02)
sys.exit(1)
EOF
}

# net_jwt SUB EXP: an invented, unsigned-looking JWT (header.payload.signature, base64url).
net_jwt() {
	python3 - "$1" "$2" <<'EOF'
import base64, json, os, sys
b = lambda x: base64.urlsafe_b64encode(x).rstrip(b"=").decode()
h = b(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
p = b(json.dumps({"sub": sys.argv[1], "iat": int(sys.argv[2]) - 86400, "exp": int(sys.argv[2])}).encode())
print(f"{h}.{p}.{b(os.urandom(64))}")
EOF
}
