/**
 * Compute, image and storage part of the spec: Nova, Placement, Glance, Cinder, compute pools, KubeVirt VMs and Ceph.
 * Owned by the compute work (issue 4).
 */
import { IssueList } from "../errors";
import { isValidImageReference } from "../images";
import { isDnsLabel, isDnsSubdomain, isPositiveInt, isQuantity, oneOf, shown } from "./checks";
import { checkApiService, resolveApiService, resolveNodePools } from "./foundation";
import type { ResolvedApiService, ResolvedCloud } from "./resolved";
import { CloudSpec } from "./types";

export const VIRT_TYPES = ["kvm", "qemu"];
export const CPU_MODES = ["host-model", "host-passthrough", "custom", "none"];
export const EPHEMERAL_BACKENDS = ["rbd", "local"];
/** Backends whose instances reach the outside only through network nodes (L3/DHCP agents or OVN gateways). */
const GATEWAY_BACKENDS = ["openvswitch", "ovn"];

export const DEFAULT_ROOK_VERSION = "v1.20.6";
export const DEFAULT_CEPH_IMAGE = "quay.io/ceph/ceph:v19.2.3";
export const DEFAULT_KUBEVIRT_VERSION = "v1.9.0";

/** The Ceph pools oskube creates, by purpose. */
export interface CephPoolNames {
    /** Glance images. */
    images: string;
    /** Cinder volumes. */
    volumes: string;
    /** Nova ephemeral disks. */
    vms: string;
    /** Kubernetes PersistentVolumes through the RBD StorageClass. */
    kubernetes: string;
}

export interface ResolvedStorage {
    enabled: boolean;
    monitors: number;
    installRookOperator: boolean;
    rookNamespace: string;
    poolReplicas: number;
    rookVersion: string;
    cephImage: string;
    storageClassName: string;
    pools: CephPoolNames;
}

export interface ResolvedComputePool {
    name: string;
    nodePools: string[];
    virtType: string;
    cpuMode: string;
    cpuModels: string[];
    ephemeralBackend: string;
}

export interface ResolvedKubevirtVm {
    name: string;
    cpuCores: number;
    memory: string;
    image: string;
    running: boolean;
    networks: string[];
}

export interface ResolvedGlance extends ResolvedApiService {
    /** `rbd` when Ceph runs, otherwise `file` on a PersistentVolumeClaim. */
    backend: string;
}

export interface ResolvedCompute {
    /** Ceph runs on the storage nodes; Glance, Cinder and ephemeral disks use RBD. */
    storageEnabled: boolean;
    storage: ResolvedStorage;
    pools: ResolvedComputePool[];
    kubevirtVms: ResolvedKubevirtVm[];
    installKubevirt: boolean;
    kubevirtVersion: string;
    glance: ResolvedGlance;
    placement: ResolvedApiService;
    nova: ResolvedApiService;
    /** Cinder runs only with Ceph: its only backend is RBD. */
    cinderEnabled: boolean;
    cinder: ResolvedApiService;
}

function arr<T>(v: T[] | undefined): T[] {
    return Array.isArray(v) ? v : [];
}

