#!/usr/bin/env bash
# A local Kubernetes control plane without a cluster: etcd, kube-apiserver (RBAC on, static
# admin token, locally generated certificates), kube-controller-manager, kube-scheduler and
# kwok with one fake node (pods are scheduled and become Running/Ready; no containers run).
#
#   kube-lab.sh up      [--dir DIR]   build if needed (tools/kube-lab/build.sh), start, wait until ready
#   kube-lab.sh status  [--dir DIR]   what runs, and whether the API answers; exit 1 if not ready
#   kube-lab.sh down    [--dir DIR] [--purge]   stop everything started from DIR (by pid); --purge deletes DIR
#   kube-lab.sh env     [--dir DIR]   KUBECONFIG=... and KUBE_LAB_BIN=... lines for `eval`
#   kube-lab.sh kubectl [--dir DIR] ARGS...   kubectl against the lab
#
# DIR defaults to $MIRRORLAB_KUBE_DIR, else .lab/kube at the repository root. Everything binds to
# 127.0.0.1; ports come from KUBE_LAB_PORT (API, default 16443) and KUBE_LAB_ETCD_PORT
# (default 12379, peer +1).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

cmd="${1:-}"
[ $# -gt 0 ] && shift
dir="${MIRRORLAB_KUBE_DIR:-$root/.lab/kube}"
purge=false
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --purge) purge=true; shift ;;
    *) break ;;
  esac
done

api_port="${KUBE_LAB_PORT:-16443}"
etcd_port="${KUBE_LAB_ETCD_PORT:-12379}"
node_name=kube-lab-node
components=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

