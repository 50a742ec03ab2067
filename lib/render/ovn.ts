/**
 * The OVN backend: the northbound and southbound databases (Raft clusters) and northd on the control plane, and ovn-controller on
 * every Open vSwitch node of the data plane. With OVN there are no DHCP, L3 or OVS agents: ovn-controller programs
 * the flows, and the OVN metadata agent (lib/render/neutronAgents.ts) serves metadata.
 */
import { configHash } from "../hash";
import { imageFor } from "../images";
import { ANNOTATIONS, OPENVSWITCH_LABEL } from "../labels";
import { ResolvedCloud, nodesWithRole } from "../spec/resolved";
import {
    Manifest,
    antiAffinity,
    pdb,
    placeOn,
    privilegedContainerSecurity,
    resourceRequirements,
    restrictedContainerSecurity,
    restrictedPodSecurity,
    service,
    serviceHost,
    workloadLabels,
} from "./k8s";
import { NODE_ENV_DIR, NODE_NAME_ENV, dataPlaneDaemonSet, loadNodeEnvScript, nodeEnvFiles } from "./neutronDataPlane";
import { OPENSTACK_UID } from "./openstack";
import { OVS_RUN_DIR } from "./ovs";

export const OVN_NB_PORT = 6641;
export const OVN_SB_PORT = 6642;

interface OvsdbDef {
    /** StatefulSet name, e.g. `ovn-ovsdb-nb`. */
    name: string;
    /** File name stem, e.g. `ovnnb_db`. */
    file: string;
    /** Schema file stem, e.g. `ovn-nb`. */
    schema: string;
    /** Raft database name. */
    database: string;
    port: number;
    raftPort: number;
}

const NB: OvsdbDef = { name: "ovn-ovsdb-nb", file: "ovnnb_db", schema: "ovn-nb", database: "OVN_Northbound", port: OVN_NB_PORT, raftPort: 6643 };
const SB: OvsdbDef = { name: "ovn-ovsdb-sb", file: "ovnsb_db", schema: "ovn-sb", database: "OVN_Southbound", port: OVN_SB_PORT, raftPort: 6644 };

export function ovnNames() {
    return { nb: NB.name, sb: SB.name, northd: "ovn-northd", controller: "ovn-controller", nodes: "ovn-controller-nodes" };
}

/**
 * Raft members of each database: three when there are three control-plane nodes (one member per node), else one.
 * Dev mode runs one.
 */
export function ovnDbReplicas(cloud: ResolvedCloud): number {
    return !cloud.devMode && nodesWithRole(cloud, "control-plane").length >= 3 ? 3 : 1;
}

function memberHost(cloud: ResolvedCloud, db: OvsdbDef, i: number): string {
    return serviceHost(`${db.name}-${i}.${db.name}-raft`, cloud.namespaces.controlPlane, cloud.cluster.domain);
}

/** OVSDB connection strings as neutron, northd and ovn-controller take them: every member, so clients find the leader. */
export function ovnEndpoints(cloud: ResolvedCloud): { nb: string; sb: string } {
    const list = (db: OvsdbDef) => Array.from({ length: ovnDbReplicas(cloud) }, (_, i) => `tcp:${memberHost(cloud, db, i)}:${db.port}`).join(",");
    return { nb: list(NB), sb: list(SB) };
}

/**
 * Start of one Raft member. Member 0 creates the cluster, unless a peer already serves it (member 0 lost its claim),
 * in which case it joins like the others; without that check it would found a second cluster.
 */
function ovsdbScript(cloud: ResolvedCloud, db: OvsdbDef): string {
    const peers = Array.from({ length: ovnDbReplicas(cloud) }, (_, i) => memberHost(cloud, db, i));
    return [
        "set -e",
        `db=/var/lib/ovn/${db.file}.db`,
        `schema=/usr/share/ovn/${db.schema}.ovsschema`,
        `domain=${db.name}-raft.${cloud.namespaces.controlPlane}.svc.${cloud.cluster.domain}`,
        `me=$(hostname)`,
        `self="tcp:$me.$domain:${db.raftPort}"`,
        `if [ ! -f "$db" ]; then`,
        `  leader=""`,
        `  for peer in ${peers.join(" ")}; do`,
        `    case "$peer" in "$me".*) continue ;; esac`,
        `    if ovsdb-client --timeout=5 list-dbs "tcp:$peer:${db.port}" >/dev/null 2>&1; then leader="$peer"; break; fi`,
        `  done`,
        `  if [ -z "$leader" ] && [ "\${me##*-}" = 0 ]; then`,
        `    ovsdb-tool create-cluster "$db" "$schema" "$self"`,
        `  else`,
        `    ovsdb-tool join-cluster "$db" ${db.database} "$self" ${peers.map((p) => `"tcp:${p}:${db.raftPort}"`).join(" ")}`,
        `  fi`,
        `fi`,
        `exec ovsdb-server "$db" --remote=ptcp:${db.port}:0.0.0.0 --remote=punix:/var/run/ovn/${db.file}.sock ` +
        `--pidfile=/var/run/ovn/${db.file}.pid --unixctl=/var/run/ovn/${db.file}.ctl`,
    ].join("\n");
}

