#!/usr/bin/env bash
# A real RabbitMQ for the tests that check warren against one (tests/broker/).
#
#   scripts/rabbitmq.sh install   install Debian's rabbitmq-server and Python's pika if missing
#   scripts/rabbitmq.sh start     install, then start the broker on 127.0.0.1:5672 if it is not
#                                 running, and wait until it accepts work (the default)
#   scripts/rabbitmq.sh status    exit 0 when a broker answers, 1 when not
#   scripts/rabbitmq.sh stop      stop the broker (epmd, started with it, stays)
#
# Every step is skipped when already done, so this is cheap to run before each test. The broker
# listens on loopback only: AMQP on 127.0.0.1:5672, Erlang distribution (25672) and epmd (4369)
# on 127.0.0.1 too. It runs detached, without systemd, as the rabbitmq user (the Debian wrappers
# switch to it); installing and running rabbitmqctl need root, through sudo when not root.
set -euo pipefail

PIKA_VERSION=1.4.4  # the version these tests were last run with; any pika 1.x present is kept

say() { printf '[rabbitmq] %s\n' "$*"; }
die() { printf '[rabbitmq] error: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  have sudo || die "need root or sudo (apt-get and rabbitmqctl run as root)"
  # -E: the loopback settings below must reach the broker and epmd.
  SUDO=(sudo -E)
fi

# Read by the broker and by epmd when the broker starts it; rabbitmqctl finds the node through
# the same epmd. The env file below makes these stick for rabbitmqctl and later starts too.
# (RABBITMQ_NODENAME and the ports may be set to try this script on a second node.)
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=${RABBITMQ_NODE_PORT:-5672}
export RABBITMQ_DIST_PORT=${RABBITMQ_DIST_PORT:-25672}
export ERL_EPMD_ADDRESS=127.0.0.1

ctl() { "${SUDO[@]}" rabbitmqctl "$@"; }
running() { have rabbitmqctl && ctl -q ping >/dev/null 2>&1; }

apt_get() {
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get -y -q --no-install-recommends "$@"
}

# apt-get update only when the install fails: the lists are usually fresh enough, and updating
# costs time and network on every run.
apt_install() {
  apt_get install "$@" || { "${SUDO[@]}" apt-get update -q && apt_get install "$@"; }
}

install_server() {
  have rabbitmq-server && have rabbitmqctl && return 0
  have apt-get || die "apt-get not found: install rabbitmq-server (3.10 or later) yourself"
  say "apt-get install rabbitmq-server"
  # policy-rc.d exit 101 = "do not start services": the package's scripts would otherwise try to
  # start a system service, which fails without systemd and would not bind to loopback only.
  local policy=/usr/sbin/policy-rc.d created=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$policy" >/dev/null
    "${SUDO[@]}" chmod +x "$policy"
    created=1
  fi
  local rc=0
  apt_install rabbitmq-server || rc=$?
  [ -z "$created" ] || "${SUDO[@]}" rm -f "$policy"
  [ "$rc" -eq 0 ] || die "apt-get install rabbitmq-server failed"
}

pika_ok() { python3 -c 'import pika, sys; sys.exit(0 if pika.__version__.startswith("1.") else 1)' 2>/dev/null; }

install_pika() {
  pika_ok && return 0
  say "pip install pika==$PIKA_VERSION"
  # Debian's own python3 refuses pip installs (PEP 668): take its python3-pika package instead.
  python3 -m pip install -q "pika==$PIKA_VERSION" || apt_install python3-pika ||
    die "cannot install pika (pip install pika==$PIKA_VERSION)"
  pika_ok || die "pika is installed but python3 cannot import it"
}

configure() {
  # rabbitmq-env.conf is read by the broker and by rabbitmqctl; it keeps the listener and the
  # Erlang distribution on loopback for every later start as well.
  local conf=/etc/rabbitmq/rabbitmq-env.conf
  grep -q '^NODE_IP_ADDRESS' "$conf" 2>/dev/null && return 0
  "${SUDO[@]}" mkdir -p /etc/rabbitmq
  "${SUDO[@]}" tee -a "$conf" >/dev/null <<'CONF'
# added by warren's scripts/rabbitmq.sh: AMQP listener and Erlang distribution on loopback only
NODE_IP_ADDRESS=127.0.0.1
NODE_PORT=5672
SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
CONF
}

start() {
  local t0=$SECONDS
  install_server
  install_pika
  configure
  if running; then
    say "already running: RabbitMQ $(ctl -q version 2>/dev/null || echo '?') on 127.0.0.1:$RABBITMQ_NODE_PORT"
    return 0
  fi
  say "starting rabbitmq-server (detached, 127.0.0.1:$RABBITMQ_NODE_PORT)"
  "${SUDO[@]}" rabbitmq-server -detached
  # -detached returns at once and await_startup fails until the node is registered with epmd:
  # ping until it answers (up to 2 minutes), then wait for the boot to finish.
  local i
  for i in $(seq 1 240); do
    running && break
    sleep 0.5
  done
  running || die "the broker did not answer within 2 minutes; see /var/log/rabbitmq/"
  ctl -q await_startup --timeout 120 >/dev/null || die "the broker did not finish booting"
  say "ready: RabbitMQ $(ctl -q version 2>/dev/null || echo '?') on 127.0.0.1:$RABBITMQ_NODE_PORT after $((SECONDS - t0)) s"
}

stop() {
  if running; then
    ctl -q stop
    say "stopped"
  else
    say "not running"
  fi
}

case "${1:-start}" in
  install) install_server; install_pika; configure ;;
  start) start ;;
  status) running || exit 1 ;;
  stop) stop ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
