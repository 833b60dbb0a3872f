#!/usr/bin/env bash
# Submission load test: start Registrar with the demo data on a fresh database, fetch the
# application forms with curl (CSRF cookie and token, signed opened_at, extra questions), then let
# scripts/applyload (our load generator, far cheaper than wrk for large bodies) POST valid
# applications with distinct emails: first registrations without a file to the open-admission
# conference (its short form, urlencoded), then applications with a 200 KB CV to the open summer
# school (multipart). Prints a summary against the targets of issues 3 and 13 (rate, p50/p99, the
# CPU time of the server and of the load generator per submission, the disk's own sequential write
# rate in the same run and the CVs' share of it) and checks the server's log for "database is locked".
#
#   scripts/load_apply.sh               (make bench runs it after scripts/load.sh)
#
# No SMTP server is configured: the outbox writes the receipts as .eml files while the load runs.
#
# Environment: LOAD_APPLY_ADDR (127.0.0.1:18081), LOAD_DURATION (10s), LOAD_CONNECTIONS (32),
# LOAD_CASES (no-file pdf-200kb: the cases to run), LOAD_BIN (a server binary to measure instead
# of building bin/registrar, e.g. to alternate two commits), LOAD_STRICT=1 to exit 1 when a target
# is missed, LOAD_KEEP=1 to keep the temporary folder (database, server log, .eml receipts).
set -euo pipefail

cd "$(dirname "$0")/.."
. scripts/lib.sh

addr=${LOAD_APPLY_ADDR:-127.0.0.1:18081}
duration=${LOAD_DURATION:-10s}
connections=${LOAD_CONNECTIONS:-32}
base="http://$addr"
# Cases: name, CV size in bytes (none: a urlencoded form without a file), minimum submissions/s,
# maximum p99 in ms.
names=(no-file pdf-200kb)
cv_bytes=(none 204800)
min_rps=(3000 1000)
max_p99=(50 100)
# Only the cases named in LOAD_CASES run.
wanted=" ${LOAD_CASES:-${names[*]}} "
for i in "${!names[@]}"; do
	case $wanted in
	*" ${names[$i]} "*) ;;
	*) unset "names[$i]" "cv_bytes[$i]" "min_rps[$i]" "max_p99[$i]" ;;
	esac
done
[ ${#names[@]} -gt 0 ] || { echo "load_apply.sh: LOAD_CASES names none of: no-file pdf-200kb" >&2; exit 2; }

case $addr in
127.0.0.1:*) ;;
*) echo "load_apply.sh: LOAD_APPLY_ADDR must be on 127.0.0.1, not $addr" >&2; exit 2 ;;
esac

bin=${LOAD_BIN:-}
if [ -z "$bin" ]; then
	echo "== make build"
	make --no-print-directory build
	bin=./bin/registrar
fi
need_tools curl awk grep sed go
refuse_busy "$base" LOAD_APPLY_ADDR

use_tmp load-apply

echo "== starting the server on $addr (fresh database in $tmp/data, receipts as .eml files)"
mkdir -p "$tmp/data"
env -u REGISTRAR_SMTP_URL -u REGISTRAR_DEV -u REGISTRAR_BASE_URL \
	REGISTRAR_ADDR="$addr" REGISTRAR_DATA="$tmp/data" REGISTRAR_DEMO=1 \
	REGISTRAR_APPLY_LIMIT=1000000000 \
	"$bin" serve >"$log" 2>&1 &
pid=$!
for i in $(seq 300); do
	curl -fs -o /dev/null --max-time 1 "$base/healthz" && break
	if ! kill -0 "$pid" 2>/dev/null; then
		pid=""
		echo "load_apply.sh: the server exited during start" >&2
		exit 1
	fi
	[ "$i" = 300 ] && { echo "load_apply.sh: /healthz did not answer within 30 s" >&2; exit 1; }
	sleep 0.1
done

# find_open PATTERN: the newest edition on the home page whose slug matches PATTERN (an extended
# regular expression) and whose form answers 200.
find_open() {
	local s
	for s in $(curl -fs "$base/" | grep -oE "href=\"/editions/$1\"" |
		sed -E 's/^href="\/editions\/(.*)"$/\1/' | sort -ru); do
		if [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/editions/$s/apply")" = 200 ]; then
			echo "$s"
			return
		fi
	done
}

