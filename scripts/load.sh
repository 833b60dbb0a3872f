#!/usr/bin/env bash
# Load test: start Registrar with the demo data on a fresh database, time its first start, put
# wrk's load on the public pages and sample the server's memory. Prints a summary table against
# the targets of issue 2.
#
#   scripts/load.sh                     (make bench runs it after the Go benchmarks)
#
# Environment: LOAD_ADDR (127.0.0.1:18080), LOAD_DURATION (10s), LOAD_THREADS (2),
# LOAD_CONNECTIONS (32), LOAD_BIN (a server binary to measure instead of bin/registrar, e.g. to
# alternate two commits), LOAD_STRICT=1 to exit 1 when a target is missed.
set -euo pipefail

cd "$(dirname "$0")/.."
. scripts/lib.sh

addr=${LOAD_ADDR:-127.0.0.1:18080}
duration=${LOAD_DURATION:-10s}
threads=${LOAD_THREADS:-2}
connections=${LOAD_CONNECTIONS:-32}
base="http://$addr"
paths=(/ /editions/summer-school-2016 "/search?q=integration")
names=(home edition search)
# Targets: requests/s (minimum) and p99 in ms (maximum, empty for none) per path.
min_rps=(25000 25000 5000)
max_p99=(20 20 "")
max_rss_mb=80
max_start_ms=1000

case $addr in
127.0.0.1:*) ;;
*) echo "load.sh: LOAD_ADDR must be on 127.0.0.1, not $addr" >&2; exit 2 ;;
esac

bin=${LOAD_BIN:-./bin/registrar}
if [ "$bin" = ./bin/registrar ] && [ ! -x bin/registrar ]; then
	echo "== building bin/registrar"
	make --no-print-directory build
fi
need_tools curl awk
refuse_busy "$base" LOAD_ADDR

tmp=$(mktemp -d "${TMPDIR:-/tmp}/registrar-load.XXXXXX")
log="$tmp/server.log"
pid=""
sampler=""
cleanup() {
	status=$?
	[ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
	stop_server "$pid"
	if [ "$status" != 0 ] && [ -f "$log" ]; then
		echo "load.sh: failed; the server's log ends with:" >&2
		tail -n 20 "$log" >&2
	fi
	rm -rf "$tmp"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ns() { date +%s%N; }

# cpu_ticks prints the server's CPU time so far (user + system) in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0; }
hz=$(getconf CLK_TCK)

# rss_kb prints the server's resident set (VmRSS) or peak (VmHWM) in kB.
rss_kb() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0; }

echo "== starting the server on $addr (fresh database in $tmp/data, log $log)"
mkdir -p "$tmp/data"
start=$(now_ns)
REGISTRAR_ADDR=$addr REGISTRAR_DATA="$tmp/data" REGISTRAR_DEMO=1 \
	"$bin" serve >"$log" 2>&1 &
pid=$!
until curl -fs -o /dev/null --max-time 1 "$base/healthz"; do
	if ! kill -0 "$pid" 2>/dev/null; then
		pid=""
		echo "load.sh: the server exited during start" >&2
		exit 1
	fi
	if [ $(( ($(now_ns) - start) / 1000000 )) -gt 30000 ]; then
		echo "load.sh: /healthz did not answer within 30 s" >&2
		exit 1
	fi
	sleep 0.01
done
start_ms=$(( ($(now_ns) - start) / 1000000 ))
idle_rss=$(rss_kb VmRSS)
echo "   first start (migrations, demo data, /healthz answers): ${start_ms} ms, RSS $((idle_rss / 1024)) MB"

# Sample the server's RSS every 100 ms while the load runs.
samples="$tmp/rss"
( while kill -0 "$pid" 2>/dev/null; do rss_kb VmRSS >>"$samples"; sleep 0.1; done ) &
sampler=$!

# to_ms converts a wrk duration (850.00us, 3.21ms, 1.02s, 2.00m) to milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
		printf "%.2f", n
	}'
}

