#!/usr/bin/env bash
# Memory under large bodies and files (issue 9): start Registrar with the demo data on a fresh database,
# then
#   (a) 48 anonymous 30 MB POSTs at once to a page that does not exist: the server must refuse
#       each before reading it, and its peak RSS stay at most 150 MB;
#   (b) 48 anonymous forms at once to the apply page, the one that takes files (40 MB), each
#       with 36 MB of text fields instead of files: refused, peak RSS at most 150 MB;
#   (c) 150 applicants at once, each opening the summer school's form (own CSRF cookie and token,
#       signed opened_at) and sending it with a valid 5 MB CV: every one must be stored (303, an
#       application and its file in the database each), and the peak RSS stay at most 200 MB;
#   (d) those 150 downloading their CV at once; (e) 200 forms of 1 MB at once from one address,
#       each finished after 5 s: peak RSS at most 150 MB.
# Peak RSS is the kernel's high-water mark (VmHWM in /proc/PID/status), reset before each part
# (echo 5 > /proc/PID/clear_refs). Not a timed test: it prints what it measured.
#
#   scripts/load_files.sh
#
# Environment: LOAD_FILES_ADDR (127.0.0.1:18082), LOAD_FLOOD (48), LOAD_APPLICANTS (150),
# LOAD_STRICT=1 to exit 1 when a target is missed, LOAD_KEEP=1 to keep the temporary folder.
set -euo pipefail

cd "$(dirname "$0")/.."
. scripts/lib.sh

addr=${LOAD_FILES_ADDR:-127.0.0.1:18082}
flood=${LOAD_FLOOD:-48}
applicants=${LOAD_APPLICANTS:-150}
base="http://$addr"

case $addr in
127.0.0.1:*) ;;
*) echo "$me: LOAD_FILES_ADDR must be on 127.0.0.1, not $addr" >&2; exit 2 ;;
esac

echo "== make build"
make --no-print-directory build
need_tools curl awk grep sed sqlite3 python3
refuse_busy "$base" LOAD_FILES_ADDR

use_tmp load-files

echo "== starting the server on $addr (fresh database in $tmp/data)"
mkdir -p "$tmp/data"
# MALLOC_ARENA_MAX as deploy/registrar.service sets it; LOAD_MALLOC_ARENA_MAX= measures without.
env -u REGISTRAR_SMTP_URL -u REGISTRAR_DEV -u REGISTRAR_BASE_URL \
	MALLOC_ARENA_MAX="${LOAD_MALLOC_ARENA_MAX-2}" \
	REGISTRAR_ADDR="$addr" REGISTRAR_DATA="$tmp/data" REGISTRAR_DEMO=1 \
	REGISTRAR_APPLY_LIMIT=1000000000 REGISTRAR_TRUSTED_PROXIES=127.0.0.1 \
	./bin/registrar serve >"$log" 2>&1 &
pid=$!
for i in $(seq 300); do
	curl -fs -o /dev/null --max-time 1 "$base/healthz" && break
	if ! kill -0 "$pid" 2>/dev/null; then
		pid=""
		echo "$me: the server exited during start" >&2
		exit 1
	fi
	[ "$i" = 300 ] && { echo "$me: /healthz did not answer within 30 s" >&2; exit 1; }
	sleep 0.1
done

rss() { awk -v k="$1:" '$1 == k { print int($2 / 1024) }' "/proc/$pid/status"; }
reset_peak() { echo 5 >"/proc/$pid/clear_refs"; }
missed=0

# (a) The flood. Each curl sends its whole 30 MB body at once (no Expect: 100-continue) and reads
# what comes back, as an attacker's script would.
head -c $((30 << 20)) /dev/zero >"$tmp/flood.bin"
echo "== (a) $flood anonymous 30 MB POSTs at once to /no-such-page (RSS now $(rss VmRSS) MB)"
reset_peak
start=$(date +%s.%N)
for i in $(seq "$flood"); do
	curl -s -o /dev/null -w '%{http_code}\n' -H 'Expect:' -H 'Content-Type: application/octet-stream' \
		--data-binary @"$tmp/flood.bin" "$base/no-such-page" >"$tmp/flood-$i.code" 2>/dev/null &