unescape() { sed -e 's/&#34;/"/g; s/&quot;/"/g; s/&#39;/'"'"'/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g'; }
printf '%%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%%%EOF\n' >"$tmp/cv.pdf"

# prepare CASE SLUG FIELDS: fetches the edition's form once, as a browser would (the CSRF cookie
# and token are reusable until they expire, 6 h; the signed opened_at proves when the form was
# shown), adds an answer to each extra question (its first option, or a short text), sends one
# submission with curl so that a form the script fills wrongly fails loudly here, and sets
# path_/csrf_/opened_/cookie_/fields_ for the case.
declare -A path_ csrf_ opened_ cookie_ fields_
prepare() {
	local name=$1 slug=$2 fields=$3 path form jar csrf opened_at cookie
	path="/editions/$slug/apply"
	jar="$tmp/cookies-$name"
	form=$(curl -fs -c "$jar" "$base$path")
	csrf=$(printf '%s' "$form" | grep -oE 'name="_csrf" value="[^"]*"' | sed -E 's/.*value="([^"]*)"/\1/' | unescape)
	opened_at=$(printf '%s' "$form" | grep -oE 'name="opened_at" value="[^"]*"' | sed -E 's/.*value="([^"]*)"/\1/' | unescape)
	cookie=$(awk '$6 == "csrf_" { print $7 }' "$jar")
	[ -n "$csrf" ] && [ -n "$opened_at" ] && [ -n "$cookie" ] ||
		{ echo "load_apply.sh: the form at $path gave no CSRF token, cookie or opened_at" >&2; exit 1; }
	if printf '%s' "$form" | grep -q 'name="attendance_mode"'; then
		fields="$fields
attendance_mode=in_person"
	fi
	local -A answered=()
	local q value
	while IFS=$'\t' read -r q value; do
		[ -n "$q" ] && [ -z "${answered[$q]:-}" ] || continue
		answered[$q]=1
		fields="$fields
$q=$(printf '%s' "$value" | unescape)"
	done < <(printf '%s' "$form" | grep -oE '<input type="(radio|checkbox)" name="q_[0-9]+" value="[^"]*"' |
		sed -E 's/.*name="(q_[0-9]+)" value="([^"]*)"/\1\t\2/')
	while read -r q; do
		[ -n "$q" ] && [ -z "${answered[$q]:-}" ] || continue
		answered[$q]=1
		fields="$fields
$q=An answer."
	done < <(printf '%s' "$form" | grep -oE '<(textarea|input type="text")[^>]* name="q_[0-9]+"' |
		sed -E 's/.*name="(q_[0-9]+)"/\1/')

	local args=(-F "_csrf=$csrf" -F "opened_at=$opened_at" -F "email=load-check-$name@example.org")
	local line check
	while IFS= read -r line; do args+=(-F "${line%%=*}=${line#*=}"); done <<<"$fields"
	if printf '%s' "$form" | grep -q 'name="cv"'; then
		args+=(-F "cv=@$tmp/cv.pdf;type=application/pdf")
	fi
	check=$(curl -s -b "$jar" -o "$tmp/check.html" -w '%{http_code}' "${args[@]}" "$base$path")
	if [ "$check" != 303 ]; then
		echo "load_apply.sh: a test submission to $path answered $check, not 303:" >&2
		sed -e 's/<[^>]*>//g' "$tmp/check.html" | grep -v '^\s*$' | head -n 30 >&2
		exit 1
	fi
	path_[$name]=$path csrf_[$name]=$csrf opened_[$name]=$opened_at cookie_[$name]=$cookie
	fields_[$name]=$fields
}

# The open-admission conference: the short form, no CV. Its 120 seats fill within the first
# second; later registrations are waitlisted, which is a success (303) too.
if [[ $wanted == *" no-file "* ]]; then
conference=$(find_open 'conference-20[0-9]+-cities-of-welcome[^"/?]*')
[ -n "$conference" ] || { echo "load_apply.sh: no open conference on the home page takes registrations" >&2; exit 1; }
prepare no-file "$conference" "given_name=Load
family_name=Tester
nationality=CZ
residence=CZ
dietary=Vegetarian
consent_processing=yes"
fi

