/**
 * Ceph on the storage nodes through Rook: the CephCluster, the block pools (images, volumes, vms, kubernetes), the
 * RBD StorageClass, the Ceph client users of Glance and Cinder/Nova, and the Job that hands their keyrings to the
 * OpenStack namespaces. Pure.
 */
import { createHash } from "crypto";
import { CEPH_OSD_LABEL, ENABLED, ROLE_LABELS, appLabels } from "../labels";
import { imageFor } from "../images";
import { ResolvedCloud, nodesWithRole } from "../spec/resolved";
import { Manifest, roleTolerations } from "./k8s";

export const CEPH_CLUSTER_NAME = "ceph";
/** Secret (in each OpenStack namespace) holding ceph.conf and the client keyrings, mounted at /etc/ceph. */
export const CEPH_CLIENT_SECRET = "ceph-client";
export const CEPH_CONF_DIR = "/etc/ceph";
/** The client Glance uses for the images pool. */
export const GLANCE_CEPH_USER = "glance";
/** The client Cinder and nova-compute share, as in Ceph's OpenStack guide: libvirt holds one key for volumes and disks. */
export const CINDER_CEPH_USER = "cinder";
const ROOK_CSI_RBD = "rook-ceph.rbd.csi.ceph.com";

export interface CephClientSpec {
    user: string;
    caps: { mon: string; osd: string };
}

/** The Ceph client users and their capabilities. */
export function cephClients(cloud: ResolvedCloud): CephClientSpec[] {
    const p = cloud.compute.storage.pools;
    return [
        { user: GLANCE_CEPH_USER, caps: { mon: "profile rbd", osd: `profile rbd pool=${p.images}` } },
        { user: CINDER_CEPH_USER, caps: { mon: "profile rbd", osd: `profile rbd pool=${p.volumes}, profile rbd pool=${p.vms}, profile rbd-read-only pool=${p.images}` } },
    ];
}

/**
 * The UUID of the libvirt secret that holds the cinder key. Cinder, nova-compute and libvirt must agree on it; it is
 * not itself secret (libvirt keeps the key), so it is derived from the data-plane namespace and stays stable.
 */
export function rbdSecretUuid(cloud: ResolvedCloud): string {
    const h = createHash("sha256").update(`oskube-rbd-secret:${cloud.namespaces.dataPlane}`).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Rook device names: plain kernel names (`sdb`) or a full by-id/by-path path. */
export function rookDeviceName(dev: string): string {
    const m = /^\/dev\/([A-Za-z0-9_.-]+)$/.exec(dev);
    return m ? m[1] : dev;
}

function storageLabels(component: string, instance: string): Record<string, string> {
    return appLabels("ceph", component, instance);
}

/** Node affinity to the storage role: Ceph never lands on a control-plane or compute node. */
function storageAffinity(extraLabel?: string): Record<string, unknown> {
    const exprs = [{ key: ROLE_LABELS.storage, operator: "In", values: [ENABLED] }];
    if (extraLabel) {
        exprs.push({ key: extraLabel, operator: "In", values: [ENABLED] });
    }
    return { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: exprs }] } };
}

export function renderCephCluster(cloud: ResolvedCloud, instance: string): Manifest {
    const st = cloud.compute.storage;
    const storageNodes = nodesWithRole(cloud, "storage");
    // Dev mode may run more daemons than there are storage nodes; production never does (validation enforces it).
    const multiPerNode = cloud.devMode && storageNodes.length < Math.max(st.monitors, 2);
    return {
        apiVersion: "ceph.rook.io/v1",
        kind: "CephCluster",
        metadata: { name: CEPH_CLUSTER_NAME, namespace: st.rookNamespace, labels: storageLabels("cluster", instance) },
        spec: {
            cephVersion: { image: st.cephImage, allowUnsupported: false },
            dataDirHostPath: "/var/lib/rook",
            mon: { count: st.monitors, allowMultiplePerNode: multiPerNode },
            mgr: { count: cloud.devMode ? 1 : 2, allowMultiplePerNode: multiPerNode, modules: [{ name: "rook", enabled: true }] },
            dashboard: { enabled: true, ssl: true },
            crashCollector: { disable: cloud.devMode },
            storage: {
                useAllNodes: false,
                useAllDevices: false,
                nodes: storageNodes.filter((n) => n.osdDevices.length > 0).map((n) => ({
                    name: n.name,
                    devices: n.osdDevices.map((d) => ({ name: rookDeviceName(d) })),
                })),
            },
            placement: {
                all: { nodeAffinity: storageAffinity(), tolerations: roleTolerations() },
                osd: { nodeAffinity: storageAffinity(CEPH_OSD_LABEL), tolerations: roleTolerations() },
            },
            disruptionManagement: { managePodBudgets: true },
            priorityClassNames: { mon: "system-node-critical", osd: "system-node-critical", mgr: "system-cluster-critical" },
        },
    };
}

