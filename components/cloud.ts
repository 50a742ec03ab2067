import * as pulumi from "@pulumi/pulumi";
import { AdminCredentials, Keystone } from "./keystone";
import { Opts, SpecArgs, resolved, typeToken } from "./base";
import { addCompute } from "./cloudCompute";
import { addNetworking } from "./cloudNetworking";
import { MariaDb } from "./mariadb";
import { Memcached } from "./memcached";
import { Namespaces } from "./namespaces";
import { NodePool } from "./nodePool";
import { RabbitMq } from "./rabbitmq";

export type CloudArgs = SpecArgs;

/**
 * A whole OpenStack cloud from one spec. The spec is validated whole before anything is registered; then node pools,
 * namespaces, the shared infrastructure, Keystone, networking and compute are created and wired together.
 */
export class Cloud extends pulumi.ComponentResource {
    readonly controlPlaneNamespace: pulumi.Output<string>;
    readonly dataPlaneNamespace: pulumi.Output<string>;
    readonly keystoneUrl: pulumi.Output<string>;
    readonly keystonePublicUrl: pulumi.Output<string>;
    readonly adminCredentials: pulumi.Output<AdminCredentials>;
    readonly databaseHost: pulumi.Output<string>;
    readonly messagingHosts: pulumi.Output<string[]>;
    /** Outputs of the networking and compute parts (endpoints, network IDs, storage classes). */
    readonly services: pulumi.Output<Record<string, unknown>>;

    constructor(name: string, args: CloudArgs, opts?: Opts) {
        super(typeToken("Cloud"), name, {}, opts);
        const cloud = resolved(args.spec);
        const spec = args.spec;
        const namespaces = new Namespaces(`${name}-namespaces`, { spec }, { parent: this });
        const nodePools = cloud.nodePools.map((p) => new NodePool(`${name}-pool-${p.name}`, { spec, pool: p.name }, { parent: this }));
        const infraOpts = { parent: this, dependsOn: [namespaces, ...nodePools] };
        const mariadb = new MariaDb(`${name}-mariadb`, { spec }, infraOpts);
        const rabbitmq = new RabbitMq(`${name}-rabbitmq`, { spec }, infraOpts);
        const memcached = new Memcached(`${name}-memcached`, { spec }, infraOpts);
        const keystone = new Keystone(`${name}-keystone`, { spec, mariadb, memcached }, infraOpts);
        const ctx = { name, parent: this, spec, cloud, namespaces, nodePools, mariadb, rabbitmq, memcached, keystone };
        const net = addNetworking(ctx);
        const compute = addCompute(ctx, net);

        this.controlPlaneNamespace = namespaces.controlPlane;
        this.dataPlaneNamespace = namespaces.dataPlane;
        this.keystoneUrl = keystone.internalUrl;
        this.keystonePublicUrl = keystone.publicUrl;
        this.adminCredentials = keystone.adminCredentials;
        this.databaseHost = mariadb.host;
        this.messagingHosts = rabbitmq.hosts;
        this.services = pulumi.all({ ...net.outputs, ...compute.outputs }).apply((o) => o as Record<string, unknown>);
        this.registerOutputs({
            controlPlaneNamespace: this.controlPlaneNamespace,
            dataPlaneNamespace: this.dataPlaneNamespace,
            keystoneUrl: this.keystoneUrl,
            keystonePublicUrl: this.keystonePublicUrl,
            adminCredentials: this.adminCredentials,
            databaseHost: this.databaseHost,
            messagingHosts: this.messagingHosts,
            services: this.services,
        });
    }
}