# The open summer school: the long form with a CV.
if [[ $wanted == *" pdf-200kb "* ]]; then
summer=$(find_open 'summer-school-[0-9][^"/?]*')
[ -n "$summer" ] || { echo "load_apply.sh: no summer school on the home page takes applications" >&2; exit 1; }
prepare pdf-200kb "$summer" "given_name=Load
family_name=Tester
date_of_birth=1996-05-17
nationality=CZ
residence=CZ
sector=student
institution=Charles University
field_of_study=Demography
highest_degree=master
english_level=c1
motivation=I study how people move and want to learn from the best in the field.
consent_processing=yes"
fi

# The load generator: wrk cost as much CPU as the server per application with a CV (see
# scripts/applyload); this one sends a request built once, with a new address each time.
echo "== go build ./scripts/applyload"
go build -o "$tmp/applyload" ./scripts/applyload

# to_ms converts a duration as wrk and applyload print it (850.00us, 3.21ms, 1.02s, 2.00m) to milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
		printf "%.2f", n
	}'
}

stored() {
	if command -v sqlite3 >/dev/null 2>&1; then
		sqlite3 "file:$tmp/data/registrar.db?mode=ro" 'SELECT COUNT(*) FROM applications' 2>/dev/null || echo "?"
	else
		echo "?"
	fi
}

# cpu_ticks prints the server's CPU time so far (user + system) in clock ticks: per submission, it
# says what the server spends whatever else shares the machine.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0; }
hz=$(getconf CLK_TCK)

declare -a rps p50 p99 reqs non303 non2xx sockerr new_rows cpu_ms client_ms peak_mb
for i in "${!names[@]}"; do
	before=$(stored)
	echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || true # VmHWM from here on
	ticks=$(cpu_ticks)
	name=${names[$i]}
	path=${path_[$name]}
	echo "== $name: applyload -c$connections -d$duration POST $base$path (CV: ${cv_bytes[$i]} B)"
	# The load generator's own CPU time (bash's time keyword): it shares the cores with the server.
	out=$(TIMEFORMAT='%U %S'; { time APPLY_CSRF="${csrf_[$name]}" APPLY_OPENED_AT="${opened_[$name]}" \
		APPLY_COOKIE="${cookie_[$name]}" APPLY_FIELDS="${fields_[$name]}" APPLY_CV_BYTES="${cv_bytes[$i]}" \
		APPLY_RUN="$name-$$" "$tmp/applyload" -c "$connections" -d "$duration" -url "$base$path" 2>&1; } 2>"$tmp/client.time")
	echo "$out" | sed 's/^/   /'
	rps[i]=$(echo "$out" | awk '/^Requests\/sec:/ { printf "%.0f", $2 }')
	reqs[i]=$(echo "$out" | awk '/requests in/ { print $1 }')
	p50[i]=$(to_ms "$(echo "$out" | awk '$1 == "50%" { print $2 }')")
	p99[i]=$(to_ms "$(echo "$out" | awk '$1 == "99%" { print $2 }')")
	non303[i]=$(echo "$out" | awk '/^Answers other than 303:/ { print $NF }')
	n=$(echo "$out" | awk '/Non-2xx or 3xx responses:/ { print $NF }')
	non2xx[i]=${n:-0}
	n=$(echo "$out" | awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }')
	sockerr[i]=${n:-0}
	after=$(stored)
	if [ "$before" != "?" ] && [ "$after" != "?" ]; then new_rows[i]=$((after - before)); else new_rows[i]="?"; fi
	peak_mb[i]=$(awk '$1 == "VmHWM:" { print int($2 / 1024) }' "/proc/$pid/status" 2>/dev/null || echo "?")
	client_ms[i]=$(awk -v n="${reqs[$i]}" '{ printf "%.2f", n ? ($1 + $2) * 1000 / n : 0 }' "$tmp/client.time")
	cpu_ms[i]=$(awk -v t=$(($(cpu_ticks) - ticks)) -v hz="$hz" -v n="${reqs[$i]}" 'BEGIN { printf "%.2f", n ? t * 1000 / hz / n : 0 }')
