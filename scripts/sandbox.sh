#!/usr/bin/env bash
# Local Kubernetes sandbox for oskube: a real kube-apiserver (+ etcd, controller-manager,
# scheduler) with simulated kwok nodes, all on 127.0.0.1, started by `kwokctl --runtime binary`
# with every binary taken from scripts/toolchain.sh's bin dir (nothing is downloaded).
#
# Usage:
#   scripts/sandbox.sh up       create (or restart) cluster oskube-dev, fake nodes, Rook and KubeVirt CRDs
#   scripts/sandbox.sh down     delete the cluster and check that no process is left
#   scripts/sandbox.sh status   show the cluster, its components and nodes
#   scripts/sandbox.sh env      print `export KUBECONFIG=...` (and PATH) lines: eval "$(scripts/sandbox.sh env)"
#   scripts/sandbox.sh verify   server-side dry-run checks of the KubeVirt VirtualMachine schema
#   scripts/sandbox.sh smoke    pulumi up + destroy of scripts/sandbox/smoke (real engine, language host,
#                               kubernetes and random providers) against the running sandbox
# Environment:
#   OSKUBE_SANDBOX_DIR   state dir (default ~/.cache/oskube/sandbox): kubeconfig, kwok workdir, venv
#   OSKUBE_SHARED_DIR    shared data dir (default <repo>/../shared)
#   OSKUBE_TOOLCHAIN_CACHE  see scripts/toolchain.sh
set -euo pipefail

CLUSTER=oskube-dev
NODES=(dev-control-0 dev-network-0 dev-compute-0 dev-compute-1 dev-storage-0)
NODE_CPU=32
NODE_MEMORY=128Gi
NODE_PODS=110
NODE_EPHEMERAL=500Gi
JSONREF_VERSION=1.1.0

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/.." && pwd)"
SANDBOX_DIR="${OSKUBE_SANDBOX_DIR:-${HOME}/.cache/oskube/sandbox}"
SHARED_DIR="${OSKUBE_SHARED_DIR:-${REPO_ROOT}/../shared}"
KUBECONFIG_PATH="${SANDBOX_DIR}/kubeconfig"
export KWOK_WORKDIR="${SANDBOX_DIR}/kwok"
CLUSTER_DIR="${KWOK_WORKDIR}/clusters/${CLUSTER}"

log() { printf '[sandbox] %s\n' "$*" >&2; }
die() { printf '[sandbox] error: %s\n' "$*" >&2; exit 1; }

# bin_dir [nobuild|all]: sets BIN_DIR; builds the cluster binaries (or all with "all") if missing.
bin_dir() {
  if [[ -z "${BIN_DIR:-}" ]]; then
    BIN_DIR="$("${SCRIPT_DIR}/toolchain.sh" --print-bin-dir)"
  fi
  [[ "${1:-}" == nobuild ]] && return 0
  local need=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok kwokctl) b missing=0
  [[ "${1:-}" == all ]] && need+=(pulumi pulumi-language-nodejs pulumi-resource-kubernetes pulumi-resource-random)
  for b in "${need[@]}"; do [[ -x "${BIN_DIR}/${b}" ]] || missing=1; done
  if [[ $missing -eq 1 ]]; then
    log "toolchain incomplete; building it (scripts/toolchain.sh) ..."
    if [[ "${1:-}" == all ]]; then
      "${SCRIPT_DIR}/toolchain.sh" >&2
    else
      OSKUBE_TOOLCHAIN_ONLY="${OSKUBE_TOOLCHAIN_ONLY:-kube etcd kwok}" "${SCRIPT_DIR}/toolchain.sh" >&2
    fi
  fi
}

kube_version() { "${BIN_DIR}/kube-apiserver" --version | awk '{print $2}'; }

kubectl_() { "${BIN_DIR}/kubectl" --kubeconfig "${KUBECONFIG_PATH}" "$@"; }

kwokctl_() { PATH="${BIN_DIR}:${PATH}" "${BIN_DIR}/kwokctl" --name "${CLUSTER}" --v="${OSKUBE_SANDBOX_KWOK_LOG:-WARN}" "$@"; }

