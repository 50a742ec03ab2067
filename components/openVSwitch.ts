import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { renderOpenVSwitch } from "../lib/render/ovs";
import { Opts, SpecArgs, resolved, typeToken } from "./base";
import { applyManifest } from "./k8s";

export type OpenVSwitchArgs = SpecArgs;

/**
 * Open vSwitch on every `openvswitch=enabled` node: ovsdb-server and ovs-vswitchd in one privileged, host-network
 * DaemonSet in the data-plane namespace. Creates br-int, br-tun and each provider bridge on the node's own NIC.
 */
export class OpenVSwitch extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly daemonSetName: pulumi.Output<string>;
    /** Provider bridge → NIC, per node. */
    readonly bridgeInterfaces: pulumi.Output<Record<string, Record<string, string>>>;
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: OpenVSwitchArgs, opts?: Opts) {
        super(typeToken("OpenVSwitch"), name, {}, opts);
        const cloud = resolved(args.spec);
        const m = renderOpenVSwitch(cloud, name);
        const configs = [applyManifest(name, m.nodes, { parent: this }), applyManifest(name, m.scripts, { parent: this })];
        const ds = applyManifest(name, m.daemonSet, { parent: this, dependsOn: configs });
        this.namespace = pulumi.output(cloud.namespaces.dataPlane);
        this.daemonSetName = (ds as k8s.apps.v1.DaemonSet).metadata.name;
        this.bridgeInterfaces = pulumi.output(Object.fromEntries(cloud.nodes
            .filter((x) => x.roles.includes("network") || x.roles.includes("compute"))
            .map((x) => [x.name, x.bridgeInterfaces])));
        this.ready = [ds];
        this.registerOutputs({ namespace: this.namespace, daemonSetName: this.daemonSetName, bridgeInterfaces: this.bridgeInterfaces });
    }
}