export function resolveCompute(spec: CloudSpec): ResolvedCompute {
    const devMode = spec.devMode ?? false;
    const st = spec.storage ?? {};
    const enabled = st.enabled ?? false;
    const storage: ResolvedStorage = {
        enabled,
        monitors: st.monitors ?? (devMode ? 1 : 3),
        installRookOperator: st.installRookOperator ?? false,
        rookNamespace: st.rookNamespace ?? "rook-ceph",
        poolReplicas: st.poolReplicas ?? (devMode ? 1 : 3),
        rookVersion: st.rookVersion ?? DEFAULT_ROOK_VERSION,
        cephImage: st.cephImage ?? DEFAULT_CEPH_IMAGE,
        storageClassName: st.storageClassName ?? "ceph-rbd",
        pools: { images: "images", volumes: "volumes", vms: "vms", kubernetes: "kubernetes" },
    };
    const computeNodePools = resolveNodePools(spec).filter((p) => p.roles.includes("compute")).map((p) => p.name);
    // Without explicit pools, one pool covers every compute node: the common single-hypervisor-type cloud.
    const rawPools = spec.compute?.pools ?? (computeNodePools.length > 0 ? [{ name: "default", nodePools: computeNodePools }] : []);
    const pools = arr(rawPools).map((p) => ({
        name: p?.name,
        nodePools: arr(p?.nodePools),
        virtType: p?.virtType ?? "kvm",
        cpuMode: p?.cpuMode ?? "host-model",
        cpuModels: arr(p?.cpuModels),
        ephemeralBackend: p?.ephemeralBackend ?? (enabled ? "rbd" : "local"),
    }));
    const kubevirtVms = arr(spec.compute?.kubevirtVms).map((vm) => ({
        name: vm?.name,
        cpuCores: vm?.cpuCores ?? 1,
        memory: vm?.memory ?? "1Gi",
        image: vm?.image,
        running: vm?.running ?? true,
        networks: arr(vm?.networks),
    }));
    const services = spec.services ?? {};
    const glanceBackend = enabled ? "rbd" : "file";
    const glance = resolveApiService(services.glance, devMode);
    // A file store lives on one ReadWriteOnce claim, which only one node can mount.
    if (glanceBackend === "file" && services.glance?.replicas === undefined) {
        glance.replicas = 1;
    }
    return {
        storageEnabled: enabled,
        storage,
        pools,
        kubevirtVms,
        installKubevirt: spec.compute?.installKubevirt ?? false,
        kubevirtVersion: spec.compute?.kubevirtVersion ?? DEFAULT_KUBEVIRT_VERSION,
        glance: { ...glance, backend: glanceBackend },
        placement: resolveApiService(services.placement, devMode),
        nova: resolveApiService(services.nova, devMode),
        cinderEnabled: enabled,
        cinder: resolveApiService(services.cinder, devMode),
    };
}

export function checkCompute(spec: CloudSpec, cloud: ResolvedCloud, issues: IssueList): void {
    const c = cloud.compute;
    const storageNodes = cloud.nodes.filter((n) => n.roles.includes("storage"));
    const computeNodes = cloud.nodes.filter((n) => n.roles.includes("compute"));

    for (const svc of ["glance", "placement", "nova", "cinder", "horizon"] as const) {
        checkApiService(`services.${svc}`, spec.services?.[svc], issues);
    }
    if (c.glance.backend === "file" && c.glance.replicas > 1) {
        issues.add("services.glance.replicas", `Glance without Ceph stores images on one ReadWriteOnce volume, which ${c.glance.replicas} replicas on different nodes cannot share`,
            `set services.glance.replicas to 1, or enable storage so that Glance uses Ceph RBD`);
    }
    if (spec.services?.cinder !== undefined && !c.storageEnabled) {
        issues.add("services.cinder", `Cinder is configured, but its only backend is Ceph RBD and storage is not enabled, so Cinder would not be deployed`,
            `set storage.enabled: true (with storage-role nodes), or remove services.cinder`);
    }

    checkStorage(spec, cloud, storageNodes.length, storageNodes.some((n) => n.osdDevices.length > 0), issues);
    checkPools(spec, cloud, computeNodes.length, issues);

    if (spec.compute?.installKubevirt !== undefined && typeof spec.compute.installKubevirt !== "boolean") {
        issues.add("compute.installKubevirt", `installKubevirt must be true or false`, `write installKubevirt: true to apply KubeVirt's release manifest, or leave it out if KubeVirt is installed`);
    }
    if (spec.compute?.kubevirtVersion !== undefined && !/^v\d+\.\d+\.\d+$/.test(spec.compute.kubevirtVersion)) {
        issues.add("compute.kubevirtVersion", `${shown(spec.compute.kubevirtVersion)} is not a KubeVirt release tag`, `use a tag such as ${shown(DEFAULT_KUBEVIRT_VERSION)}`);
    }
    const vmNames = new Map<string, number>();
    c.kubevirtVms.forEach((vm, i) => {
        const p = `compute.kubevirtVms[${i}]`;
        if (!isDnsLabel(vm.name)) {
            issues.add(`${p}.name`, `VM name ${JSON.stringify(vm.name)} is not a lowercase DNS label`, `use lowercase letters, digits and '-', e.g. "test-vm"`);
        } else if (vmNames.has(vm.name)) {
            issues.add(`${p}.name`, `VM name ${shown(vm.name)} is also used by compute.kubevirtVms[${vmNames.get(vm.name)}]`, `give every VM its own name`);
        } else {
            vmNames.set(vm.name, i);
        }
        if (typeof vm.image !== "string" || !isValidImageReference(vm.image)) {
            issues.add(`${p}.image`, `${JSON.stringify(vm.image)} is not a container disk image reference with a tag or digest`,
                `use e.g. "quay.io/containerdisks/fedora:41"`);
        }
        if (!isPositiveInt(vm.cpuCores) || vm.cpuCores > 64) {
            issues.add(`${p}.cpuCores`, `cpuCores must be a whole number from 1 to 64, got ${JSON.stringify(vm.cpuCores)}`, `use e.g. 2`);
        }
        if (!isQuantity(vm.memory)) {
            issues.add(`${p}.memory`, `${shown(vm.memory)} is not a Kubernetes quantity`, `use e.g. "2Gi"`);
        }
        vm.networks.forEach((net, j) => {
            if (!isDnsSubdomain(net) && !/^[a-z0-9-]+\/[a-z0-9-]+$/.test(typeof net === "string" ? net : "")) {
                issues.add(`${p}.networks[${j}]`, `${shown(net)} is not a Multus NetworkAttachmentDefinition name`, `use "name" or "namespace/name"`);
            }
        });
    });
    if (c.kubevirtVms.length > 0 && computeNodes.length === 0) {
        issues.add("compute.kubevirtVms", `KubeVirt VMs run on compute nodes, but no node has the compute role`, `add "compute" to the roles of a node pool`);
    }
}

