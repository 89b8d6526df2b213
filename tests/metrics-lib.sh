# tests/metrics-lib.sh: a real node_exporter for the metrics tests (sourced after tests/lib.sh).
# shellcheck shell=sh
#
# Skips without prometheus-node-exporter, curl or python3. m_scrape DIR OUT starts the exporter on
# 127.0.0.1 and a free port with only the textfile collector reading DIR, and writes its /metrics to
# OUT (sets EXPORTER_PID and PORT); m_stop_exporter stops it (call it from the EXIT trap too).
EXPORTER=$(command -v prometheus-node-exporter || command -v node_exporter || true)
[ -n "$EXPORTER" ] || t_skip_missing prometheus-node-exporter "prometheus-node-exporter is not installed"
t_need_tool curl curl
t_need_python3

EXPORTER_PID=
m_stop_exporter() {
	[ -z "$EXPORTER_PID" ] || { kill "$EXPORTER_PID" 2>/dev/null || true; wait "$EXPORTER_PID" 2>/dev/null || true; }
	EXPORTER_PID=
}
m_scrape() {
	scraped=
	for _ in 1 2 3; do
		PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
		"$EXPORTER" --web.listen-address="127.0.0.1:$PORT" --collector.disable-defaults --collector.textfile \
			--collector.textfile.directory="$1" > "$T_DIR/exporter.log" 2>&1 &
		EXPORTER_PID=$!
		end=$(( $(date +%s) + $(t_secs 20) ))
		while [ "$(date +%s)" -lt "$end" ] && kill -0 "$EXPORTER_PID" 2>/dev/null; do
			if curl -fsS --max-time 5 "http://127.0.0.1:$PORT/metrics" > "$2" 2>/dev/null; then
				scraped=1
				break
			fi
			python3 -c 'import time; time.sleep(0.1)'
		done
		[ -n "$scraped" ] && break
		m_stop_exporter   # the port was taken in between, or it did not come up: another port
	done
	[ -n "$scraped" ] || { cat "$T_DIR/exporter.log" >&2; t_fail "node_exporter did not answer on 127.0.0.1"; }
}
