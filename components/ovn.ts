import * as pulumi from "@pulumi/pulumi";
import { ovnEndpoints, renderOvn } from "../lib/render/ovn";
import { Opts, SpecArgs, resolved, typeToken } from "./base";
import { applyManifest, applyManifests } from "./k8s";
import { OpenVSwitch } from "./openVSwitch";

export interface OvnArgs extends SpecArgs {
    /** ovn-controller programs this Open vSwitch; it starts after it. */
    openVSwitch: OpenVSwitch;
}

/** OVN for the `ovn` backend: NB and SB databases and northd on the control plane, ovn-controller on OVS nodes. */
export class Ovn extends pulumi.ComponentResource {
    readonly nbConnection: pulumi.Output<string>;
    readonly sbConnection: pulumi.Output<string>;
    /** The databases: neutron-server needs them before it starts. */
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: OvnArgs, opts?: Opts) {
        super(typeToken("Ovn"), name, {}, opts);
        const cloud = resolved(args.spec);
        const m = renderOvn(cloud, name);
        const nb = applyManifests(name, m.nb, { parent: this });
        const sb = applyManifests(name, m.sb, { parent: this });
        applyManifest(name, m.northd, { parent: this, dependsOn: [...nb, ...sb] });
        const nodes = applyManifest(name, m.nodes, { parent: this });
        applyManifest(name, m.controller, { parent: this, dependsOn: [nodes, ...sb, ...args.openVSwitch.ready] });
        const ep = ovnEndpoints(cloud);
        this.nbConnection = pulumi.output(ep.nb);
        this.sbConnection = pulumi.output(ep.sb);
        this.ready = [...nb, ...sb];
        this.registerOutputs({ nbConnection: this.nbConnection, sbConnection: this.sbConnection });
    }
}
