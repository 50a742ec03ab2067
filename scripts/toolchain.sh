#!/usr/bin/env bash
# Builds oskube's real toolchain from the Go module proxy with the ordinary `go` client:
# the Pulumi CLI and a Node.js language host, the Kubernetes and random resource providers,
# kube-apiserver / kube-controller-manager / kube-scheduler / kubectl, etcd, kwok and kwokctl.
#
# Binaries go to a cache outside the repository:
#   ${OSKUBE_TOOLCHAIN_CACHE:-$HOME/.cache/oskube/toolchain}/<key>/bin
# where <key> is a hash of the pinned versions, the tools modules under scripts/toolchain/
# (go.mod, go.sum and sources) and the Go version. Each binary is built only when missing
# (builds of a family are kept under .../store/<family>-<hash>/ and hard-linked into the bin
# dir), so a warm run takes seconds.
#
# Usage:
#   scripts/toolchain.sh                  build what is missing, print what was built or reused
#   scripts/toolchain.sh --bin-dir        build what is missing (quietly, log to stderr), print the bin dir
#   scripts/toolchain.sh --print-bin-dir  print the bin dir without building
#   scripts/toolchain.sh --check          exit 0 if every binary is present, 1 otherwise (no build)
#   scripts/toolchain.sh --list           list the binaries and their versions
#   scripts/toolchain.sh --prune          delete cached builds of other versions (store dirs and bin dirs)
#   scripts/toolchain.sh --install-plugins  build what is missing, then install the kubernetes and random
#                                         providers into ${PULUMI_HOME:-~/.pulumi}/plugins at their versions
#                                         (`pulumi plugin install --file`); with PULUMI_IGNORE_AMBIENT_PLUGINS=true
#                                         the CLI then uses them (version-checked, no "from $PATH" warnings)
# Environment:
#   OSKUBE_TOOLCHAIN_CACHE   cache root (default ~/.cache/oskube/toolchain)
#   OSKUBE_TOOLCHAIN_ONLY    space-separated families to build (default: all in ORDER below)
#   OSKUBE_TOOLCHAIN_NICE    nice level for go builds (default 10)
set -euo pipefail

# ---- pinned versions (part of the cache key) --------------------------------------------------
PULUMI_VERSION=3.248.0            # npm @pulumi/pulumi, github.com/pulumi/pulumi/{pkg,sdk}/v3
PULUMI_KUBERNETES_VERSION=4.25.0  # npm @pulumi/kubernetes; provider/v4 pseudo-version in kubernetes/go.mod
PULUMI_RANDOM_VERSION=4.21.2      # npm @pulumi/random; served by oskube's own provider (scripts/toolchain/random)
KUBE_VERSION=v1.36.3              # k8s.io/kubernetes, staging modules at v0.36.3
ETCD_VERSION=v3.6.16              # go.etcd.io/etcd/server/v3
KWOK_VERSION=v0.8.0               # sigs.k8s.io/kwok
TOOLCHAIN_REV=1                   # bump to force a rebuild of everything

# Families in build order: what the integration tier needs first.
ORDER=(pulumi kubernetes random kube etcd kwok)

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/.." && pwd)"
TOOLS_DIR="${SCRIPT_DIR}/toolchain"
CACHE_ROOT="${OSKUBE_TOOLCHAIN_CACHE:-${HOME}/.cache/oskube/toolchain}"
NICE="${OSKUBE_TOOLCHAIN_NICE:-10}"

log() { printf '%s\n' "$*" >&"${LOG_FD:-1}"; }
die() { printf 'toolchain.sh: %s\n' "$*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || die "go is not on PATH"
GO_VERSION="$(go env GOVERSION)"

# Binaries of each family: name|version shown by --list.
family_bins() {
  case "$1" in
    pulumi) echo "pulumi pulumi-language-nodejs" ;;
    kubernetes) echo "pulumi-resource-kubernetes" ;;
    random) echo "pulumi-resource-random" ;;
    kube) echo "kube-apiserver kube-controller-manager kube-scheduler kubectl" ;;
    etcd) echo "etcd" ;;
    kwok) echo "kwok kwokctl" ;;
    *) die "unknown family $1" ;;
  esac
}