done

# The disk's own sequential write limit, in the same run and on the data folder's file system:
# a CV is written twice (the write-ahead log, then the checkpoint into the database file).
disk_mb=$(dd if=/dev/zero of="$tmp/data/dd.bin" bs=1M count=128 oflag=direct 2>&1 |
	awk '/copied/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ /^[MG]B\/s$/) { v = $i; if ($(i + 1) == "GB/s") v *= 1000; printf "%.0f", v } }')
rm -f "$tmp/data/dd.bin"

locked=$(grep -c 'database is locked' "$log" || true)
errors5xx=$(grep -cE 'status=5[0-9][0-9]' "$log" || true)
emls=$(find "$tmp/data/mail" -name '*.eml' 2>/dev/null | wc -l)

missed=0
verdict() { if [ "$1" = 1 ]; then result=ok; else result=MISSED; missed=1; fi; }

echo
echo "== summary ($(nproc) cores; applyload -c$connections -d$duration, client and server on one machine; load average now $(cut -d' ' -f1-3 /proc/loadavg))"
echo "   CPU ms: the server's CPU time (user + system) per submission; client ms: the load generator's;"
echo "   peak MB: the server's peak RSS during the case (VmHWM)"
printf '%-10s %12s %9s %9s %9s %9s %9s %9s %9s %9s %9s  %-24s %s\n' case "submits/s" "p50 ms" "p99 ms" "not 303" "non-2/3xx" "sock err" "stored" "CPU ms" "client ms" "peak MB" target result
for i in "${!names[@]}"; do
	ok=$(awk -v r="${rps[$i]}" -v min="${min_rps[$i]}" -v p="${p99[$i]}" -v max="${max_p99[$i]}" \
		'BEGIN { print ((min == "" || r >= min) && (max == "" || p <= max)) ? 1 : 0 }')
	[ "${non303[$i]:-0}" = 0 ] && [ "${sockerr[$i]}" = 0 ] || ok=0
	target="no errors"
	[ -n "${min_rps[$i]}" ] && target="≥ ${min_rps[$i]}/s, p99 ≤ ${max_p99[$i]} ms"
	verdict "$ok"
	printf '%-10s %12s %9s %9s %9s %9s %9s %9s %9s %9s %9s  %-24s %s\n' "${names[$i]}" "${rps[$i]}" "${p50[$i]}" \
		"${p99[$i]}" "${non303[$i]:-?}" "${non2xx[$i]}" "${sockerr[$i]}" "${new_rows[$i]}" "${cpu_ms[$i]}" "${client_ms[$i]}" "${peak_mb[$i]}" "$target" "$result"
done
for i in "${!names[@]}"; do
	[ "${cv_bytes[$i]}" != none ] || continue
	printf '%-42s %9s MB/s; %s: %s MB/s of CVs written twice, %s of it\n' "disk's sequential write (dd oflag=direct)" \
		"${disk_mb:-?}" "${names[$i]}" "$(awk -v r="${rps[$i]}" -v b="${cv_bytes[$i]}" 'BEGIN { printf "%.0f", 2 * r * b / 1e6 }')" \
		"$(awk -v r="${rps[$i]}" -v b="${cv_bytes[$i]}" -v d="${disk_mb:-0}" 'BEGIN { if (d > 0) printf "%.0f %%", 200 * r * b / 1e6 / d; else print "?" }')"
done
verdict $(( locked == 0 ))
printf '%-42s %9s %44s %s\n' '"database is locked" in the server log' "$locked" "never" "$result"
verdict $(( errors5xx == 0 ))
printf '%-42s %9s %44s %s\n' "5xx answers in the server log" "$errors5xx" "none" "$result"
printf '%-42s %9s\n' "applications stored in all" "$(stored)"
printf '%-42s %9s\n' "receipts written as .eml so far" "$emls"

if [ "$missed" = 1 ]; then
	echo "load_apply.sh: some targets were missed"
	[ "${LOAD_STRICT:-0}" = 1 ] && exit 1
fi
exit 0
