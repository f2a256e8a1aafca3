#!/usr/bin/env bash
# A real Label Studio server for annotation rounds, kept in its own virtual environment (it pins Django,
# pandas, pyarrow, ... which must not leak into the project venv). Our code reaches it solely via
# label-studio-sdk (annotator ls ...).
#
#   scripts/labelstudio.sh install                      create the server venv if missing (idempotent, fast when present)
#   scripts/labelstudio.sh start [--data-dir D] [--port N|0] [--username EMAIL]
#   scripts/labelstudio.sh token [--data-dir D]         mint a personal access token into D/annotator-api-key (mode 600)
#   scripts/labelstudio.sh status [--data-dir D]
#   scripts/labelstudio.sh stop [--data-dir D]
#
# Environment:
#   ANNOTATOR_LS_VENV      server venv (default: $HOME/.cache/annotator/ls-venv)
#   ANNOTATOR_LS_PYTHON    interpreter used to create it (default: python3)
#   ANNOTATOR_LS_DATA      data directory (default: $HOME/.local/share/annotator/labelstudio)
#   ANNOTATOR_LS_PORT      port (default: 8089; 0 = pick a free one)
#   ANNOTATOR_LS_PASSWORD  admin password used when the data directory is new (default: a random one,
#                          written to D/annotator-admin-password, mode 600)
#
# The server binds 127.0.0.1 only. A busy port is an error (Label Studio would otherwise silently move
# to the next port). The key and the password are never printed: they go to files only you can read.
set -euo pipefail

LS_VERSION=1.23.2
VENV=${ANNOTATOR_LS_VENV:-$HOME/.cache/annotator/ls-venv}
PYTHON=${ANNOTATOR_LS_PYTHON:-python3}
DATA=${ANNOTATOR_LS_DATA:-$HOME/.local/share/annotator/labelstudio}
PORT=${ANNOTATOR_LS_PORT:-8089}
USERNAME_=admin@example.com
START_TIMEOUT=${ANNOTATOR_LS_START_TIMEOUT:-240}

die() { echo "labelstudio.sh: $*" >&2; exit 1; }

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; }

installed() {
    [ -x "$VENV/bin/label-studio" ] && [ -x "$VENV/bin/python" ] &&
        "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('label-studio') != '$LS_VERSION')" 2>/dev/null
}

cmd_install() {
    if installed; then
        echo "label-studio $LS_VERSION present in $VENV"
        return 0
    fi
    command -v "$PYTHON" >/dev/null || die "cannot create the server venv: '$PYTHON' not found (set ANNOTATOR_LS_PYTHON)"
    mkdir -p "$(dirname "$VENV")"
    if [ ! -x "$VENV/bin/python" ]; then
        echo "creating the Label Studio venv in $VENV" >&2
        "$PYTHON" -m venv "$VENV" || die "python -m venv failed for $VENV"
    fi
    echo "installing label-studio==$LS_VERSION into $VENV (about a minute, ~1 GB)" >&2
    "$VENV/bin/python" -m pip install --quiet --upgrade pip >&2 || true
    "$VENV/bin/python" -m pip install --quiet "label-studio==$LS_VERSION" >&2 || die "pip install label-studio==$LS_VERSION failed"
    installed || die "label-studio $LS_VERSION still not importable from $VENV"
    echo "label-studio $LS_VERSION installed in $VENV"
}

# The server reads LABEL_STUDIO_X, HEARTEX_X and plain X (HOST, PORT, DEBUG, ...): give it a clean env.
clean_env() {
    local keep=(PATH HOME LANG LC_ALL TMPDIR USER)
    local args=(env -i)
    for k in "${keep[@]}"; do
        [ -n "${!k:-}" ] && args+=("$k=${!k}")
    done
    args+=("LABEL_STUDIO_BASE_DATA_DIR=$DATA" "SENTRY_DSN=" "FRONTEND_SENTRY_DSN=" "LATEST_VERSION_CHECK=false"
        "COLLECT_ANALYTICS=false" "PYTHONUNBUFFERED=1")
    printf '%s\0' "${args[@]}"
}

pidfile() { echo "$DATA/annotator-ls.pid"; }
urlfile() { echo "$DATA/annotator-ls.url"; }

running_pid() {
    local pf pid
    pf=$(pidfile)
    [ -f "$pf" ] || return 1
    pid=$(cat "$pf")
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q label-studio "/proc/$pid/cmdline" 2>/dev/null || return 1
    echo "$pid"
}

free_port() {
    "$VENV/bin/python" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()"
}

port_busy() {
    "$VENV/bin/python" - "$1" <<'EOF'
import socket, sys
s = socket.socket()
# SO_REUSEADDR as the server itself binds: a port left in TIME-WAIT by a killed server is free to reuse.
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
finally:
    s.close()
sys.exit(1)
EOF
}

healthy() { curl -fsS --max-time 2 "$1/health" 2>/dev/null | grep -q '"UP"'; }