/** One OVSDB database (NB or SB) as a Raft cluster; the data survives restarts on claims unless in dev mode. */
function ovsdbStatefulSet(cloud: ResolvedCloud, instance: string, db: OvsdbDef): Manifest[] {
    const ns = cloud.namespaces.controlPlane;
    const { labels, selector } = workloadLabels("ovn", db.name.replace(/^ovn-/, ""), instance);
    const script = ovsdbScript(cloud, db);
    const replicas = ovnDbReplicas(cloud);
    const tcp = (initialDelaySeconds: number, periodSeconds: number) => ({ tcpSocket: { port: db.port }, initialDelaySeconds, periodSeconds, timeoutSeconds: 5, failureThreshold: 3 });
    return [
        // Peers must resolve each other before they are ready, or the cluster never forms.
        service(`${db.name}-raft`, ns, labels, selector, [{ name: "ovsdb", port: db.port }, { name: "raft", port: db.raftPort }], true),
        {
            apiVersion: "apps/v1",
            kind: "StatefulSet",
            metadata: { name: db.name, namespace: ns, labels },
            spec: {
                serviceName: `${db.name}-raft`,
                replicas,
                podManagementPolicy: "Parallel",
                selector: { matchLabels: selector },
                template: {
                    metadata: { labels, annotations: { [ANNOTATIONS.configHash]: configHash(script) } },
                    spec: {
                        ...placeOn("openstack-control-plane"),
                        affinity: antiAffinity(selector, true),
                        securityContext: restrictedPodSecurity(OPENSTACK_UID),
                        automountServiceAccountToken: false,
                        containers: [{
                            name: "ovsdb-server",
                            image: imageFor(cloud.images, cloud.release, "ovn"),
                            command: ["/bin/bash", "-c", script],
                            env: [{ name: "OVN_RUNDIR", value: "/var/run/ovn" }],
                            ports: [
                                { name: "ovsdb", containerPort: db.port, protocol: "TCP" },
                                { name: "raft", containerPort: db.raftPort, protocol: "TCP" },
                            ],
                            readinessProbe: tcp(5, 10),
                            livenessProbe: tcp(60, 30),
                            resources: resourceRequirements({ cpu: "100m", memory: "256Mi" }),
                            securityContext: restrictedContainerSecurity(),
                            volumeMounts: [{ name: "data", mountPath: "/var/lib/ovn" }, { name: "run", mountPath: "/var/run/ovn" }],
                        }],
                        volumes: [{ name: "run", emptyDir: {} }, ...(cloud.devMode ? [{ name: "data", emptyDir: {} }] : [])],
                    },
                },
                volumeClaimTemplates: cloud.devMode ? [] : [{
                    metadata: { name: "data", labels },
                    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "2Gi" } } },
                }],
            },
        },
        pdb(db.name, ns, labels, selector, replicas),
    ];
}

export interface OvnManifests {
    nb: Manifest[];
    sb: Manifest[];
    northd: Manifest;
    /** ConfigMap of per-node data, in the data-plane namespace. */
    nodes: Manifest;
    controller: Manifest;
}

export function renderOvnController(cloud: ResolvedCloud): string {
    const ep = ovnEndpoints(cloud);
    return [
        loadNodeEnvScript(true),
        `until [ -S ${OVS_RUN_DIR}/db.sock ]; do echo "waiting for ovsdb-server"; sleep 2; done`,
        `ovs-vsctl --no-wait set open_vswitch . external_ids:system-id="$NODE_NAME" external_ids:hostname="$NODE_NAME" ` +
        `external_ids:ovn-remote="${ep.sb}" external_ids:ovn-encap-type=geneve external_ids:ovn-encap-ip="$TUNNEL_IP" ` +
        `external_ids:ovn-bridge-mappings="$BRIDGE_MAPPINGS"`,
        // Network nodes are the gateway chassis that host router gateway ports (the role of the L3 agent elsewhere).
        `if [ "$GATEWAY" = true ]; then ovs-vsctl --no-wait set open_vswitch . external_ids:ovn-cms-options=enable-chassis-as-gw; ` +
        `else ovs-vsctl --no-wait remove open_vswitch . external_ids ovn-cms-options || true; fi`,
        `exec ovn-controller unix:${OVS_RUN_DIR}/db.sock --pidfile=/run/ovn/ovn-controller.pid --unixctl=/run/ovn/ovn-controller.ctl`,
    ].join("\n");
}