hash_files() { # hash of the given files' names and contents
  local f
  for f in "$@"; do
    printf '%s\n' "${f#"${TOOLS_DIR}/"}"
    cat "$f"
  done | sha256sum | cut -c1-16
}

family_hash() {
  local fam="$1" files
  mapfile -t files < <(find "${TOOLS_DIR}/${fam}" -type f \( -name 'go.mod' -o -name 'go.sum' -o -name '*.go' \) | LC_ALL=C sort)
  [[ ${#files[@]} -gt 0 ]] || die "no tools module at ${TOOLS_DIR}/${fam}"
  {
    printf 'rev=%s go=%s fam=%s\n' "${TOOLCHAIN_REV}" "${GO_VERSION}" "${fam}"
    case "${fam}" in
      pulumi) echo "pulumi=${PULUMI_VERSION}" ;;
      kubernetes) echo "pulumi-kubernetes=${PULUMI_KUBERNETES_VERSION}" ;;
      random) echo "pulumi-random=${PULUMI_RANDOM_VERSION}" ;;
      kube) echo "kube=${KUBE_VERSION}" ;;
      etcd) echo "etcd=${ETCD_VERSION}" ;;
      kwok) echo "kwok=${KWOK_VERSION} kube=${KUBE_VERSION}" ;;
    esac
    hash_files "${files[@]}"
  } | sha256sum | cut -c1-16
}

declare -A FAM_HASH
compute_key() {
  local fam all=""
  for fam in "${ORDER[@]}"; do
    FAM_HASH[$fam]="$(family_hash "$fam")"
    all+="${fam}=${FAM_HASH[$fam]};"
  done
  KEY="$(printf '%s' "$all" | sha256sum | cut -c1-16)"
  BIN_DIR="${CACHE_ROOT}/${KEY}/bin"
}

# ---- build helpers ----------------------------------------------------------------------------
gobuild() { # gobuild <module dir> <output> <ldflags> <package> [env...]
  local moddir="$1" out="$2" ldflags="$3" pkg="$4"; shift 4
  (cd "$moddir" && env "$@" nice -n "${NICE}" go build -trimpath -buildvcs=false -ldflags "-s -w ${ldflags}" -o "${out}.tmp" "$pkg")
  mv -f "${out}.tmp" "$out"
}

build_pulumi() { # <store dir> <binary>
  local store="$1" bin="$2" mod="${TOOLS_DIR}/pulumi"
  case "$bin" in
    pulumi)
      gobuild "$mod" "${store}/pulumi" \
        "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${PULUMI_VERSION}" \
        github.com/pulumi/pulumi/pkg/v3/cmd/pulumi CGO_ENABLED=0 ;;
    pulumi-language-nodejs)
      gobuild "$mod" "${store}/pulumi-language-nodejs" "-X main.version=${PULUMI_VERSION}" \
        ./nodejshost CGO_ENABLED=0 ;;
  esac
}