cmd_start() {
    installed || die "the Label Studio venv is missing in $VENV: run 'scripts/labelstudio.sh install' first"
    local pid
    if pid=$(running_pid); then
        echo "already running (pid $pid): $(cat "$(urlfile)")"
        return 0
    fi
    mkdir -p "$DATA"
    DATA=$(cd "$DATA" && pwd)
    [ "$PORT" = 0 ] && PORT=$(free_port)
    if port_busy "$PORT"; then
        die "port $PORT on 127.0.0.1 is in use (choose another with --port N, or --port 0 for a free one)"
    fi
    local fresh=0 password=${ANNOTATOR_LS_PASSWORD:-}
    [ -f "$DATA/label_studio.sqlite3" ] || fresh=1
    local -a extra=()
    if [ "$fresh" = 1 ]; then
        if [ -z "$password" ]; then
            password=$("$VENV/bin/python" -c "import secrets; print(secrets.token_urlsafe(18))")
            (umask 077 && printf '%s\n' "$password" >"$DATA/annotator-admin-password")
            echo "new data directory: admin $USERNAME_, password in $DATA/annotator-admin-password" >&2
        fi
        extra=("LABEL_STUDIO_USERNAME=$USERNAME_" "LABEL_STUDIO_PASSWORD=$password")
        echo "first start on $DATA runs the database migrations (30-60 s)" >&2
    fi
    local log="$DATA/annotator-ls.log"
    local -a envv
    mapfile -d '' envv < <(clean_env)
    # --debug only disables Label Studio's silent move to the next free port: a busy port fails instead.
    setsid "${envv[@]}" "${extra[@]}" "$VENV/bin/label-studio" start --data-dir "$DATA" --port "$PORT" \
        --internal-host 127.0.0.1 --host "http://127.0.0.1:$PORT" --no-browser --debug >"$log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$(pidfile)"
    local url="http://127.0.0.1:$PORT" waited=0
    while ! healthy "$url"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$(pidfile)"
            tail -n 20 "$log" >&2
            die "the server exited during start-up (log: $log)"
        fi
        if [ "$waited" -ge $((START_TIMEOUT * 2)) ]; then
            kill "$pid" 2>/dev/null || true
            rm -f "$(pidfile)"
            tail -n 20 "$log" >&2
            die "no answer on $url/health after ${START_TIMEOUT}s (log: $log)"
        fi
        sleep 0.5
        waited=$((waited + 1))
    done
    echo "$url" >"$(urlfile)"
    echo "Label Studio $LS_VERSION is up at $url (pid $pid, data $DATA, log $log)" >&2
    if [ -f "$DATA/annotator-api-key" ]; then
        echo "API key: export LABEL_STUDIO_API_KEY=\$(cat $DATA/annotator-api-key)" >&2
    else
        echo "API key: run 'scripts/labelstudio.sh token --data-dir $DATA' or copy it from Account & Settings in the UI" >&2
    fi
    echo "export LABEL_STUDIO_URL=$url" >&2
    echo "$url"
}

cmd_token() {
    installed || die "the Label Studio venv is missing in $VENV: run 'scripts/labelstudio.sh install' first"
    [ -f "$DATA/label_studio.sqlite3" ] || die "no Label Studio database in $DATA: start the server once first"
    local keyfile="$DATA/annotator-api-key"
    if [ ! -s "$keyfile" ]; then
        local -a envv
        mapfile -d '' envv < <(clean_env)
        local out
        out=$(printf '%s\n' "from jwt_auth.models import LSAPIToken" "from users.models import User" \
            "u = User.objects.filter(is_superuser=True).order_by('id').first() or User.objects.order_by('id').first()" \
            "print('ANNOTATOR_PAT=' + LSAPIToken.for_user(u).get_full_jwt())" |
            "${envv[@]}" "$VENV/bin/label-studio" shell 2>/dev/null | grep -o 'ANNOTATOR_PAT=[A-Za-z0-9._-]*' | head -n 1) ||
            die "could not mint a token (is $DATA a Label Studio data directory?)"
        [ -n "$out" ] || die "could not mint a token in $DATA"
        (umask 077 && printf '%s\n' "${out#ANNOTATOR_PAT=}" >"$keyfile")
    fi
    echo "personal access token in $keyfile (mode 600); use it with:" >&2
    echo "export LABEL_STUDIO_API_KEY=\$(cat $keyfile)"
}

cmd_status() {
    local pid
    if pid=$(running_pid); then
        local url
        url=$(cat "$(urlfile)" 2>/dev/null || echo "?")
        if healthy "$url"; then
            echo "running (pid $pid) at $url, data $DATA"
        else
            echo "process $pid alive but $url/health does not answer (starting?), data $DATA"
            return 3
        fi
    else
        echo "not running (data $DATA)"
        return 3
    fi
}

cmd_stop() {
    local pid
    if ! pid=$(running_pid); then
        rm -f "$(pidfile)" "$(urlfile)"
        echo "not running (data $DATA)"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$(pidfile)" "$(urlfile)"
    echo "stopped (pid $pid)"
}

main() {
    local cmd=${1:-help}
    [ $# -gt 0 ] && shift
    while [ $# -gt 0 ]; do
        case "$1" in
            --data-dir) DATA=${2:?--data-dir needs a value}; shift 2 ;;
            --port) PORT=${2:?--port needs a value}; shift 2 ;;
            --username) USERNAME_=${2:?--username needs a value}; shift 2 ;;
            --venv) VENV=${2:?--venv needs a value}; shift 2 ;;
            -h|--help) usage; exit 0 ;;
            *) die "unknown option $1 (see --help)" ;;
        esac
    done
    case "$PORT" in ''|*[!0-9]*) die "--port must be a number (0 = a free one)" ;; esac
    case "$cmd" in
        install) cmd_install ;;
        start) cmd_start ;;
        token) cmd_token ;;
        status) cmd_status ;;
        stop) cmd_stop ;;
        help|-h|--help) usage ;;
        *) usage >&2; exit 2 ;;
    esac
}

main "$@"
