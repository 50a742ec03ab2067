import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { agentNames } from "../lib/render/neutronAgents";
import { neutronEndpoints } from "../lib/render/neutron";
import { CloudContext } from "./cloudContext";
import { NetworkLayout } from "./networkLayout";
import { NeutronAgents } from "./neutronAgents";
import { NeutronServer } from "./neutronServer";
import { Octavia } from "./octavia";
import { OpenVSwitch } from "./openVSwitch";
import { Ovn } from "./ovn";

/** What the networking part of `Cloud` hands to the compute part and to the Cloud's outputs. */
export interface CloudNetworking {
    /** Neutron's in-cluster API URL, for Nova's `[neutron]` section. */
    neutronInternalUrl?: string;
    /** Secret (in the control-plane namespace) whose `secret` key is the metadata proxy shared secret. */
    metadataSecretName?: string;
    /** The metadata proxy shared secret (a Pulumi secret), for Nova's `[neutron] metadata_proxy_shared_secret`. */
    metadataProxySecret?: pulumi.Output<string>;
    /** What compute must wait for (Neutron server ready). */
    ready: pulumi.Resource[];
    /** Outputs merged into `Cloud.services` (endpoints, network IDs). */
    outputs: Record<string, pulumi.Output<unknown>>;
    /** The ML2 backend, so compute can tell whether OVS runs on its nodes. */
    backend?: string;
}

/**
 * Adds Neutron to a `Cloud`: Open vSwitch (and OVN) for the backend, the server, the agents, Octavia when enabled, and
 * the OpenStack-side layout when `networks.enabled`, through a provider logged in as the cloud's admin.
 */
export function addNetworking(ctx: CloudContext): CloudNetworking {
    const { name, parent, spec, cloud } = ctx;
    const backend = cloud.networking.backend;
    const infra = { mariadb: ctx.mariadb, rabbitmq: ctx.rabbitmq, memcached: ctx.memcached, keystone: ctx.keystone };
    const opts = { parent, dependsOn: [ctx.namespaces, ...ctx.nodePools] };

    const openVSwitch = backend === "openvswitch" || backend === "ovn" ? new OpenVSwitch(`${name}-openvswitch`, { spec }, opts) : undefined;
    const ovn = backend === "ovn" ? new Ovn(`${name}-ovn`, { spec, openVSwitch: openVSwitch! }, opts) : undefined;
    const server = new NeutronServer(`${name}-neutron`, { spec, ...infra, ovn }, opts);
    const agents = new NeutronAgents(`${name}-neutron-agents`, { spec, server, openVSwitch }, opts);
    const outputs: Record<string, pulumi.Output<unknown>> = {
        neutron: server.internalUrl,
        networkBackend: server.backend,
        neutronAgents: agents.daemonSets,
    };
    if (cloud.networking.octavia.enabled) {
        const octavia = new Octavia(`${name}-octavia`, { spec, ...infra, neutron: server }, opts);
        outputs.octavia = octavia.internalUrl;
    }
    if (cloud.networking.layout.enabled) {
        const creds = ctx.keystone.adminCredentials;
        const provider = new openstack.Provider(`${name}-openstack`, {
            authUrl: ctx.keystone.publicUrl,
            userName: creds.username,
            password: creds.password,
            tenantName: creds.projectName,
            userDomainName: creds.userDomainName,
            projectDomainName: creds.projectDomainName,
            region: creds.region,
        }, { parent });
        const layout = new NetworkLayout(`${name}-network-layout`, { spec }, { parent, provider, dependsOn: [...server.ready, agents] });
        outputs.networkIds = layout.networkIds;
        outputs.subnetIds = layout.subnetIds;
        outputs.routerIds = layout.routerIds;
        outputs.securityGroupIds = layout.securityGroupIds;
        outputs.floatingIpPools = layout.floatingIpPools;
    }
    return {
        neutronInternalUrl: neutronEndpoints(cloud).internalUrl,
        metadataSecretName: agentNames().metadataSecret,
        metadataProxySecret: agents.metadataProxySecret,
        ready: server.ready,
        outputs,
        backend,
    };
}
