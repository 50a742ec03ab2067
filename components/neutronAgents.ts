import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { infraEndpoints } from "../lib/render/infra";
import { Manifest, workloadLabels } from "../lib/render/k8s";
import { agentNames, renderAgentFiles, renderNeutronAgents } from "../lib/render/neutronAgents";
import { Opts, SpecArgs, resolved, typeToken } from "./base";
import { applyManifest } from "./k8s";
import { NeutronServer } from "./neutronServer";
import { OpenVSwitch } from "./openVSwitch";
import { generatedPassword } from "./secrets";

export interface NeutronAgentsArgs extends SpecArgs {
    server: NeutronServer;
    /** The OVS the agents plug into (openvswitch and ovn backends). */
    openVSwitch?: OpenVSwitch;
    /** Nova's metadata API host. Default: the `nova-metadata` Service of the control plane. */
    novaMetadataHost?: string;
    /** Default: 8775. */
    novaMetadataPort?: number;
}

/**
 * The backend's agents as DaemonSets on their node roles, each with its config file and RPC-reachability probes, and
 * the metadata proxy shared secret, generated once and handed to Nova.
 */
export class NeutronAgents extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly daemonSets: pulumi.Output<string[]>;
    /** The metadata proxy shared secret (a Pulumi secret); Nova's `[neutron] metadata_proxy_shared_secret`. */
    readonly metadataProxySecret: pulumi.Output<string>;
    /** Secret in the control-plane namespace whose `secret` key holds it. */
    readonly metadataSecretName: pulumi.Output<string>;

    constructor(name: string, args: NeutronAgentsArgs, opts?: Opts) {
        super(typeToken("NeutronAgents"), name, {}, opts);
        const cloud = resolved(args.spec);
        const names = agentNames();
        const infra = infraEndpoints(cloud);
        const labels = workloadLabels("neutron", "agents", name).labels;
        const options = { novaMetadataHost: args.novaMetadataHost, novaMetadataPort: args.novaMetadataPort };

        const metadata = generatedPassword(`${name}-metadata-secret`, this);
        const forNova = new k8s.core.v1.Secret(`${name}-metadata-proxy`, {
            metadata: { name: names.metadataSecret, namespace: cloud.namespaces.controlPlane, labels },
            stringData: { secret: metadata.result },
        }, { parent: this });
        const files = pulumi.all([args.server.rabbitmqPassword, metadata.result]).apply(([mq, md]) =>
            renderAgentFiles(cloud, infra, options, { rabbitPassword: mq, metadataSecret: md }));
        const keys = Object.keys(renderAgentFiles(cloud, infra, options, { rabbitPassword: "", metadataSecret: "" }));
        const config = new k8s.core.v1.Secret(`${name}-etc`, {
            metadata: { name: names.config, namespace: cloud.namespaces.dataPlane, labels },
            stringData: Object.fromEntries(keys.map((k) => [k, files.apply((f) => f[k])])),
        }, { parent: this });

        const m = renderNeutronAgents(cloud, infra, name, options);
        const nodes = applyManifest(name, m.nodes, { parent: this });
        const probe = applyManifest(name, m.probe, { parent: this });
        const waitFor = [config, nodes, probe, ...args.server.ready, ...(args.openVSwitch?.ready ?? [])];
        m.daemonSets.forEach((ds: Manifest) => applyManifest(name, ds, { parent: this, dependsOn: waitFor }));

        this.namespace = pulumi.output(cloud.namespaces.dataPlane);
        this.daemonSets = pulumi.output(m.daemonSets.map((d) => d.metadata.name));
        this.metadataProxySecret = pulumi.secret(metadata.result);
        this.metadataSecretName = forNova.metadata.name;
        this.registerOutputs({
            namespace: this.namespace,
            daemonSets: this.daemonSets,
            metadataProxySecret: this.metadataProxySecret,
            metadataSecretName: this.metadataSecretName,
        });
    }
}