function checkStorage(spec: CloudSpec, cloud: ResolvedCloud, storageNodeCount: number, anyOsd: boolean, issues: IssueList): void {
    const st = cloud.compute.storage;
    const raw = spec.storage ?? {};
    if (raw.enabled !== undefined && typeof raw.enabled !== "boolean") {
        issues.add("storage.enabled", `enabled must be true or false`, `write enabled: true or leave it out`);
    }
    if (raw.rookNamespace !== undefined && !isDnsLabel(raw.rookNamespace)) {
        issues.add("storage.rookNamespace", `${shown(raw.rookNamespace)} is not a valid namespace name`, `use a lowercase DNS label, e.g. "rook-ceph"`);
    }
    if ([cloud.namespaces.controlPlane, cloud.namespaces.dataPlane].includes(st.rookNamespace)) {
        issues.add("storage.rookNamespace", `Rook shares namespace ${shown(st.rookNamespace)} with OpenStack`, `keep Ceph in its own namespace, e.g. "rook-ceph"`);
    }
    if (raw.storageClassName !== undefined && !isDnsSubdomain(raw.storageClassName)) {
        issues.add("storage.storageClassName", `${shown(raw.storageClassName)} is not a valid StorageClass name`, `use a lowercase DNS name, e.g. "ceph-rbd"`);
    }
    if (raw.rookVersion !== undefined && !/^v\d+\.\d+\.\d+$/.test(raw.rookVersion)) {
        issues.add("storage.rookVersion", `${shown(raw.rookVersion)} is not a Rook release tag`, `use a tag such as ${shown(DEFAULT_ROOK_VERSION)}`);
    }
    if (raw.cephImage !== undefined && !isValidImageReference(raw.cephImage)) {
        issues.add("storage.cephImage", `${shown(raw.cephImage)} is not a valid image reference with a tag or digest`, `use e.g. ${shown(DEFAULT_CEPH_IMAGE)}`);
    }
    if (!isPositiveInt(st.monitors)) {
        issues.add("storage.monitors", `Ceph needs at least one monitor, got ${JSON.stringify(st.monitors)}`, `set monitors to 3 (or 1 with devMode: true)`);
    } else {
        if (st.monitors % 2 === 0) {
            issues.add("storage.monitors", `Ceph monitors need an odd count for quorum, got ${st.monitors}`,
                `use ${st.monitors - 1} or ${st.monitors + 1}: with ${st.monitors} monitors a split into halves stops the cluster`);
        } else if (st.monitors < 3 && !cloud.devMode) {
            issues.add("storage.monitors", `${st.monitors} Ceph monitor cannot survive the loss of a node, and a cloud loses its disks with it`,
                `use 3 or 5 monitors, or set devMode: true for a throwaway cloud`);
        }
        if (st.monitors > 9) {
            issues.add("storage.monitors", `Rook runs at most 9 monitors, got ${st.monitors}`, `use 3 or 5`);
        }
        if (st.enabled && !cloud.devMode && storageNodeCount > 0 && st.monitors > storageNodeCount) {
            issues.add("storage.monitors", `${st.monitors} monitors need ${st.monitors} storage nodes (one per node), but only ${storageNodeCount} exist`,
                `add storage nodes, or lower monitors to ${storageNodeCount % 2 === 0 ? storageNodeCount - 1 : storageNodeCount}`);
        }
    }
    if (!isPositiveInt(st.poolReplicas)) {
        issues.add("storage.poolReplicas", `pool replicas must be 1 or more, got ${JSON.stringify(st.poolReplicas)}`, `set poolReplicas to 3 (or 1 with devMode: true)`);
    } else {
        if (st.poolReplicas < 2 && !cloud.devMode) {
            issues.add("storage.poolReplicas", `one copy of each object loses data with any disk`, `use 3 replicas, or set devMode: true`);
        }
        if (st.enabled && storageNodeCount > 0 && st.poolReplicas > storageNodeCount) {
            issues.add("storage.poolReplicas", `${st.poolReplicas} replicas on distinct hosts need ${st.poolReplicas} storage nodes, but only ${storageNodeCount} exist`,
                `add storage nodes, or lower poolReplicas to ${storageNodeCount}`);
        }
    }
    if (!st.enabled) {
        return;
    }
    if (storageNodeCount === 0) {
        issues.add("storage.enabled", `storage is enabled, but no node has the storage role, so Ceph has nowhere to run`,
            `add a node pool with roles: ["storage"], or set storage.enabled: false`);
    } else if (!anyOsd) {
        issues.add("storage.enabled", `no storage node lists osdDevices, so Ceph would have no disks`,
            `give the storage nodes (or their pool's nodeDefaults) osdDevices, e.g. ["/dev/sdb"]`);
    }
}