done
wait $(jobs -p | grep -v "^$pid\$") 2>/dev/null || true
secs=$(echo "$(date +%s.%N) - $start" | bc)
flood_peak=$(rss VmHWM)
codes=$(cat "$tmp"/flood-*.code | sort | uniq -c | awk '{ printf "%s×%s ", $1, $2 }')
refused=$(grep -c 'path=/no-such-page status=413' "$log" || true)
# 000: curl was still sending when the server closed the connection after its 413.
echo "   curl saw: ${codes:-none}in $(printf "%.1f" "$secs") s; the server answered 413 to $refused; peak RSS $flood_peak MB (target ≤ 150)"
[ "$flood_peak" -le 150 ] || missed=1

# The summer school, whose form takes a CV.
summer=""
for s in $(curl -fs "$base/" | grep -oE 'href="/editions/summer-school-[0-9][^"/?]*"' | sed -E 's/^href="\/editions\/(.*)"$/\1/' | sort -ru); do
	if [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/editions/$s/apply")" = 200 ]; then
		summer=$s
		break
	fi
done
[ -n "$summer" ] || { echo "$me: no summer school on the home page" >&2; exit 1; }
path="/editions/$summer/apply"

# (b) Fields instead of files, where files are taken.
head -c $((9 << 20)) /dev/zero | tr '\0' 'a' >"$tmp/field.txt"
echo "== (b) $flood anonymous forms at once to the apply page, each with 36 MB of text fields (RSS now $(rss VmRSS) MB)"
reset_peak
start=$(date +%s.%N)
for i in $(seq "$flood"); do
	curl -s -o /dev/null -w '%{http_code}\n' -H 'Expect:' -F "motivation=<$tmp/field.txt" -F "given_name=<$tmp/field.txt" \
		-F "family_name=<$tmp/field.txt" -F "institution=<$tmp/field.txt" \
		"$base$path" >"$tmp/fields-$i.code" 2>/dev/null &
done
wait $(jobs -p | grep -v "^$pid\$") 2>/dev/null || true
secs=$(echo "$(date +%s.%N) - $start" | bc)
fields_peak=$(rss VmHWM)
codes=$(cat "$tmp"/fields-*.code | sort | uniq -c | awk '{ printf "%s×%s ", $1, $2 }')
echo "   curl saw: ${codes:-none}in $(printf "%.1f" "$secs") s; peak RSS $fields_peak MB (target ≤ 150)"
[ "$fields_peak" -le 150 ] || missed=1

# (c) The applicants. A valid PDF of 5 MB (5,000,000 bytes): a header, a comment for bulk, %%EOF.
{
	printf '%%PDF-1.4\n%% '
	head -c $((5000000 - 18)) /dev/zero | tr '\0' 'x'
	printf '\n%%%%EOF\n'
} >"$tmp/cv.pdf"
[ "$(stat -c %s "$tmp/cv.pdf")" = 5000000 ] || { echo "$me: the CV is not 5,000,000 bytes" >&2; exit 1; }

unescape() { sed -e 's/&#34;/"/g; s/&quot;/"/g; s/&#39;/'"'"'/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g'; }