build_kubernetes() {
  local store="$1" mod="${TOOLS_DIR}/kubernetes" src cmddir
  # The provider's main package embeds schema-embed.json and terraform-mapping-embed.json, which
  # are generated (gitignored) and so absent from the module zip: copy the cmd directory out of
  # the module cache next to a copy of our tools module, generate them, and build there.
  (cd "$mod" && go mod download github.com/pulumi/pulumi-kubernetes/provider/v4)
  cmddir="$(cd "$mod" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)/cmd/pulumi-resource-kubernetes"
  [[ -d "$cmddir" ]] || die "missing ${cmddir}"
  src="${store}/src"
  rm -rf "$src"; mkdir -p "$src"
  cp "$mod/go.mod" "$mod/go.sum" "$src/"
  cp "$cmddir"/*.go "$cmddir"/*.json "$src/"
  chmod -R u+w "$src"
  (cd "$src" && VERSION="${PULUMI_KUBERNETES_VERSION}" nice -n "${NICE}" go run ./generate.go)
  [[ -s "$src/schema-embed.json" && -s "$src/terraform-mapping-embed.json" ]] || die "schema generation failed"
  gobuild "$src" "${store}/pulumi-resource-kubernetes" \
    "-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${PULUMI_KUBERNETES_VERSION}" \
    . CGO_ENABLED=0
  rm -rf "$src"
}

build_random() {
  local store="$1"
  gobuild "${TOOLS_DIR}/random" "${store}/pulumi-resource-random" "-X main.version=${PULUMI_RANDOM_VERSION}" . CGO_ENABLED=0
}

build_kube() {
  local store="$1" bin="$2" v="${KUBE_VERSION}" minor
  minor="$(echo "$v" | cut -d. -f2)"
  local ld="-X k8s.io/component-base/version.gitVersion=${v} -X k8s.io/component-base/version.gitMajor=1"
  ld+=" -X k8s.io/component-base/version.gitMinor=${minor} -X k8s.io/component-base/version.gitTreeState=clean"
  ld+=" -X k8s.io/component-base/version.buildDate=1970-01-01T00:00:00Z"
  ld+=" -X k8s.io/client-go/pkg/version.gitVersion=${v} -X k8s.io/client-go/pkg/version.gitMajor=1"
  ld+=" -X k8s.io/client-go/pkg/version.gitMinor=${minor} -X k8s.io/client-go/pkg/version.gitTreeState=clean"
  gobuild "${TOOLS_DIR}/kube" "${store}/${bin}" "$ld" "k8s.io/kubernetes/cmd/${bin}" CGO_ENABLED=0
}

build_etcd() {
  local store="$1"
  gobuild "${TOOLS_DIR}/etcd" "${store}/etcd" "" go.etcd.io/etcd/server/v3 CGO_ENABLED=0
}

build_kwok() {
  local store="$1" bin="$2"
  gobuild "${TOOLS_DIR}/kwok" "${store}/${bin}" \
    "-X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${KUBE_VERSION#v}" \
    "sigs.k8s.io/kwok/cmd/${bin}" CGO_ENABLED=0
}

# Links the dynamic-provider script (and the policy analyzer, if present) from the repo's
# node_modules next to `pulumi`, so the CLI finds them on PATH.
link_node_scripts() {
  local nm="${REPO_ROOT}/node_modules" name target
  for name in pulumi-resource-pulumi-nodejs pulumi-analyzer-policy; do
    target=""
    for pkg in "@pulumi/pulumi" "@pulumi/policy"; do
      if [[ -f "${nm}/${pkg}/${name}" ]]; then target="${nm}/${pkg}/${name}"; break; fi
    done
    if [[ -n "$target" ]]; then
      ln -sfn "$target" "${BIN_DIR}/${name}"
      log "linked   ${name} -> ${target}"
    elif [[ -L "${BIN_DIR}/${name}" && ! -e "${BIN_DIR}/${name}" ]]; then
      rm -f "${BIN_DIR}/${name}"
    fi
  done
  [[ -d "${nm}/@pulumi/pulumi" ]] || log "note     ${nm}/@pulumi/pulumi is missing (run npm ci): pulumi-resource-pulumi-nodejs not linked"
}

fmt_secs() { local s="$1"; printf '%dm%02ds' $((s / 60)) $((s % 60)); }

build_all() {
  local fam bin store t0 t1 rc total0 built=0 failed=()
  total0=$(date +%s)
  mkdir -p "${BIN_DIR}"
  for fam in "${ORDER[@]}"; do
    if [[ -n "${OSKUBE_TOOLCHAIN_ONLY:-}" && " ${OSKUBE_TOOLCHAIN_ONLY} " != *" ${fam} "* ]]; then continue; fi
    store="${CACHE_ROOT}/store/${fam}-${FAM_HASH[$fam]}"
    mkdir -p "$store"
    for bin in $(family_bins "$fam"); do
      if [[ ! -x "${store}/${bin}" ]]; then
        log "building ${bin} ..."
        t0=$(date +%s)
        set +e
        (set -e; "build_${fam}" "$store" "$bin")
        rc=$?
        set -e
        if [[ $rc -eq 0 && -x "${store}/${bin}" ]]; then
          t1=$(date +%s); log "built    ${bin} in $(fmt_secs $((t1 - t0)))"; built=$((built + 1))
        else
          failed+=("$bin"); log "FAILED   ${bin} (exit ${rc})"; continue
        fi
      else
        log "reused   ${bin}"
      fi
      ln -f "${store}/${bin}" "${BIN_DIR}/${bin}" 2>/dev/null || cp -f "${store}/${bin}" "${BIN_DIR}/${bin}"
    done
  done
  link_node_scripts
  log "bin dir  ${BIN_DIR}"
  log "total    $(fmt_secs $(( $(date +%s) - total0 ))) (${built} built)"
  if [[ ${#failed[@]} -gt 0 ]]; then
    die "failed to build: ${failed[*]}"
  fi
}

check_all() {
  local fam bin missing=0
  for fam in "${ORDER[@]}"; do
    for bin in $(family_bins "$fam"); do
      [[ -x "${BIN_DIR}/${bin}" ]] || { echo "missing ${BIN_DIR}/${bin}" >&2; missing=1; }
    done
  done
  return $missing
}

list_all() {
  cat <<EOF
pulumi                      v${PULUMI_VERSION} (github.com/pulumi/pulumi/pkg/v3)
pulumi-language-nodejs      ${PULUMI_VERSION} (oskube's own host: scripts/toolchain/pulumi/nodejshost)
pulumi-resource-kubernetes  ${PULUMI_KUBERNETES_VERSION} (github.com/pulumi/pulumi-kubernetes/provider/v4)
pulumi-resource-random      ${PULUMI_RANDOM_VERSION} (oskube's own provider for @pulumi/random: scripts/toolchain/random)
kube-apiserver, kube-controller-manager, kube-scheduler, kubectl  ${KUBE_VERSION}
etcd                        ${ETCD_VERSION}
kwok, kwokctl               ${KWOK_VERSION}
EOF
}

prune() {
  local d keep fam
  for d in "${CACHE_ROOT}"/store/*/; do
    [[ -d "$d" ]] || continue
    keep=0
    for fam in "${ORDER[@]}"; do [[ "$(basename "$d")" == "${fam}-${FAM_HASH[$fam]}" ]] && keep=1; done
    [[ $keep -eq 1 ]] || { log "removing ${d}"; rm -rf "$d"; }
  done
  for d in "${CACHE_ROOT}"/*/; do
    [[ -d "$d" && "$(basename "$d")" != store && "$(basename "$d")" != "${KEY}" ]] || continue
    log "removing ${d}"; rm -rf "$d"
  done
}

install_plugins() {
  local home="${PULUMI_HOME:-${HOME}/.pulumi}" name ver dst
  for spec in "kubernetes ${PULUMI_KUBERNETES_VERSION}" "random ${PULUMI_RANDOM_VERSION}"; do
    read -r name ver <<<"$spec"
    dst="${home}/plugins/resource-${name}-v${ver}/pulumi-resource-${name}"
    if [[ -f "$dst" ]] && cmp -s "$dst" "${BIN_DIR}/pulumi-resource-${name}"; then
      log "plugin   ${name} ${ver} already installed in ${home}"
      continue
    fi
    PULUMI_HOME="$home" PULUMI_SKIP_UPDATE_CHECK=true "${BIN_DIR}/pulumi" plugin install resource "$name" "$ver" \
      --reinstall --file "${BIN_DIR}/pulumi-resource-${name}" >&2
    log "plugin   ${name} ${ver} installed in ${home}"
  done
}

main() {
  local mode="${1:-build}"
  compute_key
  case "$mode" in
    --print-bin-dir) echo "${BIN_DIR}" ;;
    --bin-dir)
      if ! check_all 2>/dev/null; then
        LOG_FD=2 with_lock build_all
      else
        LOG_FD=2 link_node_scripts
      fi
      echo "${BIN_DIR}" ;;
    --check) check_all ;;
    --list) list_all ;;
    --prune) with_lock prune ;;
    --install-plugins)
      check_all 2>/dev/null || with_lock build_all
      install_plugins ;;
    build|--build) with_lock build_all ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' ;;
    *) die "unknown argument: $mode (see --help)" ;;
  esac
}

# Serializes builds that share the cache (two shells, CI and a developer).
with_lock() {
  mkdir -p "${CACHE_ROOT}"
  exec 9>"${CACHE_ROOT}/.lock"
  if ! flock -n 9; then
    log "waiting for another toolchain.sh build (lock ${CACHE_ROOT}/.lock) ..."
    flock 9
  fi
  "$@"
}

main "$@"; exit $?
