#!/usr/bin/env bash
# Prepare THIS machine to be a one-node Ray cluster for the cluster launcher's
# `local` provider (infra/local.yaml): `ray up` / `ray submit` / `ray down`
# drive the "head node" over SSH, even when the head node is 127.0.0.1.
#
# What it does (idempotent; run as root; safe to re-run):
#   1. apt-get installs openssh-server, openssh-client and rsync if missing
#      (the launcher rsyncs the cluster config and `ray submit`'s script).
#   2. creates the key pair ~/.ssh/id_curate (no passphrase) that local.yaml's
#      `auth.ssh_private_key` points at, and authorizes it for root.
#   3. writes a dedicated sshd config (/etc/ssh/sshd_config_curate): listens on
#      127.0.0.1:22 only, public-key auth only, no PAM, no passwords. The
#      system's /etc/ssh/sshd_config is left untouched.
#   4. starts that sshd directly (no systemd needed; containers/CI have none),
#      unless something already answers on 127.0.0.1:22 with our key.
#   5. checks `ssh -o BatchMode=yes root@127.0.0.1 true`, and reports what the
#      launcher's login shell (`bash --login -c -i`) finds as python/ray/curate.
#
# Isolation from other Ray instances on the same machine (important on shared
# dev boxes and in the test suite, which starts its own `ray.init()`s):
#   * `ray up` runs `ray stop` before `ray start`, and `ray down` runs `ray stop`.
#     `ray stop` kills EVERY Ray process it can see. When `unshare` works
#     (root, Linux), sshd is started as PID 1 of a private PID namespace, so
#     everything started over this SSH server - the cluster and the drivers
#     `ray submit` runs - lives in that namespace and its `ray stop` cannot see
#     (or kill) Ray instances started elsewhere. Set CURATE_SSHD_PIDNS=0 to
#     disable. Stopping this sshd (`--stop`) also kills everything inside it.
#   * Sessions using the curate key get RAY_TMPDIR=$CURATE_RAY_TMPDIR
#     (default /tmp/curate-ray) via the key's `environment=` option, so the
#     cluster's session dir and its `ray_current_cluster` address file live
#     in /tmp/curate-ray/ray instead of /tmp/ray: scripts run by `ray submit`
#     (same env) connect to the cluster with a plain `ray.init()`, while a
#     plain `ray.init()` anywhere else on the machine does NOT attach to it.
#   * The key's `environment=` also puts the directory of the python that ran
#     this script (the one with `curate` installed) first on PATH.
#
# Usage:  bash infra/setup_local_ssh.sh          # set up / verify
#         bash infra/setup_local_ssh.sh --stop   # stop the sshd started here
# Env:    PYTHON (python whose bin dir goes on PATH; default: `python3`/`python`)
#         CURATE_SSH_KEY (default /root/.ssh/id_curate)
#         CURATE_RAY_TMPDIR (default /tmp/curate-ray), CURATE_SSHD_PIDNS (1/0)
# Exit codes: 0 ok; 2 not root; 3 packages missing and apt-get unavailable;
#             4 sshd could not be started / ssh check failed.
set -euo pipefail

KEY="${CURATE_SSH_KEY:-/root/.ssh/id_curate}"
RAY_TMP="${CURATE_RAY_TMPDIR:-/tmp/curate-ray}"
USE_PIDNS="${CURATE_SSHD_PIDNS:-1}"
SSHD_CONF=/etc/ssh/sshd_config_curate
SSHD_LOG=/var/log/curate-sshd.log
# PID (host namespace) of the process holding our sshd; see start_sshd.
SSHD_PIDFILE=/run/curate-sshd.pid
SSH_OPTS=(-o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
          -o LogLevel=ERROR -o ConnectTimeout=10 -o IdentitiesOnly=yes -i "$KEY")

log() { echo "[setup_local_ssh] $*" >&2; }
die() { local code=$1; shift; log "ERROR: $*"; exit "$code"; }

