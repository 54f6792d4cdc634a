#!/usr/bin/env bash
# Brings up a Docker-compatible container engine (Podman serving the Docker Engine API on a unix socket)
# for the agent's `docker` runtime and its integration tests, and prints the socket path on stdout.
#
# Idempotent: installs only what is missing, rewrites only its own config drop-in, imports the test image
# only when absent, and starts the API service only when nothing answers on the socket. It never fails
# the caller (.ci/run): when the engine cannot start it explains why on stderr and exits 0 without
# printing a path, and the docker integration tests then fail with a message that points here.
#
# Why each setting (../shared/notes/container-engine.md): the sandbox refuses setrlimit for the default
# ulimits, crun rejects the hybrid cgroup layout (so runc), and there is no systemd (so cgroupfs).
#
# Environment:
#   CONTAINER_ENGINE_SOCKET  socket path (default /run/kontena-es/engine.sock)
#   CONTAINER_ENGINE_IMAGE   name of the busybox test image (default localhost/kontena-es/busybox:1)
set -uo pipefail

SOCKET="${CONTAINER_ENGINE_SOCKET:-/run/kontena-es/engine.sock}"
IMAGE="${CONTAINER_ENGINE_IMAGE:-localhost/kontena-es/busybox:1}"
CONF_DROP_IN=/etc/containers/containers.conf.d/50-kontena-es.conf
LOG_FILE="$(dirname "$SOCKET")/engine.log"

say() { echo "container-engine: $*" >&2; }
give_up() { say "$* (docker runtime tests will fail until this is fixed)"; exit 0; }

answers() { curl -fsS -m 3 --unix-socket "$SOCKET" http://d/_ping >/dev/null 2>&1; }

install_packages() {
  local missing=()
  command -v podman >/dev/null 2>&1 || missing+=(podman)
  command -v runc >/dev/null 2>&1 || missing+=(runc)
  [ -x /bin/busybox ] || missing+=(busybox-static)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || give_up "missing ${missing[*]} and not root, cannot apt-get install"
  command -v apt-get >/dev/null 2>&1 || give_up "missing ${missing[*]} and no apt-get"
  say "installing ${missing[*]}"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >&2 \
    || give_up "apt-get install ${missing[*]} failed"
}

# A drop-in rather than containers.conf itself, so an operator's own settings stay untouched.
configure_engine() {
  local want
  want=$'[containers]\ndefault_ulimits = []\n[engine]\ncgroup_manager = "cgroupfs"\nruntime = "runc"\n'
  if [ "$(cat "$CONF_DROP_IN" 2>/dev/null)"$'\n' != "$want" ]; then
    mkdir -p "$(dirname "$CONF_DROP_IN")" && printf '%s' "$want" > "$CONF_DROP_IN" \
      || give_up "cannot write $CONF_DROP_IN"
  fi
}

# No registry is reachable, so the test image is a root filesystem holding busybox and its applet links.
import_image() {
  podman image exists "$IMAGE" 2>/dev/null && return 0
  local dir
  dir="$(mktemp -d)" || give_up "mktemp failed"
  mkdir -p "$dir/rootfs/bin" "$dir/rootfs/tmp" && cp /bin/busybox "$dir/rootfs/bin/busybox" || give_up "cannot copy /bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -s busybox "$dir/rootfs/bin/$applet"
  done
  tar -C "$dir/rootfs" -cf "$dir/rootfs.tar" . \
    && podman import --change 'ENV PATH=/bin' "$dir/rootfs.tar" "$IMAGE" >/dev/null 2>&1 \
    || { rm -rf "$dir"; give_up "podman import of $IMAGE failed"; }
  rm -rf "$dir"
  say "imported $IMAGE"
}

start_service() {
  answers && return 0
  mkdir -p "$(dirname "$SOCKET")" || give_up "cannot create $(dirname "$SOCKET")"
  rm -f "$SOCKET"
  # The service outlives this script and the CI step that ran it, so it must hold none of our descriptors:
  # this script runs inside `$(...)`, and any process keeping that pipe (or a pipe inherited from whatever
  # runs CI) open makes the caller wait for ever. (An earlier `(cd / && setsid podman ... &)` backgrounded
  # the whole `&&` list, whose subshell waited on podman with our stdout open: CI hung for 90 minutes.)
  # From /: conmon needs the service's working directory to exist for as long as the service runs, and
  # the checkout that started it may be deleted (a CI clone, a worktree).
  (
    cd / || exit 0
    for fd_path in /proc/$BASHPID/fd/*; do
      fd="${fd_path##*/}"
      [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"
    done
    setsid nohup podman system service --time 0 "unix://$SOCKET" >>"$LOG_FILE" 2>&1 </dev/null &
  )
  for _ in $(seq 1 100); do
    answers && { say "serving the Docker API on $SOCKET (log: $LOG_FILE)"; return 0; }
    sleep 0.1
  done
  give_up "podman system service did not answer on $SOCKET within 10 s; see $LOG_FILE"
}

install_packages
configure_engine
import_image
start_service
echo "$SOCKET"