export function renderCephBlockPools(cloud: ResolvedCloud, instance: string): Manifest[] {
    const st = cloud.compute.storage;
    const size = st.poolReplicas;
    return Object.values(st.pools).map((pool) => ({
        apiVersion: "ceph.rook.io/v1",
        kind: "CephBlockPool",
        metadata: { name: pool, namespace: st.rookNamespace, labels: storageLabels("pool", instance) },
        spec: {
            failureDomain: "host",
            // Rook refuses size 1 unless it is told that the loss is accepted (dev mode only, by validation).
            replicated: { size, requireSafeReplicaSize: size > 1 },
            application: "rbd",
        },
    }));
}

export function renderRbdStorageClass(cloud: ResolvedCloud, instance: string): Manifest {
    const st = cloud.compute.storage;
    const ns = st.rookNamespace;
    return {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name: st.storageClassName, labels: storageLabels("storageclass", instance) },
        provisioner: ROOK_CSI_RBD,
        parameters: {
            clusterID: ns,
            pool: st.pools.kubernetes,
            imageFormat: "2",
            imageFeatures: "layering",
            "csi.storage.k8s.io/provisioner-secret-name": "rook-csi-rbd-provisioner",
            "csi.storage.k8s.io/provisioner-secret-namespace": ns,
            "csi.storage.k8s.io/controller-expand-secret-name": "rook-csi-rbd-provisioner",
            "csi.storage.k8s.io/controller-expand-secret-namespace": ns,
            "csi.storage.k8s.io/node-stage-secret-name": "rook-csi-rbd-node",
            "csi.storage.k8s.io/node-stage-secret-namespace": ns,
            "csi.storage.k8s.io/fstype": "ext4",
        },
        reclaimPolicy: "Delete",
        allowVolumeExpansion: true,
        volumeBindingMode: "Immediate",
    };
}

export function renderCephClients(cloud: ResolvedCloud, instance: string): Manifest[] {
    return cephClients(cloud).map((c) => ({
        apiVersion: "ceph.rook.io/v1",
        kind: "CephClient",
        metadata: { name: c.user, namespace: cloud.compute.storage.rookNamespace, labels: storageLabels("client", instance) },
        spec: { caps: c.caps },
    }));
}

const SYNC = "ceph-client-sync";

/**
 * Pods in the OpenStack namespaces cannot read Rook's Secrets, so a Job in the Rook namespace copies what they need:
 * ceph.conf with the monitors (Rook's mon Services have stable ClusterIPs) and the keyrings of the Ceph clients. It waits
 * for Rook to create them, so its completion also means the cluster answers. The RBAC is per namespace and minimal:
 * read in Rook's, write one Secret in each target.
 */