declare -a rps p99 p50 errors cpu_us
for i in "${!paths[@]}"; do
	url="$base${paths[$i]}"
	status=$(curl -s -o /dev/null -w '%{http_code}' "$url")
	if [ "$status" != 200 ]; then
		echo "load.sh: GET $url answered $status" >&2
		exit 1
	fi
	echo "== wrk -t$threads -c$connections -d$duration --latency $url"
	ticks=$(cpu_ticks)
	out=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "$url")
	ticks=$(( $(cpu_ticks) - ticks ))
	echo "$out" | sed 's/^/   /'
	rps[i]=$(echo "$out" | awk '/^Requests\/sec:/ { printf "%.0f", $2 }')
	p50[i]=$(to_ms "$(echo "$out" | awk '$1 == "50%" { print $2 }')")
	p99[i]=$(to_ms "$(echo "$out" | awk '$1 == "99%" { print $2 }')")
	non2xx=$(echo "$out" | awk '/Non-2xx or 3xx responses:/ { print $NF }')
	sockerr=$(echo "$out" | awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }')
	errors[i]=$(( ${non2xx:-0} + ${sockerr:-0} ))
	# The server's own CPU time per request: steadier than requests/s when other programs
	# share the cores.
	requests=$(echo "$out" | awk '/ requests in / { print $1 }')
	cpu_us[i]=$(awk -v t="$ticks" -v hz="$hz" -v n="${requests:-0}" 'BEGIN { printf "%.1f", n ? t / hz * 1e6 / n : 0 }')
done

kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
sampler=""
peak_rss=$(sort -n "$samples" | tail -n 1)
after_rss=$(rss_kb VmRSS)
hwm_rss=$(rss_kb VmHWM)

missed=0
# verdict sets result to ok or MISSED (and missed to 1) from a 1 or 0.
verdict() { if [ "$1" = 1 ]; then result=ok; else result=MISSED; missed=1; fi; }

echo
echo "== summary ($(nproc) cores; wrk -t$threads -c$connections -d$duration, client and server on one machine)"
printf '%-9s %-30s %11s %7s %7s %7s %6s  %-22s %s\n' page path "requests/s" "p50 ms" "p99 ms" "CPU µs" errors target result
for i in "${!paths[@]}"; do
	ok=$(awk -v r="${rps[$i]}" -v min="${min_rps[$i]}" -v p="${p99[$i]}" -v max="${max_p99[$i]}" \
		'BEGIN { print (r >= min && (max == "" || p <= max)) ? 1 : 0 }')
	target="≥ ${min_rps[$i]}/s"
	[ -n "${max_p99[$i]}" ] && target="$target, p99 ≤ ${max_p99[$i]} ms"
	[ "${errors[$i]}" = 0 ] || ok=0
	verdict "$ok"
	printf '%-9s %-30s %11s %7s %7s %7s %6s  %-22s %s\n' "${names[$i]}" "${paths[$i]}" "${rps[$i]}" \
		"${p50[$i]}" "${p99[$i]}" "${cpu_us[$i]}" "${errors[$i]}" "$target" "$result"
done
verdict $(( start_ms < max_start_ms ))
printf '%-41s %11s ms %42s %s\n' "first start (to /healthz, fresh db + demo)" "$start_ms" "< $max_start_ms ms" "$result"
verdict $(( peak_rss / 1024 <= max_rss_mb ))
printf '%-41s %11s MB %42s %s\n' "RSS, peak sampled during load" "$((peak_rss / 1024))" "≤ $max_rss_mb MB" "$result"
printf '%-41s %11s MB\n' "RSS after load" "$((after_rss / 1024))"
printf '%-41s %11s MB\n' "RSS high-water mark (VmHWM, since start)" "$((hwm_rss / 1024))"
printf '%-41s %11s MB\n' "RSS idle after start" "$((idle_rss / 1024))"

if [ "$missed" = 1 ]; then
	echo "load.sh: some targets were missed"
	[ "${LOAD_STRICT:-0}" = 1 ] && exit 1
fi
exit 0
