#!/usr/bin/env bash
# A one-node Slurm on this machine, for the cluster integration test and for trying the sbatch recipe:
# Debian's slurm-wlm (slurmctld + slurmd, select/cons_tres) with its own munged; every file (config,
# key, state, logs, pid files) under one directory; listening on 127.0.0.1 only. Needs no systemd.
#
#   scripts/slurm-local.sh start    # starts it unless it runs; prints: export SLURM_CONF=...
#   scripts/slurm-local.sh status   # exit 0 if all three daemons run and the node answers, 3 if not
#   scripts/slurm-local.sh stop     # stops the daemons it started (by their pid files); keeps the logs
#
# Environment: HYPERPRUNE_SLURM_DIR (default ${TMPDIR:-/tmp}/hyperprune-slurm), HYPERPRUNE_SLURM_PORT
# (slurmctld's port, slurmd uses the next; default 16817), HYPERPRUNE_SLURM_CPUS (the node's CPUs,
# default 2). Install the packages first (as root): apt-get install -y slurm-wlm munge
# Daemons and jobs run as the user calling start (root or not). Clients need SLURM_CONF exported.
set -euo pipefail

base="${HYPERPRUNE_SLURM_DIR:-${TMPDIR:-/tmp}/hyperprune-slurm}"
port="${HYPERPRUNE_SLURM_PORT:-16817}"
cpus="${HYPERPRUNE_SLURM_CPUS:-2}"
conf="$base/slurm.conf"
state="$base/state"
munge_dir="$state/munge"
socket="$munge_dir/munge.socket.2"
export SLURM_CONF="$conf"
# The daemons' pid files, in the order they are stopped; each with the command name it must have.
daemons=("$state/slurmd.pid:slurmd" "$state/slurmctld.pid:slurmctld" "$munge_dir/munged.pid:munged")

die() {
  echo "slurm-local: $*" >&2
  exit 2
}

# Prints the pid in a pid file if that process runs and is the named daemon (not a reused pid).
live_pid() {
  local file="$1" name="$2" pid
  pid="$({ tr -dc 0-9 <"$file"; } 2>/dev/null)" || return 1 # a daemon removes its pid file as it ends
  [[ -n "$pid" && -r "/proc/$pid/stat" ]] || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$name" ]] || return 1
  # A killed daemon stays a zombie until PID 1 reaps it: that is not running.
  [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]] || return 1
  echo "$pid"
}

running() {
  local entry
  for entry in "${daemons[@]}"; do
    live_pid "${entry%%:*}" "${entry##*:}" >/dev/null || return 1
  done
  [[ "$(sinfo -h -o %T 2>/dev/null)" =~ ^(idle|mixed|allocated)$ ]]
}

stop() {
  local entry file name pid i
  for entry in "${daemons[@]}"; do
    file="${entry%%:*}" name="${entry##*:}"
    pid="$(live_pid "$file" "$name")" || continue
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do # slurmctld saves its state first: up to 10 s
      live_pid "$file" "$name" >/dev/null || break
      sleep 0.1
    done
    if live_pid "$file" "$name" >/dev/null; then
      echo "slurm-local: $name (pid $pid) ignored SIGTERM for 10 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

write_conf() {
  local host="$1" user="$2" memory
  memory="$(awk '/^MemTotal:/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)"
  cat >"$conf" <<EOF
# Written by scripts/slurm-local.sh: a one-node cluster on 127.0.0.1, all files under $base.
ClusterName=local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=$user
SlurmdUser=$user
SlurmctldPort=$port
SlurmdPort=$((port + 1))
# Bind to the configured address (127.0.0.1), not to every interface.
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
AuthType=auth/munge
# cred_expire=5 (the minimum) lets a requeued job start after ~5 s instead of 120 s.
AuthInfo=socket=$socket,cred_expire=5
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
MailProg=/bin/true
ReturnToService=2
# Schedule on every 1 s tick (the defaults wait 3-60 s between passes).
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,sched_interval=1,bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
# The node has exactly $cpus CPUs whatever this machine has, so tests see the same cluster everywhere.
SlurmdParameters=config_overrides
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

start() {
  local tool host user i
  for tool in munged mungekey slurmctld slurmd sinfo sbatch; do
    command -v "$tool" >/dev/null 2>&1 || [[ -x "/usr/sbin/$tool" ]] ||
      die "$tool not found; install Slurm and munge (Debian, as root): apt-get install -y slurm-wlm munge"
  done
  export PATH="$PATH:/usr/sbin"
  if running; then
    echo "export SLURM_CONF=$conf"
    return
  fi
  stop # whatever is left of an earlier start
  host="$(hostname -s)"
  user="$(id -un)"
  local dir
  mkdir -p "$base"
  dir="$(cd "$base/.." && pwd -P)"
  until [[ "$dir" == / ]]; do # munged refuses a socket below a directory others cannot traverse
    (((8#$(stat -c %a "$dir")) & 1)) ||
      die "$dir is not traversable by all (munged needs that for its socket); chmod o+x it, or set HYPERPRUNE_SLURM_DIR elsewhere"
    dir="$(dirname "$dir")"
  done
  rm -rf "$state"
  mkdir -p "$state/ctld" "$state/slurmd" "$munge_dir"
  chmod 711 "$base" "$state" "$munge_dir" # munged refuses a socket directory that others cannot traverse
  mungekey --create --keyfile="$munge_dir/munge.key" >/dev/null
  munged --socket="$socket" --key-file="$munge_dir/munge.key" --log-file="$munge_dir/munged.log" \
    --pid-file="$munge_dir/munged.pid" --seed-file="$munge_dir/munged.seed" ||
    die "munged did not start; see $munge_dir/munged.log"
  write_conf "$host" "$user"
  slurmctld -f "$conf" || die "slurmctld did not start; see $state/slurmctld.log"
  slurmd -f "$conf" -N "$host" || die "slurmd did not start; see $state/slurmd.log"
  for ((i = 0; i < 300; i++)); do
    [[ "$(sinfo -h -o %T 2>/dev/null)" == idle ]] && break
    sleep 0.1
  done
  running || die "the node did not become idle in 30 s; see $state/slurmctld.log and $state/slurmd.log"
  echo "export SLURM_CONF=$conf"
}

status() {
  local entry pid code=0
  for entry in "${daemons[@]}"; do
    if pid="$(live_pid "${entry%%:*}" "${entry##*:}")"; then
      echo "${entry##*:}: running (pid $pid)"
    else
      echo "${entry##*:}: not running"
      code=3
    fi
  done
  if ((code == 0)); then
    sinfo -h -o "node %N: %T, %c CPUs" 2>/dev/null || code=3
  fi
  echo "SLURM_CONF=$conf"
  return "$code"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *)
    echo "usage: $0 start|stop|status (state in \$HYPERPRUNE_SLURM_DIR, default ${TMPDIR:-/tmp}/hyperprune-slurm)" >&2
    exit 2
    ;;
esac
