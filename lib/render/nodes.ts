/** What NodePool writes onto each node: role labels and taints, derived capability labels, and per-node NIC data. */
import { ANNOTATIONS, CEPH_OSD_LABEL, ENABLED, L3_AGENT_LABEL, OPENVSWITCH_LABEL, ROLE_LABELS } from "../labels";
import { ResolvedCloud, ResolvedNode, ResolvedNodePool } from "../spec/resolved";

export const POOL_LABEL = "oskube.io/node-pool";

/** Backends whose data plane runs Open vSwitch on network and compute nodes. */
export const OVS_BACKENDS = ["openvswitch", "ovn"];

export interface NodeMarking {
    labels: Record<string, string>;
    annotations: Record<string, string>;
    taints: { key: string; value: string; effect: string }[];
}

export function nodeMarking(cloud: ResolvedCloud, pool: ResolvedNodePool, node: ResolvedNode): NodeMarking {
    const labels: Record<string, string> = { ...pool.labels, [POOL_LABEL]: pool.name };
    for (const role of node.roles) {
        labels[ROLE_LABELS[role]] = ENABLED;
    }
    const onDataPlane = node.roles.includes("network") || node.roles.includes("compute");
    if (onDataPlane && OVS_BACKENDS.includes(cloud.networking.backend)) {
        labels[OPENVSWITCH_LABEL] = ENABLED;
    }
    if (node.roles.includes("network")) {
        labels[L3_AGENT_LABEL] = ENABLED;
    }
    if (node.roles.includes("storage") && node.osdDevices.length > 0) {
        labels[CEPH_OSD_LABEL] = ENABLED;
    }
    const annotations: Record<string, string> = {};
    if (Object.keys(node.bridgeInterfaces).length > 0) {
        annotations[ANNOTATIONS.bridgeInterfaces] = Object.entries(node.bridgeInterfaces).map(([b, nic]) => `${b}:${nic}`).join(",");
    }
    if (node.tunnelIp) {
        annotations[ANNOTATIONS.tunnelIp] = node.tunnelIp;
    }
    if (node.tunnelInterface) {
        annotations[ANNOTATIONS.tunnelInterface] = node.tunnelInterface;
    }
    const taints = pool.taint ? node.roles.map((role) => ({ key: ROLE_LABELS[role], value: ENABLED, effect: "NoSchedule" })) : [];
    return { labels, annotations, taints };
}