our_sshd_pid() {
    local pid
    [[ -f "$SSHD_PIDFILE" ]] || return 1
    pid=$(cat "$SSHD_PIDFILE" 2>/dev/null) || return 1
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

stop_sshd() {
    local pid
    if pid=$(our_sshd_pid); then
        log "stopping curate sshd (pid $pid)"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$SSHD_PIDFILE"
}

if [[ "${1:-}" == "--stop" ]]; then
    stop_sshd
    exit 0
fi

[[ "$(id -u)" == 0 ]] || die 2 "must run as root (it installs packages and configures sshd)"

# --- 1. packages -------------------------------------------------------------
missing=()
[[ -x /usr/sbin/sshd ]] || missing+=(openssh-server)
command -v ssh >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
command -v rsync >/dev/null 2>&1 || missing+=(rsync)
if ((${#missing[@]})); then
    command -v apt-get >/dev/null 2>&1 || die 3 "missing ${missing[*]} and apt-get is unavailable"
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || die 3 "apt-get update failed"
    # policy-rc.d in containers refuses to start the service: fine, we start it.
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || die 3 "apt-get install ${missing[*]} failed"
fi

# --- 2. key pair + authorized_keys --------------------------------------------
install -d -m 700 /root/.ssh "$(dirname "$KEY")"
if [[ ! -f "$KEY" ]]; then
    log "creating key pair $KEY"
    ssh-keygen -q -t ed25519 -N '' -C curate-local-ray -f "$KEY"
fi
[[ -f "$KEY.pub" ]] || ssh-keygen -y -f "$KEY" > "$KEY.pub"
chmod 600 "$KEY"

PY="${PYTHON:-$(command -v python3 || command -v python || true)}"
PY_BIN=""
if [[ -n "$PY" ]]; then
    # sys.executable resolves pyenv shims to the real interpreter directory.
    # Not realpath'd: a venv's bin/python is a symlink to the base interpreter.
    PY_BIN=$("$PY" -c 'import os, sys; print(os.path.dirname(sys.executable))' 2>/dev/null || true)
fi
KEY_PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
[[ -n "$PY_BIN" ]] && KEY_PATH="$PY_BIN:$KEY_PATH"
PUB_BLOB=$(awk '{print $2}' "$KEY.pub")
AUTH_LINE="environment=\"RAY_TMPDIR=$RAY_TMP\",environment=\"PATH=$KEY_PATH\" $(cat "$KEY.pub")"
AUTH=/root/.ssh/authorized_keys
touch "$AUTH"; chmod 600 "$AUTH"
if ! grep -qxF "$AUTH_LINE" "$AUTH"; then
    log "authorizing $KEY.pub for root (RAY_TMPDIR=$RAY_TMP, PATH starts with ${PY_BIN:-/usr/local/sbin})"
    { grep -vF "$PUB_BLOB" "$AUTH" || true; echo "$AUTH_LINE"; } > "$AUTH.tmp"
    mv "$AUTH.tmp" "$AUTH"; chmod 600 "$AUTH"
fi
install -d -m 1777 "$RAY_TMP"

# --- 3. sshd config ------------------------------------------------------------
ssh-keygen -A >/dev/null   # host keys, if the image was built without them
NEW_CONF=$(cat <<EOF
# Managed by curate infra/setup_local_ssh.sh: loopback-only sshd used by the
# Ray cluster launcher's local provider (infra/local.yaml). Do not expose.
Port 22
ListenAddress 127.0.0.1
HostKey /etc/ssh/ssh_host_ed25519_key
HostKey /etc/ssh/ssh_host_rsa_key
PermitRootLogin prohibit-password
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
# Lets the curate key's environment="..." options in authorized_keys apply.
PermitUserEnvironment RAY_TMPDIR,PATH
# ray dashboard / ray attach use local port forwarding.
AllowTcpForwarding yes
X11Forwarding no
PrintMotd no
# The launcher opens several sessions at once (ControlMaster multiplexes most).
MaxStartups 50:30:100
MaxSessions 50
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
)
conf_changed=0
if [[ ! -f "$SSHD_CONF" ]] || [[ "$(cat "$SSHD_CONF")" != "$NEW_CONF" ]]; then
    printf '%s\n' "$NEW_CONF" > "$SSHD_CONF"
    conf_changed=1
fi
install -d -m 755 /run/sshd   # privilege-separation dir sshd insists on
/usr/sbin/sshd -t -f "$SSHD_CONF" || die 4 "sshd rejected $SSHD_CONF"

# --- 4. start sshd ---------------------------------------------------------------
port_open() { (exec 3<>/dev/tcp/127.0.0.1/22) 2>/dev/null; }
ssh_ok() { ssh "${SSH_OPTS[@]}" root@127.0.0.1 true </dev/null 2>/dev/null; }

if [[ $conf_changed == 1 ]] && our_sshd_pid >/dev/null; then
    log "sshd config changed: restarting curate sshd"
    stop_sshd
fi

start_sshd() {
    : > "$SSHD_LOG"
    if [[ "$USE_PIDNS" != 0 ]] && unshare --pid --fork --mount-proc --kill-child true 2>/dev/null; then
        log "starting sshd in a private PID namespace (log: $SSHD_LOG)"
        # -D: stay in the foreground as the namespace's PID 1. --kill-child:
        # killing this unshare process kills sshd and so the whole namespace.
        setsid unshare --pid --fork --mount-proc --kill-child \
            /usr/sbin/sshd -D -f "$SSHD_CONF" -E "$SSHD_LOG" \
            </dev/null >>"$SSHD_LOG" 2>&1 &
        echo $! > "$SSHD_PIDFILE"
    else
        log "starting sshd (log: $SSHD_LOG)"
        setsid /usr/sbin/sshd -D -f "$SSHD_CONF" -E "$SSHD_LOG" </dev/null >>"$SSHD_LOG" 2>&1 &
        echo $! > "$SSHD_PIDFILE"
    fi
    for _ in $(seq 100); do port_open && return 0; sleep 0.1; done
    return 1
}

if ssh_ok; then
    log "ssh root@127.0.0.1 with $KEY already works"
elif port_open; then
    if our_sshd_pid >/dev/null; then
        stop_sshd; start_sshd || die 4 "sshd did not come up; see $SSHD_LOG"
    else
        die 4 "something else listens on 127.0.0.1:22 and rejects $KEY; add $KEY.pub to its authorized keys or stop it"
    fi
else
    start_sshd || die 4 "sshd did not come up; see $SSHD_LOG"
fi

# --- 5. verify ---------------------------------------------------------------------
ok=0
for _ in $(seq 20); do ssh_ok && { ok=1; break; }; sleep 0.5; done
[[ $ok == 1 ]] || die 4 "ssh -o BatchMode=yes root@127.0.0.1 true failed; see $SSHD_LOG"
log "OK: ssh -i $KEY root@127.0.0.1 works"

# What the launcher's remote commands will see (it runs them exactly like this).
probe='source ~/.bashrc; command -v python ray; echo RAY_TMPDIR=${RAY_TMPDIR:-unset};
python -c "import ray; print(\"ray\", ray.__version__)";
python -c "import curate; print(\"curate\", curate.__file__)" 2>/dev/null || echo "curate NOT importable (pip install -e . first)"'
ssh "${SSH_OPTS[@]}" -tt root@127.0.0.1 "bash --login -c -i $(printf %q "$probe")" </dev/null 2>/dev/null \
    | tr -d '\r' | sed 's/^/[setup_local_ssh]   login shell: /' >&2 || true