export function renderOvn(cloud: ResolvedCloud, instance: string): OvnManifests {
    const n = ovnNames();
    const ep = ovnEndpoints(cloud);
    const image = imageFor(cloud.images, cloud.release, "ovn");
    const northd = workloadLabels("ovn", "northd", instance);
    const controllerScript = renderOvnController(cloud);
    const ovsNodes = cloud.nodes.filter((x) => x.roles.includes("network") || x.roles.includes("compute"));
    const nodeFiles = nodeEnvFiles(cloud, ovsNodes);
    const appctl = (cmd: string) => ["/bin/sh", "-c", cmd];
    return {
        nb: ovsdbStatefulSet(cloud, instance, NB),
        sb: ovsdbStatefulSet(cloud, instance, SB),
        northd: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: n.northd, namespace: cloud.namespaces.controlPlane, labels: northd.labels },
            spec: {
                // northd instances take a lock in the SB database: one is active, the others stand by.
                replicas: cloud.devMode ? 1 : 2,
                selector: { matchLabels: northd.selector },
                template: {
                    metadata: { labels: northd.labels },
                    spec: {
                        ...placeOn("openstack-control-plane"),
                        affinity: antiAffinity(northd.selector, false),
                        securityContext: restrictedPodSecurity(OPENSTACK_UID),
                        automountServiceAccountToken: false,
                        containers: [{
                            name: "northd",
                            image,
                            command: ["ovn-northd", `--ovnnb-db=${ep.nb}`, `--ovnsb-db=${ep.sb}`, "--pidfile=/var/run/ovn/ovn-northd.pid", "--unixctl=/var/run/ovn/ovn-northd.ctl"],
                            livenessProbe: { exec: { command: appctl("ovn-appctl -t /var/run/ovn/ovn-northd.ctl status") }, initialDelaySeconds: 30, periodSeconds: 30, timeoutSeconds: 10 },
                            resources: resourceRequirements({ cpu: "100m", memory: "256Mi" }),
                            securityContext: restrictedContainerSecurity(),
                            volumeMounts: [{ name: "run", mountPath: "/var/run/ovn" }],
                        }],
                        volumes: [{ name: "run", emptyDir: {} }],
                    },
                },
            },
        },
        nodes: {
            apiVersion: "v1", kind: "ConfigMap",
            metadata: { name: n.nodes, namespace: cloud.namespaces.dataPlane, labels: workloadLabels("ovn", "controller", instance).labels },
            data: nodeFiles,
        },
        controller: dataPlaneDaemonSet({
            cloud, name: n.controller, service: "ovn", component: "controller", instance, nodeLabel: OPENVSWITCH_LABEL,
            configHash: configHash(controllerScript, JSON.stringify(nodeFiles)),
            containers: [{
                name: "ovn-controller",
                image,
                command: ["/bin/bash", "-c", controllerScript],
                env: [NODE_NAME_ENV],
                readinessProbe: { exec: { command: appctl("ovn-appctl -t /run/ovn/ovn-controller.ctl connection-status | grep -qx connected") }, initialDelaySeconds: 10, periodSeconds: 30, timeoutSeconds: 10 },
                livenessProbe: { exec: { command: appctl("ovn-appctl -t /run/ovn/ovn-controller.ctl version") }, initialDelaySeconds: 60, periodSeconds: 60, timeoutSeconds: 10, failureThreshold: 5 },
                resources: resourceRequirements({ cpu: "100m", memory: "256Mi" }),
                securityContext: privilegedContainerSecurity(),
                volumeMounts: [
                    { name: "ovs-run", mountPath: OVS_RUN_DIR },
                    { name: "ovn-run", mountPath: "/run/ovn" },
                    { name: "nodes", mountPath: NODE_ENV_DIR, readOnly: true },
                ],
            }],
            volumes: [
                { name: "ovs-run", hostPath: { path: OVS_RUN_DIR, type: "DirectoryOrCreate" } },
                { name: "ovn-run", hostPath: { path: "/run/ovn", type: "DirectoryOrCreate" } },
                { name: "nodes", configMap: { name: n.nodes } },
            ],
        }),
    };
}
