/**
 * Building blocks of data-plane DaemonSets (OVS, the Neutron agents, ovn-controller, Felix): privileged, on the host
 * network, in the data-plane namespace only, and told which node they run on so they can pick that node's NIC data.
 */
import { ANNOTATIONS } from "../labels";
import { ResolvedCloud, ResolvedNode } from "../spec/resolved";
import { Manifest, placeOn, workloadLabels } from "./k8s";

export interface DataPlaneDaemonSetParams {
    cloud: ResolvedCloud;
    /** Object name, e.g. `neutron-dhcp-agent`. */
    name: string;
    service: string;
    component: string;
    instance: string;
    /** Node label the DaemonSet selects (a role label or `openvswitch`). */
    nodeLabel: string;
    containers: Record<string, unknown>[];
    initContainers?: Record<string, unknown>[];
    volumes: Record<string, unknown>[];
    configHash: string;
    hostPID?: boolean;
}

export function dataPlaneDaemonSet(p: DataPlaneDaemonSetParams): Manifest {
    const { labels, selector } = workloadLabels(p.service, p.component, p.instance);
    return {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name: p.name, namespace: p.cloud.namespaces.dataPlane, labels },
        spec: {
            selector: { matchLabels: selector },
            // One node at a time: an agent restart briefly drops that node's routers or DHCP.
            updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
            template: {
                metadata: { labels, annotations: { [ANNOTATIONS.configHash]: p.configHash } },
                spec: {
                    ...placeOn(p.nodeLabel),
                    hostNetwork: true,
                    ...(p.hostPID ? { hostPID: true } : {}),
                    dnsPolicy: "ClusterFirstWithHostNet",
                    priorityClassName: "system-node-critical",
                    automountServiceAccountToken: false,
                    terminationGracePeriodSeconds: 60,
                    ...(p.initContainers ? { initContainers: p.initContainers } : {}),
                    containers: p.containers,
                    volumes: p.volumes,
                },
            },
        },
    };
}

export const NODE_ENV_DIR = "/etc/oskube/nodes";
export const NODE_INI = "/run/oskube/node.ini";

/** The downward-API variable every data-plane container gets: the Kubernetes node it runs on. */
export const NODE_NAME_ENV = { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } };

export interface NodeNetworkData {
    /** `physnet:bridge` pairs whose bridge this node binds to a NIC. */
    bridgeMappings: string[];
    /** `bridge:nic` pairs. */
    bridgeInterfaces: string[];
    tunnelIp: string;
    tunnelInterface: string;
    /** Network node (OVN gateway chassis). */
    gateway: boolean;
}

export function nodeNetworkData(cloud: ResolvedCloud, node: ResolvedNode): NodeNetworkData {
    const physnets = cloud.networking.neutron.physnets;
    return {
        bridgeMappings: physnets.filter((p) => node.bridgeInterfaces[p.bridge]).map((p) => `${p.name}:${p.bridge}`),
        bridgeInterfaces: Object.entries(node.bridgeInterfaces).map(([b, nic]) => `${b}:${nic}`),
        tunnelIp: node.tunnelIp ?? "",
        tunnelInterface: node.tunnelInterface ?? "",
        gateway: node.roles.includes("network"),
    };
}

/**
 * Per-node data as shell variable files, one ConfigMap key per node (`<node>.env`). A DaemonSet cannot template per
 * node, so its init container sources the key of `$NODE_NAME`. Every value is validated (interface names, IPs,
 * physnet names), so none needs more than single quotes.
 */
export function nodeEnvFiles(cloud: ResolvedCloud, nodes: ResolvedNode[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const node of nodes) {
        const d = nodeNetworkData(cloud, node);
        out[`${node.name}.env`] = [
            `BRIDGE_MAPPINGS='${d.bridgeMappings.join(",")}'`,
            `BRIDGE_INTERFACES='${d.bridgeInterfaces.join(",")}'`,
            `TUNNEL_IP='${d.tunnelIp}'`,
            `TUNNEL_INTERFACE='${d.tunnelInterface}'`,
            `GATEWAY='${d.gateway}'`,
            "",
        ].join("\n");
    }
    return out;
}

/**
 * Shell that loads this node's variables and, when `needTunnel`, resolves the overlay address: the node's
 * `tunnelIp`, else the first global IPv4 address of `tunnelInterface`, else the source address of the default route.
 */
export function loadNodeEnvScript(needTunnel: boolean): string {
    return [
        "set -eu",
        `f=${NODE_ENV_DIR}/"$NODE_NAME".env`,
        "BRIDGE_MAPPINGS=''; BRIDGE_INTERFACES=''; TUNNEL_IP=''; TUNNEL_INTERFACE=''; GATEWAY='false'",
        `if [ -f "$f" ]; then . "$f"; else echo "oskube: no network data for node $NODE_NAME; using defaults" >&2; fi`,
        ...(needTunnel ? [
            `if [ -z "$TUNNEL_IP" ] && [ -n "$TUNNEL_INTERFACE" ]; then TUNNEL_IP=$(ip -4 -o addr show dev "$TUNNEL_INTERFACE" scope global | awk '{split($4,a,"/"); print a[1]; exit}'); fi`,
            `if [ -z "$TUNNEL_IP" ]; then TUNNEL_IP=$(ip -4 route get 1.1.1.1 | awk '{for(i=1;i<NF;i++) if($i=="src"){print $(i+1); exit}}'); fi`,
            `if [ -z "$TUNNEL_IP" ]; then echo "oskube: cannot find the overlay address of $NODE_NAME; set tunnelIp or tunnelInterface" >&2; exit 1; fi`,
        ] : []),
    ].join("\n");
}
