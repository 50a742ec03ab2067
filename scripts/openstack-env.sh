#!/usr/bin/env bash
# A real OpenStack for the openstack test tier, on 127.0.0.1 only: MariaDB and RabbitMQ from Debian packages, Keystone
# (and the Python of Neutron, Nova, ... for their option schemas) in a venv from PyPI, pinned by requirements-openstack.txt.
# There is no systemd on these machines, so every daemon is started by hand, with its data and pid under one directory.
#
# Usage: scripts/openstack-env.sh up|down|status|env|venv
#   up      install what is missing (apt packages, the venv), start MariaDB, RabbitMQ and Keystone, bootstrap Keystone
#           and register the neutron service user. Idempotent: a warm `up` with everything running takes about a second.
#   down    stop every process `up` started (and anything the tests started under the run dir). Leaves data in place.
#   status  exit 0 when MariaDB, RabbitMQ and Keystone answer, print which one does not otherwise.
#   env     print the path of the env file (ports, URLs, generated passwords; mode 0600). `source "$(... env)"`.
#   venv    create the venv only, print its path.
# Environment:
#   OSKUBE_OPENSTACK_DIR     state root (default ~/.cache/oskube/openstack): venvs, data dirs, run dir, secrets
#   OSKUBE_OPENSTACK_PYTHON  the Python for the venv (default: python3.11 from PATH, pyenv, or /usr/bin)
#   OSKUBE_OPENSTACK_NICE    nice level for pip (default 10)
# Generated passwords never go to stdout/stderr or the logs: they live in the env file only.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/.." && pwd)"
REQ="${REPO_ROOT}/requirements-openstack.txt"
ROOT="${OSKUBE_OPENSTACK_DIR:-${HOME}/.cache/oskube/openstack}"
RUN="${ROOT}/run"
STATE="${ROOT}/state"
ENV_FILE="${STATE}/env.sh"
NICE="${OSKUBE_OPENSTACK_NICE:-10}"

# Ports away from the services' defaults, so a developer's own MariaDB/RabbitMQ/epmd never collides with the tier's.
DB_PORT=23306
AMQP_PORT=25673
RABBIT_DIST_PORT=25674
EPMD_PORT=24369
KEYSTONE_PORT=25000
NEUTRON_PORT=29696
HOST=127.0.0.1

