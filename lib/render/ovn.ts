/**
 * The OVN backend: the northbound and southbound databases and northd on the control plane, and ovn-controller on
 * every Open vSwitch node of the data plane. With OVN there are no DHCP, L3 or OVS agents: ovn-controller programs
 * the flows, and the OVN metadata agent (lib/render/neutronAgents.ts) serves metadata.
 */
import { configHash } from "../hash";
import { imageFor } from "../images";
import { OPENVSWITCH_LABEL } from "../labels";
import { ResolvedCloud } from "../spec/resolved";
import {
    Manifest,
    antiAffinity,
    placeOn,
    resourceRequirements,
    restrictedContainerSecurity,
    restrictedPodSecurity,
    service,
    serviceHost,
    workloadLabels,
} from "./k8s";
import { NODE_ENV_DIR, NODE_NAME_ENV, dataPlaneDaemonSet, loadNodeEnvScript, nodeEnvFiles, privileged } from "./neutronDataPlane";
import { OPENSTACK_UID } from "./openstack";
import { OVS_RUN_DIR } from "./ovs";

export const OVN_NB_PORT = 6641;
export const OVN_SB_PORT = 6642;

export function ovnNames() {
    return { nb: "ovn-ovsdb-nb", sb: "ovn-ovsdb-sb", northd: "ovn-northd", controller: "ovn-controller", nodes: "ovn-controller-nodes" };
}

/** OVSDB connection strings of the two databases, as neutron and ovn-controller use them. */
export function ovnEndpoints(cloud: ResolvedCloud): { nb: string; sb: string } {
    const n = ovnNames();
    const host = (s: string) => serviceHost(s, cloud.namespaces.controlPlane, cloud.cluster.domain);
    return { nb: `tcp:${host(n.nb)}:${OVN_NB_PORT}`, sb: `tcp:${host(n.sb)}:${OVN_SB_PORT}` };
}

function ovsdbScript(db: string, schema: string, port: number): string {
    return [
        "set -e",
        `db=/var/lib/ovn/${db}.db`,
        `schema=/usr/share/ovn/${schema}.ovsschema`,
        `[ -f "$db" ] || ovsdb-tool create "$db" "$schema"`,
        // An image upgrade may bring a newer schema; convert in place before serving.
        `if [ "$(ovsdb-tool needs-conversion "$db" "$schema")" = yes ]; then ovsdb-tool convert "$db" "$schema"; fi`,
        `exec ovsdb-server "$db" --remote=ptcp:${port}:0.0.0.0 --remote=punix:/var/run/ovn/${db}.sock ` +
        `--pidfile=/var/run/ovn/${db}.pid --unixctl=/var/run/ovn/${db}.ctl`,
    ].join("\n");
}

/**
 * One OVSDB server (NB or SB). A single member: OVN's Raft clustering needs its own bootstrap choreography, which
 * oskube does not do yet (docs/networking.md). The data survives restarts on a claim unless in dev mode.
 */
function ovsdbStatefulSet(cloud: ResolvedCloud, instance: string, name: string, db: string, schema: string, port: number): Manifest[] {
    const ns = cloud.namespaces.controlPlane;
    const { labels, selector } = workloadLabels("ovn", name.replace(/^ovn-/, ""), instance);
    const script = ovsdbScript(db, schema, port);
    const tcp = (initialDelaySeconds: number, periodSeconds: number) => ({ tcpSocket: { port }, initialDelaySeconds, periodSeconds, timeoutSeconds: 5, failureThreshold: 3 });
    return [
        service(name, ns, labels, selector, [{ name: "ovsdb", port }]),
        {
            apiVersion: "apps/v1",
            kind: "StatefulSet",
            metadata: { name, namespace: ns, labels },
            spec: {
                serviceName: name,
                replicas: 1,
                selector: { matchLabels: selector },
                template: {
                    metadata: { labels, annotations: { "oskube.io/config-hash": configHash(script) } },
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
                            ports: [{ name: "ovsdb", containerPort: port, protocol: "TCP" }],
                            readinessProbe: tcp(5, 10),
                            livenessProbe: tcp(30, 30),
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
        nb: ovsdbStatefulSet(cloud, instance, n.nb, "ovnnb_db", "ovn-nb", OVN_NB_PORT),
        sb: ovsdbStatefulSet(cloud, instance, n.sb, "ovnsb_db", "ovn-sb", OVN_SB_PORT),
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
                securityContext: privileged(),
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