# PIDs of processes that belong to this sandbox (their command line names our kwok workdir).
sandbox_pids() { pgrep -f -- "${KWOK_WORKDIR}/" || true; }

api_ready() {
  [[ -f "${KUBECONFIG_PATH}" ]] && kubectl_ --request-timeout=3s get --raw /readyz >/dev/null 2>&1
}

write_kwokctl_config() {
  mkdir -p "${SANDBOX_DIR}"
  cat >"${SANDBOX_DIR}/kwokctl.yaml" <<EOF
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  bindAddress: 127.0.0.1
  kubectlBinary: ${BIN_DIR}/kubectl
EOF
}

create_cluster() {
  local v
  v="$(kube_version)"
  write_kwokctl_config
  log "creating cluster ${CLUSTER} (kube ${v}, runtime binary, workdir ${KWOK_WORKDIR})"
  KWOK_KUBE_VERSION="${v}" kwokctl_ create cluster \
    --config "${SANDBOX_DIR}/kwokctl.yaml" \
    --runtime binary \
    --kube-apiserver-binary "${BIN_DIR}/kube-apiserver" \
    --kube-controller-manager-binary "${BIN_DIR}/kube-controller-manager" \
    --kube-scheduler-binary "${BIN_DIR}/kube-scheduler" \
    --kwok-controller-binary "${BIN_DIR}/kwok" \
    --etcd-binary "${BIN_DIR}/etcd" \
    --kubeconfig "${KUBECONFIG_PATH}" \
    --wait 2m
}

# Fake nodes: Ready (kwok manages them through the kwok.x-k8s.io/node annotation), with capacity,
# a loopback InternalIP each (127.0.1.10, .11, ...), and no role labels or taints: the product's
# NodePool component labels and taints them.
node_manifest() {
  local n i=10 v
  v="$(kube_version)"
  for n in "${NODES[@]}"; do
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: ${n}
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/hostname: ${n}
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    beta.kubernetes.io/os: linux
    beta.kubernetes.io/arch: amd64
status:
  capacity: &res
    cpu: "${NODE_CPU}"
    memory: ${NODE_MEMORY}
    pods: "${NODE_PODS}"
    ephemeral-storage: ${NODE_EPHEMERAL}
  allocatable: *res
  addresses:
  - type: InternalIP
    address: 127.0.1.${i}
  - type: Hostname
    address: ${n}
  nodeInfo:
    architecture: amd64
    operatingSystem: linux
    kubeletVersion: ${v}
EOF
    i=$((i + 1))
  done
}

ensure_nodes() {
  local n missing=()
  for n in "${NODES[@]}"; do
    kubectl_ get node "$n" >/dev/null 2>&1 || missing+=("$n")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    log "creating fake nodes: ${missing[*]}"
    node_manifest | kubectl_ create -f - 2>&1 | grep -v "AlreadyExists" >&2 || true
  fi
  kubectl_ wait --for=condition=Ready --timeout=120s "${NODES[@]/#/node/}" >/dev/null
}

ensure_venv() {
  local venv="${SANDBOX_DIR}/venv"
  if ! "${venv}/bin/python" -c "import jsonref" >/dev/null 2>&1; then
    log "creating ${venv} with jsonref ${JSONREF_VERSION}"
    rm -rf "${venv}"
    python3 -m venv "${venv}"
    "${venv}/bin/pip" install --quiet --disable-pip-version-check "jsonref==${JSONREF_VERSION}"
  fi
  PYTHON="${venv}/bin/python"
}