log() { printf '[kube-lab] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

pid_of() { cat "$dir/run/$1.pid" 2>/dev/null || true; }
alive() { local pid; pid=$(pid_of "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

binaries() {
  local paths
  paths=$(bash "$here/build.sh")
  kube_bin=$(sed -n 1p <<<"$paths")
  kwok_bin=$(sed -n 2p <<<"$paths")
}

kubeconfig() { # file user token
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: kube-lab
    cluster:
      server: https://127.0.0.1:$api_port
      certificate-authority: $dir/pki/ca.crt
users:
  - name: $2
    user:
      token: $3
contexts:
  - name: kube-lab
    context: { cluster: kube-lab, user: $2, namespace: default }
current-context: kube-lab
EOF
  chmod 600 "$1"
}

start() { # name args...
  local name="$1"; shift
  if alive "$name"; then return; fi
  # setsid: the component outlives this script and is stopped by pid (down), never by name.
  # Every inherited descriptor above 2 is closed first: a component must not keep a caller's
  # lock (flock /tmp/mirrorlab-lab.lock) held after the caller is done.
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null
    done
    exec setsid "$@" >"$dir/logs/$name.log" 2>&1 </dev/null
  ) &
  echo $! >"$dir/run/$name.pid"
}

# Waits until "$@" succeeds, at most $1 seconds, failing with the component's last log lines.
wait_for() { # seconds what component command...
  local seconds="$1" what="$2" component="$3"; shift 3
  local deadline=$(( $(date +%s) + seconds ))
  until "$@" >/dev/null 2>&1; do
    if ! alive "$component"; then
      tail -n 20 "$dir/logs/$component.log" >&2 || true
      die "$component exited before $what (log: $dir/logs/$component.log)"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      tail -n 20 "$dir/logs/$component.log" >&2 || true
      die "no $what within ${seconds}s (log: $dir/logs/$component.log)"
    fi
    sleep 0.5
  done
}

k() { "$kube_bin" kubectl --kubeconfig "$dir/kubeconfig" "$@"; }

api_ready() { curl -sf --cacert "$dir/pki/ca.crt" -H "Authorization: Bearer $(cat "$dir/admin.token")" "https://127.0.0.1:$api_port/readyz" | grep -qx ok; }
lease_held() { [ -n "$(k -n kube-system get lease "$1" -o 'jsonpath={.spec.holderIdentity}' 2>/dev/null)" ]; }
node_ready() {
  [ "$(k get node "$node_name" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')" = True ] &&
    [ -z "$(k get node "$node_name" -o 'jsonpath={.spec.taints}')" ]
}
default_sa() { k -n default get serviceaccount default; }

up() {
  binaries
  mkdir -p "$dir/run" "$dir/logs" "$dir/etcd"
  "$kube_bin" certs --dir "$dir/pki"
  for who in admin controller-manager scheduler; do
    [ -s "$dir/$who.token" ] || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/$who.token"
  done
  chmod 600 "$dir"/*.token
  # The static tokens: the admin is in system:masters; the other two are the users RBAC's
  # bootstrap roles are written for.
  {
    printf '%s,kube-lab-admin,kube-lab-admin,"system:masters"\n' "$(cat "$dir/admin.token")"
    printf '%s,system:kube-controller-manager,system:kube-controller-manager\n' "$(cat "$dir/controller-manager.token")"
    printf '%s,system:kube-scheduler,system:kube-scheduler\n' "$(cat "$dir/scheduler.token")"
  } >"$dir/tokens.csv"
  chmod 600 "$dir/tokens.csv"
  kubeconfig "$dir/kubeconfig" kube-lab-admin "$(cat "$dir/admin.token")"
  kubeconfig "$dir/controller-manager.kubeconfig" system:kube-controller-manager "$(cat "$dir/controller-manager.token")"
  kubeconfig "$dir/scheduler.kubeconfig" system:kube-scheduler "$(cat "$dir/scheduler.token")"

  local started; started=$(date +%s)
  start etcd "$kube_bin" etcd --data-dir "$dir/etcd" \
    --listen-client "http://127.0.0.1:$etcd_port" --listen-peer "http://127.0.0.1:$(( etcd_port + 1 ))"
  wait_for 60 "etcd health" etcd curl -sf "http://127.0.0.1:$etcd_port/health"

  start kube-apiserver "$kube_bin" kube-apiserver \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --secure-port "$api_port" --advertise-address 127.0.0.1 \
    --endpoint-reconciler-type none \
    --tls-cert-file "$dir/pki/apiserver.crt" --tls-private-key-file "$dir/pki/apiserver.key" \
    --client-ca-file "$dir/pki/ca.crt" \
    --token-auth-file "$dir/tokens.csv" \
    --authorization-mode RBAC \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$dir/pki/sa.pub" \
    --service-account-signing-key-file "$dir/pki/sa.key" \
    --service-cluster-ip-range 10.0.0.0/24 \
    --enable-priority-and-fairness=false --profiling=false \
    --cert-dir "$dir/pki"
  wait_for 180 "API server /readyz" kube-apiserver api_ready

  # The fake node never goes away, but on a loaded machine kwok's heartbeat can come late; past
  # the grace period (40 s by default) the node lifecycle controller marks the node NotReady and
  # every pod on it not Ready, which kwok never undoes. An hour's grace keeps that from happening.
  start kube-controller-manager "$kube_bin" kube-controller-manager \
    --node-monitor-grace-period 1h \
    --kubeconfig "$dir/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$dir/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$dir/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port 0 \
    --use-service-account-credentials \
    --service-account-private-key-file "$dir/pki/sa.key" \
    --root-ca-file "$dir/pki/ca.crt" \
    --profiling=false
  start kube-scheduler "$kube_bin" kube-scheduler \
    --kubeconfig "$dir/scheduler.kubeconfig" \
    --authentication-kubeconfig "$dir/scheduler.kubeconfig" \
    --authorization-kubeconfig "$dir/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port 0 --profiling=false
  start kwok "$kwok_bin" --kubeconfig "$dir/kubeconfig" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --server-address 127.0.0.1:0

  wait_for 120 "kube-controller-manager's leader lease" kube-controller-manager lease_held kube-controller-manager
  wait_for 120 "kube-scheduler's leader lease" kube-scheduler lease_held kube-scheduler

  # One fake node, big enough for every pod deploy/ asks for; kwok keeps it Ready, and the node
  # lifecycle controller removes the not-ready taint it starts with.
  k apply --server-side --field-manager kube-lab -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: $node_name
  annotations: { kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0" }
  labels: { kubernetes.io/hostname: $node_name, kubernetes.io/os: linux, kubernetes.io/arch: amd64, type: kwok }
status:
  allocatable: { cpu: "64", memory: 256Gi, pods: "250", ephemeral-storage: 1Ti }
  capacity: { cpu: "64", memory: 256Gi, pods: "250", ephemeral-storage: 1Ti }
EOF
  wait_for 120 "node $node_name Ready and untainted" kwok node_ready
  wait_for 60 "the default ServiceAccount (controllers at work)" kube-controller-manager default_sa

  # No storage provisioner runs here: volumes the manifests claim (StatefulSets' volumeClaimTemplates,
  # the report volume) bind to these pre-made volumes, so their pods can be scheduled.
  local i pvs=""
  for i in $(seq 0 15); do
    pvs+="---
apiVersion: v1
kind: PersistentVolume
metadata: { name: kube-lab-pv-$i, labels: { kube-lab: volume } }
spec:
  capacity: { storage: 100Gi }
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  hostPath: { path: /tmp/kube-lab-pv-$i }
"
  done
  k apply --server-side --field-manager kube-lab -f - >/dev/null <<<"$pvs"
  log "ready in $(( $(date +%s) - started )) s: KUBECONFIG=$dir/kubeconfig ($("$kube_bin" kubectl version --client 2>/dev/null | head -n1))"
}

status() {
  local ok=true c
  for c in "${components[@]}"; do
    if alive "$c"; then printf '%-24s running (pid %s)\n' "$c" "$(pid_of "$c")"; else printf '%-24s not running\n' "$c"; ok=false; fi
  done
  if [ -f "$dir/admin.token" ] && api_ready; then
    printf '%-24s ready at https://127.0.0.1:%s (KUBECONFIG=%s)\n' "API" "$api_port" "$dir/kubeconfig"
  else
    printf '%-24s not answering\n' "API"; ok=false
  fi
  $ok
}

down() {
  local c pid i
  # Reverse order: kwok and the controllers first, etcd last.
  for (( i=${#components[@]}-1; i>=0; i-- )); do
    c="${components[$i]}"
    pid=$(pid_of "$c")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/run/$c.pid"
  done
  if $purge; then rm -rf "$dir"; log "stopped; deleted $dir"; else log "stopped (state kept in $dir; --purge deletes it)"; fi
}

case "$cmd" in
  up) up ;;
  status) status ;;
  down) down ;;
  env) binaries; printf 'KUBECONFIG=%s\nKUBE_LAB_BIN=%s\n' "$dir/kubeconfig" "$kube_bin" ;;
  kubectl) binaries; k "$@" ;;
  *) die "usage: kube-lab.sh up|status|down|env|kubectl [--dir DIR] [--purge]" ;;
esac