# prepare N: one applicant in their own browser opens the form (own cookie jar, CSRF token,
# signed opened_at) and fills it in: every question answered (the first option of a choice, a
# short text otherwise), the CV chosen. The curl arguments that send it go to $tmp/args-N.
prepare() {
	local n=$1 jar="$tmp/jar-$1" form csrf opened q value
	form=$(curl -fs -c "$jar" "$base$path")
	csrf=$(printf '%s' "$form" | grep -oE 'name="_csrf" value="[^"]*"' | sed -E 's/.*value="([^"]*)"/\1/' | unescape)
	opened=$(printf '%s' "$form" | grep -oE 'name="opened_at" value="[^"]*"' | sed -E 's/.*value="([^"]*)"/\1/' | unescape)
	local args=(-F "_csrf=$csrf" -F "opened_at=$opened" -F "email=applicant-$n@load.example"
		-F "given_name=Load" -F "family_name=Applicant $n" -F "date_of_birth=1996-05-17"
		-F "nationality=CZ" -F "residence=CZ" -F "sector=student" -F "institution=Charles University"
		-F "field_of_study=Demography" -F "highest_degree=master" -F "english_level=c1"
		-F "motivation=I study how people move and want to learn from the best in the field."
		-F "consent_processing=yes" -F "cv=@$tmp/cv.pdf;type=application/pdf")
	local -A answered=()
	while IFS=$'\t' read -r q value; do
		[ -n "$q" ] && [ -z "${answered[$q]:-}" ] || continue
		answered[$q]=1
		args+=(-F "$q=$(printf '%s' "$value" | unescape)")
	done < <(printf '%s' "$form" | grep -oE '<input type="(radio|checkbox)" name="q_[0-9]+" value="[^"]*"' |
		sed -E 's/.*name="(q_[0-9]+)" value="([^"]*)"/\1\t\2/')
	while read -r q; do
		[ -n "$q" ] && [ -z "${answered[$q]:-}" ] || continue
		answered[$q]=1
		args+=(-F "$q=An answer.")
	done < <(printf '%s' "$form" | grep -oE '<(textarea|input type="text")[^>]* name="q_[0-9]+"' |
		sed -E 's/.*name="(q_[0-9]+)"/\1/')
	printf '%s\0' "${args[@]}" >"$tmp/args-$n"
}

# send N: the applicant sends the form prepared for them.
send() {
	local args=()
	mapfile -d '' args <"$tmp/args-$1"
	# Each applicant from an address of their own (a documentation range, named to the server
	# as the trusted proxy would): one address may send only a few files at once.
	curl -s -b "$tmp/jar-$1" -H "X-Real-IP: 198.51.$((100 + $1 / 250)).$(($1 % 250 + 1))" \
		-o "$tmp/answer-$1.html" -w '%{http_code} %{time_total} %{redirect_url}\n' "${args[@]}" "$base$path" >"$tmp/apply-$1.code"
}