ensure_crds() {
  local rook="${SHARED_DIR}/data/crds/rook-ceph-v1.20.6.crds.yaml"
  local openapi="${SHARED_DIR}/data/kubevirt-v1.9.0.openapi.json"
  [[ -f "$rook" ]] || die "missing ${rook} (set OSKUBE_SHARED_DIR)"
  [[ -f "$openapi" ]] || die "missing ${openapi} (set OSKUBE_SHARED_DIR)"
  ensure_venv
  "${PYTHON}" "${SCRIPT_DIR}/sandbox/kubevirt_crd.py" "$openapi" "${SANDBOX_DIR}/kubevirt-vm-crd.json" >&2
  kubectl_ apply --server-side --force-conflicts --field-manager=oskube-sandbox \
    -f "$rook" -f "${SANDBOX_DIR}/kubevirt-vm-crd.json" >/dev/null
  kubectl_ wait --for=condition=Established --timeout=120s crd --all >/dev/null
  log "CRDs: $(kubectl_ get crd -o name | grep -c ceph.rook.io) from rook-ceph v1.20.6, virtualmachines.kubevirt.io from KubeVirt v1.9.0"
  # The dev stack expects the Rook operator as a prerequisite: its CRDs (above) and its namespace. There is no
  # operator process here, so CephCluster objects are validated by their real schema but never reconciled.
  kubectl_ create namespace rook-ceph --dry-run=client -o yaml | kubectl_ apply --server-side --field-manager=oskube-sandbox -f - >/dev/null
}

# Server-side dry runs: a valid VirtualMachine must be accepted, wrongly typed ones rejected.
verify_kubevirt() {
  local ns=default out failed=0
  local valid
  valid=$(cat <<'EOF'
apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata: {name: oskube-sandbox-check}
spec:
  runStrategy: Always
  template:
    metadata:
      labels: {kubevirt.io/vm: oskube-sandbox-check}
    spec:
      domain:
        cpu: {cores: 2}
        resources:
          requests: {memory: 1Gi, cpu: 1}
        devices:
          disks:
          - name: root
            disk: {bus: virtio}
          interfaces:
          - name: default
            masquerade: {}
      networks:
      - name: default
        pod: {}
      volumes:
      - name: root
        containerDisk: {image: example.invalid/os:latest}
EOF
)
  if out=$(printf '%s\n' "$valid" | kubectl_ apply -n "$ns" --dry-run=server -f - 2>&1); then
    log "verify: valid VirtualMachine accepted (${out})"
  else
    log "verify: FAIL valid VirtualMachine rejected: ${out}"; failed=1
  fi
  local bad1 bad2
  bad1="${valid/runStrategy: Always/running: notabool}"
  bad2="${valid/cores: 2/cores: x}"
  for bad in "$bad1" "$bad2"; do
    if out=$(printf '%s\n' "$bad" | kubectl_ apply -n "$ns" --dry-run=server -f - 2>&1); then
      log "verify: FAIL invalid VirtualMachine accepted: ${out}"; failed=1
    else
      log "verify: invalid VirtualMachine rejected: $(printf '%s' "$out" | tr '\n' ' ' | cut -c1-220)"
    fi
  done
  return $failed
}

cmd_up() {
  local t0 t1
  t0=$(date +%s%N)
  bin_dir
  mkdir -p "${SANDBOX_DIR}"
  if api_ready; then
    log "cluster ${CLUSTER} is already running"
  elif [[ -d "${CLUSTER_DIR}" ]]; then
    local i
    if [[ -n "$(sandbox_pids)" ]]; then
      log "cluster ${CLUSTER} has processes but is not ready; waiting up to 30s"
      i=$((SECONDS + 30))
      while (( SECONDS < i )); do api_ready && break; sleep 1; done
    fi
    if ! api_ready && [[ -z "$(sandbox_pids)" ]]; then
      log "cluster ${CLUSTER} is stopped; starting it"
      kwokctl_ start cluster --wait 45s >&2 || true
    fi
    if ! api_ready; then
      log "cluster ${CLUSTER} did not become ready; recreating it"
      cmd_down
      create_cluster >&2
    fi
  else
    create_cluster >&2
  fi
  api_ready || die "the API server of ${CLUSTER} is not ready"
  ensure_nodes
  ensure_crds
  verify_kubevirt
  t1=$(date +%s%N)
  log "up in $(( (t1 - t0) / 1000000000 )).$(( (t1 - t0) / 100000000 % 10 ))s; kubeconfig ${KUBECONFIG_PATH}"
  log "use: eval \"\$(scripts/sandbox.sh env)\""
}