log() { printf 'openstack-env: %s\n' "$*" >&2; }
die() { printf 'openstack-env: ERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s; }

find_python() {
  if [[ -n "${OSKUBE_OPENSTACK_PYTHON:-}" ]]; then echo "${OSKUBE_OPENSTACK_PYTHON}"; return; fi
  local c
  for c in "$(command -v python3.11 || true)" "${PYENV_ROOT:-${HOME}/.pyenv}"/versions/3.11.*/bin/python3.11 /usr/bin/python3.11; do
    if [[ -n "$c" && -x "$c" ]] && "$c" -c 'import venv, ensurepip' 2>/dev/null; then echo "$c"; return; fi
  done
  die "no Python 3.11 with venv/ensurepip found (OpenStack 2026.1 is pinned for 3.11); set OSKUBE_OPENSTACK_PYTHON"
}

venv_dir() {
  local py key
  py="$(find_python)"
  # The venv is reused while the pins, the interpreter and the install recipe are unchanged.
  key="$( { cat "${REQ}"; "${py}" -c 'import sys; print(sys.version)'; echo recipe=1; } | sha256sum | cut -c1-16)"
  echo "${ROOT}/venv/${key}"
}

ensure_apt() {
  local missing=()
  command -v mariadbd >/dev/null 2>&1 || [[ -x /usr/sbin/mariadbd ]] || missing+=(mariadb-server mariadb-client)
  [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || missing+=(rabbitmq-server)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  [[ "$(id -u)" == 0 ]] || die "missing Debian packages ${missing[*]} and not root to install them"
  log "installing ${missing[*]} (apt)"
  # Package scripts must not try to start the daemons: the tier starts its own instances on its own ports.
  local policy=/usr/sbin/policy-rc.d created=0
  if [[ ! -e "${policy}" ]]; then printf '#!/bin/sh\nexit 101\n' >"${policy}"; chmod +x "${policy}"; created=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >"${ROOT}/apt.log" 2>&1 || { [[ $created == 1 ]] && rm -f "${policy}"; die "apt-get update failed, see ${ROOT}/apt.log"; }
  DEBIAN_FRONTEND=noninteractive nice -n "${NICE}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"${ROOT}/apt.log" 2>&1 \
    || { [[ $created == 1 ]] && rm -f "${policy}"; die "apt-get install ${missing[*]} failed, see ${ROOT}/apt.log"; }
  [[ $created == 1 ]] && rm -f "${policy}"
  # Debian's postinst may still have launched the system instances; they are not ours and would hold epmd/ports.
  return 0
}

ensure_venv() {
  local venv py t0
  venv="$(venv_dir)"
  if [[ -f "${venv}/.complete" ]]; then echo "${venv}"; return; fi
  py="$(find_python)"
  t0=$(now)
  log "creating venv ${venv} (cold install; log in ${venv}.log)"
  rm -rf "${venv}"
  mkdir -p "$(dirname "${venv}")"
  "${py}" -m venv "${venv}" >"${venv}.log" 2>&1 || die "venv creation failed, see ${venv}.log"
  nice -n "${NICE}" "${venv}/bin/pip" install -q --disable-pip-version-check 'pip==26.3' 'wheel==0.48.0' >>"${venv}.log" 2>&1 \
    || die "pip bootstrap failed, see ${venv}.log"
  nice -n "${NICE}" "${venv}/bin/pip" install -q --disable-pip-version-check -r "${REQ}" >>"${venv}.log" 2>&1 \
    || die "pip install -r requirements-openstack.txt failed, see ${venv}.log (tail: $(tail -n 3 "${venv}.log" | tr '\n' ' '))"
  "${venv}/bin/python" -c 'import keystone, neutron, oslo_config, pymysql, gunicorn, pytest' >>"${venv}.log" 2>&1 \
    || die "the venv is incomplete, see ${venv}.log"
  touch "${venv}/.complete"
  log "venv ready in $(( $(now) - t0 ))s"
  echo "${venv}"
}

# A password that exercises every escaping path: URL-reserved characters, oslo's `$` interpolation, INI comment
# characters, quotes and spaces. Random so that no test can pass by hard-coding it.
gen_password() {
  local rnd
  rnd="$(head -c 12 /dev/urandom | base64 | tr -d '/+=\n')"
  printf '%s' "${rnd}@:/?#%;\$ \"'x"
}

gen_url_safe_password() {
  printf '%s' "$(head -c 18 /dev/urandom | base64 | tr -d '/+=\n')-_.~"
}

ensure_state() {
  mkdir -p "${STATE}" "${RUN}" "${ROOT}/data"
  chmod 700 "${STATE}"
  [[ -f "${ENV_FILE}" ]] && return 0
  local f="${ENV_FILE}.tmp"
  umask 077
  {
    echo "# Generated by scripts/openstack-env.sh; contains test passwords."
    printf 'export OSKUBE_OS_HOST=%q\n' "${HOST}"
    printf 'export OSKUBE_OS_DB_PORT=%q\n' "${DB_PORT}"
    printf 'export OSKUBE_OS_DB_SOCKET=%q\n' "${RUN}/mariadb.sock"
    printf 'export OSKUBE_OS_AMQP_PORT=%q\n' "${AMQP_PORT}"
    printf 'export OSKUBE_OS_KEYSTONE_PORT=%q\n' "${KEYSTONE_PORT}"
    printf 'export OSKUBE_OS_NEUTRON_PORT=%q\n' "${NEUTRON_PORT}"
    printf 'export OSKUBE_OS_RUN_DIR=%q\n' "${RUN}"
    # One password per kind: every service's database user, every service's queue user, every service's Keystone user.
    printf 'export OSKUBE_OS_DB_PASSWORD=%q\n' "$(gen_password)"
    # keystone-manage db_sync passes the connection URL through alembic's ConfigParser without escaping `%`, so
    # Keystone's database password must need no percent-encoding (docs/openstack-tier.md, findings).
    printf 'export OSKUBE_OS_KEYSTONE_DB_PASSWORD=%q\n' "$(gen_url_safe_password)"
    # oslo.messaging rebuilds the URL for kombu with urllib's quote(), which leaves `/` unescaped, so a `/` in a
    # RabbitMQ password breaks the connection (docs/openstack-tier.md, findings): everything else stays in.
    printf 'export OSKUBE_OS_RABBIT_PASSWORD=%q\n' "$(gen_password | tr -d /)"
    printf 'export OSKUBE_OS_SERVICE_PASSWORD=%q\n' "$(gen_password)"
    printf 'export OS_AUTH_URL=%q\n' "http://${HOST}:${KEYSTONE_PORT}/v3"
    printf 'export OS_USERNAME=admin\n'
    printf 'export OS_PASSWORD=%q\n' "$(gen_password)"
    printf 'export OS_PROJECT_NAME=admin\n'
    printf 'export OS_USER_DOMAIN_NAME=Default\n'
    printf 'export OS_PROJECT_DOMAIN_NAME=Default\n'
    printf 'export OS_REGION_NAME=RegionOne\n'
    printf 'export OS_IDENTITY_API_VERSION=3\n'
    printf 'export OS_INTERFACE=public\n'
  } >"${f}"
  mv "${f}" "${ENV_FILE}"
}

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() { # wait_for <what> <seconds> <command...>
  local what="$1" secs="$2" i
  shift 2
  for ((i = 0; i < secs * 4; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  return 1
}

# ---- MariaDB ------------------------------------------------------------------------------------------------------
db_ping() { mariadb-admin --no-defaults -uroot --socket="${RUN}/mariadb.sock" ping; }

start_mariadb() {
  local data="${ROOT}/data/mariadb"
  if pid_alive "${RUN}/mariadb.pid" && db_ping >/dev/null 2>&1; then return 0; fi
  if [[ ! -d "${data}/mysql" ]]; then
    log "initialising MariaDB in ${data}"
    rm -rf "${data}"; mkdir -p "${data}"
    mariadb-install-db --no-defaults --user=root --datadir="${data}" --auth-root-authentication-method=socket \
      --skip-test-db >"${RUN}/mariadb-install.log" 2>&1 || die "mariadb-install-db failed, see ${RUN}/mariadb-install.log"
  fi
  log "starting MariaDB on ${HOST}:${DB_PORT}"
  # --no-defaults: the tier's server must not read /etc/mysql (another instance's socket, port or bind address).
  setsid mariadbd --no-defaults --user=root --datadir="${data}" --socket="${RUN}/mariadb.sock" \
    --pid-file="${RUN}/mariadb.pid" --port="${DB_PORT}" --bind-address="${HOST}" --skip-name-resolve \
    --log-error="${RUN}/mariadb.log" --innodb-buffer-pool-size=128M --max-connections=500 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci </dev/null >/dev/null 2>&1 &
  wait_for mariadb 60 db_ping || die "MariaDB did not start, see ${RUN}/mariadb.log"
}

# ---- RabbitMQ -----------------------------------------------------------------------------------------------------
rabbit_env() {
  export HOME="${ROOT}/data/rabbitmq-home" # the Erlang cookie lives in $HOME
  export RABBITMQ_NODENAME="oskube@localhost"
  export RABBITMQ_NODE_IP_ADDRESS="${HOST}"
  export RABBITMQ_NODE_PORT="${AMQP_PORT}"
  export RABBITMQ_DIST_PORT="${RABBIT_DIST_PORT}"
  export ERL_EPMD_PORT="${EPMD_PORT}"
  export ERL_EPMD_ADDRESS="${HOST}"
  export RABBITMQ_MNESIA_BASE="${ROOT}/data/rabbitmq/mnesia"
  export RABBITMQ_LOG_BASE="${RUN}/rabbitmq-log"
  export RABBITMQ_PID_FILE="${RUN}/rabbitmq.pid"
  export RABBITMQ_ENABLED_PLUGINS_FILE="${ROOT}/data/rabbitmq/enabled_plugins"
  export RABBITMQ_CONFIG_FILE="${ROOT}/data/rabbitmq/rabbitmq"
  export RABBITMQ_ADVANCED_CONFIG_FILE="${ROOT}/data/rabbitmq/advanced.config"
  export RABBITMQ_CONF_ENV_FILE="${ROOT}/data/rabbitmq/rabbitmq-env.conf"
}

rabbitctl() { (rabbit_env; /usr/lib/rabbitmq/bin/rabbitmqctl -q "$@"); }
rabbit_ping() { rabbitctl await_startup --timeout 1; }

start_rabbitmq() {
  if pid_alive "${RUN}/rabbitmq.pid" && rabbit_ping >/dev/null 2>&1; then
    rabbit_users
    return 0
  fi
  mkdir -p "${ROOT}/data/rabbitmq-home" "${ROOT}/data/rabbitmq/mnesia" "${RUN}/rabbitmq-log"
  chmod 700 "${ROOT}/data/rabbitmq-home"
  echo '[].' >"${ROOT}/data/rabbitmq/enabled_plugins"
  printf 'listeners.tcp.default = %s:%s\nloopback_users = none\n' "${HOST}" "${AMQP_PORT}" >"${ROOT}/data/rabbitmq/rabbitmq.conf"
  echo '[].' >"${ROOT}/data/rabbitmq/advanced.config"
  : >"${ROOT}/data/rabbitmq/rabbitmq-env.conf"
  log "starting RabbitMQ on ${HOST}:${AMQP_PORT}"
  (rabbit_env; setsid /usr/lib/rabbitmq/bin/rabbitmq-server </dev/null >"${RUN}/rabbitmq.out" 2>&1 &)
  # RabbitMQ writes its pid file itself; wait for it, then for the broker.
  wait_for rabbitmq 90 rabbit_ping || die "RabbitMQ did not start, see ${RUN}/rabbitmq.out and ${RUN}/rabbitmq-log"
  rabbit_users
}

rabbit_users() {
  # Every service's vhost and user in one import (oskube's transport URLs use the service name for both). Users
  # are overwritten with the env file's password on every start, so a regenerated env file and an old broker agree.
  local defs="${RUN}/rabbit-definitions.json" marker="${STATE}/rabbit-users" want
  want="$(sha256sum "${ENV_FILE}" | cut -c1-16)"
  [[ -f "${marker}" && "$(cat "${marker}")" == "${want}" ]] && return 0
  "$(venv_dir)/bin/python" "${SCRIPT_DIR}/openstack/rabbit_definitions.py" "${defs}" neutron nova cinder octavia
  rabbitctl import_definitions "${defs}" >/dev/null || { rm -f "${defs}"; die "importing RabbitMQ users failed"; }
  rm -f "${defs}"
  rabbitctl delete_user guest >/dev/null 2>&1 || true
  echo "${want}" >"${marker}"
}

# ---- Keystone -----------------------------------------------------------------------------------------------------
keystone_ping() { curl -fsS --max-time 2 "http://${HOST}:${KEYSTONE_PORT}/v3" >/dev/null; }

render_configs() { # the configs oskube renders, pointed at the local services (see scripts/openstack/render-configs.ts)
  local out="$1"
  (cd "${REPO_ROOT}" && OSKUBE_OS_ENV_FILE="${ENV_FILE}" OSKUBE_OS_STATE_DIR="${ROOT}/data" \
    npx --no-install ts-node --transpile-only scripts/openstack/render-configs.ts --local --out "${out}") \
    >"${RUN}/render.log" 2>&1 || die "rendering oskube's configs failed, see ${RUN}/render.log"
}

start_keystone() {
  local venv="$1" etc="${RUN}/keystone"
  # A running Keystone is kept while the env file (passwords) and the venv are those it was set up with.
  if pid_alive "${RUN}/keystone.pid" && keystone_ping && [[ -f "${STATE}/keystone-bootstrapped" ]] \
    && [[ "$(cat "${STATE}/keystone-env" 2>/dev/null)" == "$( { echo "${venv}"; cat "${ENV_FILE}"; } | sha256sum | cut -c1-16)" ]]; then
    return 0
  fi
  stop_pidfile "${RUN}/keystone.pid" keystone
  mkdir -p "${etc}" "${ROOT}/data/keystone/fernet-keys" "${ROOT}/data/keystone/credential-keys"
  render_configs "${RUN}/local-configs"
  cp "${RUN}/local-configs/keystone.conf" "${etc}/keystone.conf"
  chmod 600 "${etc}/keystone.conf"
  local conf="${etc}/keystone.conf" ks="${venv}/bin/keystone-manage"
  "${venv}/bin/python" "${SCRIPT_DIR}/openstack/dbctl.py" ensure keystone OSKUBE_OS_KEYSTONE_DB_PASSWORD >>"${RUN}/keystone-setup.log" 2>&1 \
    || die "creating the keystone database failed, see ${RUN}/keystone-setup.log"
  # db_sync and bootstrap take ~15 s and are only needed when the code, the config or the passwords changed.
  local marker="${STATE}/keystone-bootstrapped" want
  want="$( { echo "${venv}"; cat "${conf}" "${ENV_FILE}"; } | sha256sum | cut -c1-16)"
  if [[ -f "${marker}" && "$(cat "${marker}")" == "${want}" ]]; then
    start_keystone_api "${venv}" "${conf}"
    return 0
  fi
  log "keystone db_sync, key setup, bootstrap"
  # Each step in a subshell with -e of its own: `set -e` does not apply inside a group whose status is tested.
  (
    set -e
    "${ks}" --config-file "${conf}" db_sync
    [[ -e "${ROOT}/data/keystone/fernet-keys/0" ]] || "${ks}" --config-file "${conf}" fernet_setup --keystone-user root --keystone-group root
    [[ -e "${ROOT}/data/keystone/credential-keys/0" ]] || "${ks}" --config-file "${conf}" credential_setup --keystone-user root --keystone-group root
    # shellcheck disable=SC1090
    source "${ENV_FILE}"
    OS_BOOTSTRAP_PASSWORD="${OS_PASSWORD}" "${ks}" --config-file "${conf}" bootstrap \
      --bootstrap-username admin --bootstrap-project-name admin --bootstrap-role-name admin \
      --bootstrap-service-name keystone --bootstrap-region-id RegionOne \
      --bootstrap-admin-url "http://${HOST}:${KEYSTONE_PORT}" --bootstrap-internal-url "http://${HOST}:${KEYSTONE_PORT}" \
      --bootstrap-public-url "http://${HOST}:${KEYSTONE_PORT}"
  ) >>"${RUN}/keystone-setup.log" 2>&1 || die "keystone setup failed, see ${RUN}/keystone-setup.log"
  start_keystone_api "${venv}" "${conf}"
  "${venv}/bin/python" "${SCRIPT_DIR}/openstack/keystone_setup.py" >>"${RUN}/keystone-setup.log" 2>&1 \
    || die "registering the network service in Keystone failed, see ${RUN}/keystone-setup.log"
  echo "${want}" >"${marker}"
  { echo "${venv}"; cat "${ENV_FILE}"; } | sha256sum | cut -c1-16 >"${STATE}/keystone-env"
}

start_keystone_api() {
  local venv="$1" conf="$2"
  log "starting Keystone on ${HOST}:${KEYSTONE_PORT}"
  OS_KEYSTONE_CONFIG_FILES="${conf}" setsid "${venv}/bin/python" "${SCRIPT_DIR}/openstack/wsgi_serve.py" \
    --app keystone.wsgi.api:application --bind "${HOST}:${KEYSTONE_PORT}" --workers 2 --pid "${RUN}/keystone.pid" \
    </dev/null >"${RUN}/keystone.log" 2>&1 &
  wait_for keystone 90 keystone_ping || die "Keystone did not answer on :${KEYSTONE_PORT}, see ${RUN}/keystone.log"
}

# ---- commands -----------------------------------------------------------------------------------------------------
stop_pidfile() { # stop_pidfile <file> <name>: TERM, wait, KILL the process group
  local f="$1" name="$2" pid i
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if kill -0 "${pid}" 2>/dev/null; then
    log "stopping ${name} (pid ${pid})"
    kill -TERM -- "-${pid}" 2>/dev/null || kill -TERM "${pid}" 2>/dev/null || true
    for ((i = 0; i < 120; i++)); do kill -0 "${pid}" 2>/dev/null || break; sleep 0.25; done
    kill -KILL -- "-${pid}" 2>/dev/null || kill -KILL "${pid}" 2>/dev/null || true
  fi
  rm -f "$f"
}

cmd_up() {
  local t0 venv
  t0=$(now)
  mkdir -p "${ROOT}"
  ensure_apt
  venv="$(ensure_venv)"
  ensure_state
  [[ -d "${REPO_ROOT}/node_modules/ts-node" ]] || die "node_modules is missing: run npm ci first"
  start_mariadb
  start_rabbitmq
  start_keystone "${venv}"
  ln -sfn "${venv}" "${ROOT}/venv/current"
  log "up in $(( $(now) - t0 ))s (env: ${ENV_FILE})"
}

wait_gone() { # wait_gone <pid> <name>: up to 30 s for a process to exit, then KILL it
  local pid="$1" i
  [[ -n "${pid}" ]] || return 0
  for ((i = 0; i < 120; i++)); do kill -0 "${pid}" 2>/dev/null || return 0; sleep 0.25; done
  log "$2 (pid ${pid}) did not stop; killing it"
  kill -KILL "${pid}" 2>/dev/null || true
}

cmd_down() {
  local f pid
  # Whatever the tests started (neutron servers) first, then Keystone, then the infrastructure.
  for f in "${RUN}"/neutron*.pid; do [[ -e "$f" ]] && stop_pidfile "$f" "$(basename "$f" .pid)"; done
  stop_pidfile "${RUN}/keystone.pid" keystone
  if pid_alive "${RUN}/rabbitmq.pid"; then
    pid="$(cat "${RUN}/rabbitmq.pid")"
    log "stopping RabbitMQ"
    rabbitctl stop >/dev/null 2>&1 || true
    wait_gone "${pid}" rabbitmq
  fi
  stop_pidfile "${RUN}/rabbitmq.pid" rabbitmq
  # The broker's epmd runs on the tier's own port, so stopping it cannot affect anybody else's Erlang nodes.
  epmd -port "${EPMD_PORT}" -kill >/dev/null 2>&1 || true
  if pid_alive "${RUN}/mariadb.pid"; then
    # mariadbd removes its pid file while it shuts down, so wait on the pid read before.
    pid="$(cat "${RUN}/mariadb.pid")"
    log "stopping MariaDB"
    mariadb-admin --no-defaults -uroot --socket="${RUN}/mariadb.sock" shutdown >/dev/null 2>&1 || true
    wait_gone "${pid}" mariadb
  fi
  stop_pidfile "${RUN}/mariadb.pid" mariadb
  return 0
}

cmd_status() {
  local bad=0
  pid_alive "${RUN}/mariadb.pid" && db_ping >/dev/null 2>&1 && echo "mariadb: up (${HOST}:${DB_PORT})" || { echo "mariadb: down"; bad=1; }
  # rabbitmqctl would start an epmd when none runs, so it is asked only when the broker's pid is alive.
  pid_alive "${RUN}/rabbitmq.pid" && rabbit_ping >/dev/null 2>&1 && echo "rabbitmq: up (${HOST}:${AMQP_PORT})" || { echo "rabbitmq: down"; bad=1; }
  keystone_ping 2>/dev/null && echo "keystone: up (http://${HOST}:${KEYSTONE_PORT}/v3)" || { echo "keystone: down"; bad=1; }
  return "${bad}"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) ensure_state; echo "${ENV_FILE}" ;;
  venv) mkdir -p "${ROOT}"; ensure_venv ;;
  *) echo "usage: $0 up|down|status|env|venv" >&2; exit 2 ;;
esac