function checkPools(spec: CloudSpec, cloud: ResolvedCloud, computeNodeCount: number, issues: IssueList): void {
    const c = cloud.compute;
    const poolsByName = new Map(cloud.nodePools.map((p) => [p.name, p]));
    const names = new Map<string, number>();
    const covered = new Map<string, string>();
    const networkNodes = cloud.nodes.filter((n) => n.roles.includes("network")).length;
    if (spec.compute?.pools !== undefined && !Array.isArray(spec.compute.pools)) {
        issues.add("compute.pools", `compute.pools must be a list`, `write pools: [{ name: "kvm", nodePools: ["compute"] }]`);
        return;
    }
    c.pools.forEach((pool, i) => {
        const p = `compute.pools[${i}]`;
        // The DaemonSet names `nova-compute-<pool>` must stay DNS labels.
        if (!isDnsLabel(pool.name) || pool.name.length > 40) {
            issues.add(`${p}.name`, `compute pool name ${JSON.stringify(pool.name)} is not a lowercase DNS label of at most 40 characters`, `use e.g. "kvm-a"`);
        } else if (names.has(pool.name)) {
            issues.add(`${p}.name`, `compute pool name ${shown(pool.name)} is also used by compute.pools[${names.get(pool.name)}]`, `give every compute pool its own name`);
        } else {
            names.set(pool.name, i);
        }
        if (pool.nodePools.length === 0) {
            issues.add(`${p}.nodePools`, `compute pool ${shown(pool.name)} covers no node pool, so its hypervisors would run nowhere`,
                `list the node pools with the compute role, e.g. nodePools: ["compute"]`);
        }
        pool.nodePools.forEach((np, j) => {
            const node = poolsByName.get(np);
            if (!node) {
                issues.add(`${p}.nodePools[${j}]`, `no node pool is called ${shown(np)}`, `use one of ${oneOf(cloud.nodePools.map((x) => x.name))}`);
            } else if (!node.roles.includes("compute")) {
                issues.add(`${p}.nodePools[${j}]`, `node pool ${shown(np)} does not have the compute role, so no hypervisor would be placed there`,
                    `add "compute" to nodePools ${shown(np)} roles, or list a compute pool instead`);
            } else if (covered.has(np)) {
                issues.add(`${p}.nodePools[${j}]`, `node pool ${shown(np)} is already covered by compute pool ${shown(covered.get(np))}; two libvirt daemons would fight over one host`,
                    `list each node pool in one compute pool only`);
            } else {
                covered.set(np, pool.name);
            }
        });
        if (!VIRT_TYPES.includes(pool.virtType)) {
            issues.add(`${p}.virtType`, `unknown virt type ${shown(pool.virtType)}`, `use ${oneOf(VIRT_TYPES)} (qemu is software emulation, for nodes without /dev/kvm)`);
        }
        if (!CPU_MODES.includes(pool.cpuMode)) {
            issues.add(`${p}.cpuMode`, `unknown libvirt CPU mode ${shown(pool.cpuMode)}`, `use ${oneOf(CPU_MODES)}`);
        } else if (pool.cpuMode === "custom" && pool.cpuModels.length === 0) {
            issues.add(`${p}.cpuModels`, `cpuMode "custom" needs at least one CPU model`, `list models, e.g. cpuModels: ["Cascadelake-Server-noTSX"]`);
        } else if (pool.cpuMode !== "custom" && pool.cpuModels.length > 0) {
            issues.add(`${p}.cpuModels`, `cpuModels are only used with cpuMode "custom", so they would be ignored`, `set cpuMode: custom, or remove cpuModels`);
        } else if (pool.virtType === "qemu" && pool.cpuMode === "host-passthrough") {
            issues.add(`${p}.cpuMode`, `host-passthrough needs hardware virtualization, which virtType "qemu" does not use`, `use cpuMode "host-model" or "custom" with qemu, or virtType "kvm"`);
        }
        pool.cpuModels.forEach((m, j) => {
            if (typeof m !== "string" || !/^[A-Za-z0-9_.-]+$/.test(m)) {
                issues.add(`${p}.cpuModels[${j}]`, `${shown(m)} is not a libvirt CPU model name`, `use a name from "virsh cpu-models x86_64", e.g. "Skylake-Server"`);
            }
        });
        if (!EPHEMERAL_BACKENDS.includes(pool.ephemeralBackend)) {
            issues.add(`${p}.ephemeralBackend`, `unknown ephemeral disk backend ${shown(pool.ephemeralBackend)}`, `use ${oneOf(EPHEMERAL_BACKENDS)}`);
        } else if (pool.ephemeralBackend === "rbd" && !c.storageEnabled) {
            issues.add(`${p}.ephemeralBackend`, `ephemeral disks on Ceph RBD need a storage pool, but storage is not enabled`,
                `set storage.enabled: true with storage-role nodes, or use ephemeralBackend: local`);
        }
        if (pool.nodePools.length > 0 && networkNodes === 0 && GATEWAY_BACKENDS.includes(cloud.networking.backend)) {
            issues.add(`${p}`, `instances on compute pool ${shown(pool.name)} have no network path: with the ${cloud.networking.backend} backend, routing, DHCP and floating IPs run on network nodes, and there are none`,
                `add a node pool with roles: ["network"] (it may also hold "compute"), or use the calico backend, which routes on the compute nodes`);
        }
    });
    for (const np of cloud.nodePools) {
        if (np.roles.includes("compute") && np.nodes.length > 0 && !covered.has(np.name) && c.pools.length > 0 && spec.compute?.pools !== undefined) {
            issues.add("compute.pools", `node pool ${shown(np.name)} has the compute role, but no compute pool covers it, so its nodes would run no hypervisor`,
                `add ${shown(np.name)} to the nodePools of a compute pool`);
        }
    }
    if (computeNodeCount === 0 && spec.compute?.pools !== undefined && c.pools.length > 0) {
        issues.add("compute.pools", `compute pools are listed, but no node has the compute role`, `add "compute" to the roles of a node pool`);
    }
}