echo "== (c) $applicants applicants open the form of $summer"
for i in $(seq "$applicants"); do prepare "$i"; done
echo "   and send it at once, each with a 5 MB CV (RSS now $(rss VmRSS) MB)"
reset_peak
start=$(date +%s.%N)
for i in $(seq "$applicants"); do send "$i" & done
wait $(jobs -p | grep -v "^$pid\$") 2>/dev/null || true
secs=$(echo "$(date +%s.%N) - $start" | bc)
apply_peak=$(rss VmHWM)
codes=$(cut -d' ' -f1 "$tmp"/apply-*.code | sort | uniq -c | awk '{ printf "%s×%s ", $1, $2 }')
slowest=$(cut -d' ' -f2 "$tmp"/apply-*.code | sort -n | tail -n 1)
stored=$(sqlite3 "file:$tmp/data/registrar.db?mode=ro" "SELECT COUNT(*) FROM applications a JOIN uploads u ON u.id = a.cv_upload_id WHERE a.email LIKE 'applicant-%@load.example' AND u.size = 5000000")
in_db=$(sqlite3 "file:$tmp/data/registrar.db?mode=ro" "SELECT COUNT(*) FROM file_blobs b JOIN uploads u ON u.stored_name = b.name WHERE length(b.data) = 5000000")
echo "   answers: ${codes:-none}in $(printf "%.1f" "$secs") s (slowest ${slowest} s); stored: $stored applications with their CV, $in_db CVs' bytes in the database"
echo "   peak RSS $apply_peak MB (target ≤ 200)"
if [ "$stored" != "$applicants" ] || [ "$in_db" != "$applicants" ]; then
	missed=1
	first=$(grep -L '^303' "$tmp"/apply-*.code | head -n 1)
	if [ -n "$first" ]; then
		n=${first##*/apply-}
		echo "   a refused one said:"
		sed -e 's/<[^>]*>//g' "$tmp/answer-${n%.code}.html" | grep -v '^\s*$' | head -n 15
	fi
fi
[ "$apply_peak" -le 200 ] || missed=1
# (d) Each applicant downloads their CV from their status page, all at once. The status link comes
# by email only: the receipts are .eml files in the data folder (no SMTP server is set).
for _ in $(seq 60); do
	[ "$(grep -l 'load.example' "$tmp"/data/mail/*.eml 2>/dev/null | wc -l)" -ge "$applicants" ] && break
	sleep 0.5
done
for i in $(seq "$applicants"); do
	eml=$(grep -l "applicant-$i@load.example" "$tmp"/data/mail/*.eml 2>/dev/null | head -n 1)
	[ -n "$eml" ] || continue
	# Quoted-printable breaks long lines with a trailing '='.
	status=$(tr -d '\r' <"$eml" | sed -e ':a' -e '/=$/{N;s/=\n//;ba}' | grep -oE '/status/[A-Za-z0-9_-]{43}' | head -n 1)
	[ -n "$status" ] || continue
	file=$(curl -fs "$base$status" | grep -oE 'href="/status/[^"]*/files/[0-9]+"' | head -n 1 | sed -E 's/^href="(.*)"$/\1/')
	[ -n "$file" ] && echo "$base$file" >"$tmp/download-$i.url"
done
echo "== (d) $(ls "$tmp"/download-*.url 2>/dev/null | wc -l) applicants download their CV at once (RSS now $(rss VmRSS) MB)"
reset_peak
start=$(date +%s.%N)
for u in "$tmp"/download-*.url; do
	curl -s -o /dev/null -w '%{http_code} %{size_download}\n' "$(cat "$u")" >"${u%.url}.code" &
done
wait $(jobs -p | grep -v "^$pid\$") 2>/dev/null || true
secs=$(echo "$(date +%s.%N) - $start" | bc)
download_peak=$(rss VmHWM)
codes=$(cat "$tmp"/download-*.code | sort | uniq -c | awk '{ printf "%s×%s (%s bytes) ", $1, $2, $3 }')
echo "   answers: ${codes:-none}in $(printf "%.1f" "$secs") s; peak RSS $download_peak MB (target ≤ 200)"
[ "$download_peak" -le 200 ] || missed=1

# (e) 200 forms of 1 MB at once from one address to a status page's withdraw form, each holding
# back its last byte for 5 s: the server reads at most a few at once (a stranger's forms get 403).
echo "== (e) 200 forms of 1 MB at once from one address, each finished after 5 s (RSS now $(rss VmRSS) MB)"
reset_peak
codes=$(python3 - "${addr%:*}" "${addr##*:}" <<'PY'
import socket, sys, threading, time
host, port = sys.argv[1], int(sys.argv[2])
body = b"a=" + b"x" * (1000000 - 2)
head = b"POST /status/" + b"A" * 64 + b"/withdraw HTTP/1.1\r\nHost: load\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % len(body)
socks = []
def send():
    s = socket.create_connection((host, port)); s.settimeout(60)
    s.sendall(head + body[:-1]); socks.append(s)
threads = [threading.Thread(target=send) for _ in range(200)]
[t.start() for t in threads]; [t.join() for t in threads]
time.sleep(5)
for s in socks: s.sendall(b"x")
codes = {}
for s in socks:
    try: code = s.recv(64).split(b" ")[1].decode()
    except Exception: code = "none"
    codes[code] = codes.get(code, 0) + 1; s.close()
print(" ".join("%d×%s" % (n, c) for c, n in sorted(codes.items())))
PY
)
forms_peak=$(rss VmHWM)
echo "   answers: $codes; peak RSS $forms_peak MB (target ≤ 150)"
[ "$forms_peak" -le 150 ] || missed=1

leftover=$(find "${TMPDIR:-/tmp}" -maxdepth 1 \( -name 'multipart-*' -o -name 'registrar-form-*' \) -newer "$tmp/cv.pdf" 2>/dev/null | wc -l)
echo "   temporary multipart files left behind: $leftover"

if [ "$missed" = 1 ]; then
	echo "== a target was missed"
	[ -n "${LOAD_STRICT:-}" ] && exit 1
fi
exit 0