export function renderCephClientSync(cloud: ResolvedCloud, instance: string): Manifest[] {
    const rook = cloud.compute.storage.rookNamespace;
    const targets = [cloud.namespaces.controlPlane, cloud.namespaces.dataPlane];
    const labels = storageLabels("client-sync", instance);
    const users = cephClients(cloud).map((c) => c.user);
    const script = [
        "set -eu",
        `R=${rook}`,
        ...users.map((u) => `until kubectl -n "$R" get secret rook-ceph-client-${u} >/dev/null 2>&1; do echo waiting for client.${u}; sleep 10; done`),
        `until M=$(kubectl -n "$R" get configmap rook-ceph-mon-endpoints -o jsonpath='{.data.data}') && [ -n "$M" ]; do echo waiting for monitors; sleep 10; done`,
        `MON_HOST=$(echo "$M" | sed -e 's/[^=,]*=//g')`,
        "mkdir -p /tmp/ceph && cd /tmp/ceph",
        `printf '[global]\\nmon_host = %s\\nauth_client_required = cephx\\n' "$MON_HOST" > ceph.conf`,
        ...users.flatMap((u) => [
            `K=$(kubectl -n "$R" get secret rook-ceph-client-${u} -o jsonpath='{.data.${u}}' | base64 -d)`,
            `printf '[client.${u}]\\n\\tkey = %s\\n' "$K" > ceph.client.${u}.keyring`,
            `printf '%s' "$K" > ${u}.key`,
        ]),
        `for NS in ${targets.join(" ")}; do`,
        `  kubectl -n "$NS" create secret generic ${CEPH_CLIENT_SECRET} ${["ceph.conf", ...users.flatMap((u) => [`ceph.client.${u}.keyring`, `${u}.key`])].map((f) => `--from-file=${f}`).join(" ")} --dry-run=client -o yaml | kubectl apply -f -`,
        "done",
    ].join("\n");
    const role = (ns: string, rules: unknown[]): Manifest[] => [
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: SYNC, namespace: ns, labels }, rules },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: { name: SYNC, namespace: ns, labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: SYNC },
            subjects: [{ kind: "ServiceAccount", name: SYNC, namespace: rook }],
        },
    ];
    return [
        { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: SYNC, namespace: rook, labels } },
        ...role(rook, [
            { apiGroups: [""], resources: ["secrets"], resourceNames: users.map((u) => `rook-ceph-client-${u}`), verbs: ["get"] },
            { apiGroups: [""], resources: ["configmaps"], resourceNames: ["rook-ceph-mon-endpoints"], verbs: ["get"] },
        ]),
        ...targets.flatMap((ns) => role(ns, [
            { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
            { apiGroups: [""], resources: ["secrets"], resourceNames: [CEPH_CLIENT_SECRET], verbs: ["get", "patch", "update"] },
        ])),
        {
            apiVersion: "batch/v1",
            kind: "Job",
            metadata: { name: SYNC, namespace: rook, labels },
            spec: {
                backoffLimit: 20,
                template: {
                    metadata: { labels },
                    spec: {
                        restartPolicy: "OnFailure",
                        serviceAccountName: SYNC,
                        // Every OpenStack node is tainted; the storage nodes are the ones that are sure to run Ceph.
                        nodeSelector: { [ROLE_LABELS.storage]: ENABLED, "kubernetes.io/os": "linux" },
                        tolerations: roleTolerations(),
                        securityContext: { runAsNonRoot: true, runAsUser: 1001, seccompProfile: { type: "RuntimeDefault" } },
                        containers: [{
                            name: "sync",
                            image: imageFor(cloud.images, cloud.release, "kubectl"),
                            command: ["/bin/bash", "-c", script],
                            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
                            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                        }],
                    },
                },
            },
        },
    ];
}

/** Helm values of the Rook operator chart when oskube installs it: the CSI node plugin must reach every role's nodes. */
export function rookOperatorValues(): Record<string, unknown> {
    return {
        crds: { enabled: true },
        csi: {
            pluginTolerations: roleTolerations(),
            provisionerTolerations: roleTolerations(),
            enableCephfsDriver: false,
        },
        tolerations: roleTolerations(),
    };
}

export const ROOK_CHART = { chart: "rook-ceph", repo: "https://charts.rook.io/release" };

/** Volume and mount of the Ceph client Secret. */
export function cephClientVolume(): { volume: Record<string, unknown>; mount: Record<string, unknown> } {
    return {
        volume: { name: "ceph-client", secret: { secretName: CEPH_CLIENT_SECRET, defaultMode: 0o440 } },
        mount: { name: "ceph-client", mountPath: CEPH_CONF_DIR, readOnly: true },
    };
}
