# Shared by the load scripts (source it): the tools they need, a check that the address is free,
# a folder of their own that goes when they end, and stopping the server they started. Each function names the calling script in its messages.

me=$(basename "$0")

# need_tools installs wrk from Debian when it is missing and checks that the other tools exist.
need_tools() {
	if ! command -v wrk >/dev/null 2>&1; then
		echo "== installing wrk"
		local sudo=""
		[ "$(id -u)" = 0 ] || sudo=sudo
		$sudo apt-get update -qq
		$sudo apt-get install -y -qq wrk >/dev/null
	fi
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 || { echo "$me: $tool is needed" >&2; exit 2; }
	done
}

# refuse_busy stops the script when something already answers at the address it would use.
# $1: the base URL; $2: the variable that sets the address.
refuse_busy() {
	if curl -s -o /dev/null --max-time 1 "$1/healthz"; then
		echo "$me: something already answers on ${1#http://}; stop it or set $2" >&2
		exit 2
	fi
}

# stop_server asks the server with process id $1 to stop, and kills it after 10 s.
stop_server() {
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 0
	kill -TERM "$1" 2>/dev/null || true
	for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# use_tmp makes a fresh folder $tmp (named after $1) for the server's data and its log $log; when
# the script ends, the server with process id $pid is stopped and the folder removed (kept with
# LOAD_KEEP=1), and a script that failed shows the end of the server's log.
use_tmp() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/registrar-$1.XXXXXX")
	log="$tmp/server.log"
	pid=""
	trap end_run EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

end_run() {
	local status=$?
	stop_server "$pid"
	if [ "$status" != 0 ] && [ -f "$log" ]; then
		echo "$me: failed; the server's log ends with:" >&2
		tail -n 20 "$log" >&2
	fi
	[ -n "${LOAD_KEEP:-}" ] && echo "kept $tmp" >&2 || rm -rf "$tmp"
	exit "$status"
}