cmd_down() {
  local t0 pids
  t0=$(date +%s)
  bin_dir nobuild
  local started
  started="$(sandbox_pids)"
  if [[ -d "${CLUSTER_DIR}" && -x "${BIN_DIR}/kwokctl" ]]; then
    log "deleting cluster ${CLUSTER}"
    kwokctl_ delete cluster --kubeconfig "${KUBECONFIG_PATH}" >&2 || log "kwokctl delete failed; cleaning up by hand"
  fi
  pids="$(sandbox_pids)"
  if [[ -n "$pids" ]]; then
    log "stopping leftover sandbox processes: $(echo $pids)"
    kill $pids 2>/dev/null || true
    sleep 2
    pids="$(sandbox_pids)"
    [[ -z "$pids" ]] || kill -9 $pids 2>/dev/null || true
    sleep 1
  fi
  rm -rf "${CLUSTER_DIR}" "${KUBECONFIG_PATH}"
  pids="$(sandbox_pids)"
  [[ -z "$pids" ]] || die "processes still running: $pids"
  # Wait until the exited components are reaped too (they are daemonized, so init reaps them).
  local p left i
  for i in $(seq 1 50); do
    left=""
    for p in $started; do [[ -e "/proc/$p" ]] && left+=" $p"; done
    [[ -z "$left" ]] && break
    sleep 0.2
  done
  [[ -z "$left" ]] || log "warning: exited processes not yet reaped:${left}"
  log "down in $(( $(date +%s) - t0 ))s; no sandbox process left"
}

cmd_smoke() {
  local t0 state="${SANDBOX_DIR}/pulumi" rc=0
  t0=$(date +%s)
  bin_dir all
  api_ready || die "the sandbox is not running (scripts/sandbox.sh up)"
  [[ -d "${REPO_ROOT}/node_modules/@pulumi/kubernetes" && -d "${REPO_ROOT}/node_modules/@pulumi/random" ]] ||
    die "run npm ci in ${REPO_ROOT} first"
  mkdir -p "${state}/backend" "${state}/home"
  PULUMI_HOME="${state}/home" "${SCRIPT_DIR}/toolchain.sh" --install-plugins >&2
  (
    export PATH="${BIN_DIR}:${PATH}" KUBECONFIG="${KUBECONFIG_PATH}"
    export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_IGNORE_AMBIENT_PLUGINS=true
    export PULUMI_BACKEND_URL="file://${state}/backend" PULUMI_HOME="${state}/home"
    export PULUMI_CONFIG_PASSPHRASE=oskube-sandbox-smoke
    cd "${SCRIPT_DIR}/sandbox/smoke"
    pulumi stack select --create smoke --non-interactive >&2
    pulumi up --yes --non-interactive --skip-preview >&2
    pulumi stack output --json
    pulumi destroy --yes --non-interactive >&2
    pulumi stack rm --yes --non-interactive smoke >&2
  ) || rc=$?
  log "smoke $([[ $rc -eq 0 ]] && echo passed || echo FAILED) in $(( $(date +%s) - t0 ))s"
  return $rc
}

cmd_status() {
  bin_dir nobuild
  echo "cluster:    ${CLUSTER}"
  echo "kubeconfig: ${KUBECONFIG_PATH}"
  echo "workdir:    ${CLUSTER_DIR}"
  if api_ready; then
    echo "api:        ready ($(kubectl_ config view --minify -o jsonpath='{.clusters[0].cluster.server}'))"
    kwokctl_ get components 2>/dev/null || true
    kubectl_ get nodes -o wide
  else
    echo "api:        not running"
  fi
  local pids
  pids="$(sandbox_pids)"
  if [[ -n "$pids" ]]; then echo "processes:  $(echo $pids)"; else echo "processes:  none"; fi
}

cmd_env() {
  bin_dir nobuild
  printf 'export KUBECONFIG=%q\n' "${KUBECONFIG_PATH}"
  printf 'export PATH=%q:"$PATH"\n' "${BIN_DIR}"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  verify) bin_dir nobuild; verify_kubevirt ;;
  smoke) cmd_smoke ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d' >&2; exit 2 ;;
esac
exit $?
