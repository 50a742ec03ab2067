import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { infraEndpoints } from "../lib/render/infra";
import { workloadLabels } from "../lib/render/k8s";
import { neutronEndpoints, neutronNames, renderMl2Conf, renderNeutronConf, renderNeutronServer } from "../lib/render/neutron";
import { Opts, SpecArgs, resolved, typeToken } from "./base";
import { applyManifest, applyManifests } from "./k8s";
import { Keystone } from "./keystone";
import { MariaDb } from "./mariadb";
import { Memcached } from "./memcached";
import { Ovn } from "./ovn";
import { RabbitMq } from "./rabbitmq";
import { provisionService } from "./serviceDeps";

export interface NeutronServerArgs extends SpecArgs {
    mariadb: MariaDb;
    rabbitmq: RabbitMq;
    memcached: Memcached;
    keystone: Keystone;
    /** Required with the `ovn` backend: the server connects to its databases at start. */
    ovn?: Ovn;
}

/**
 * The Neutron server with the ML2 core plugin and the spec's backend: its database, RabbitMQ vhost, Keystone user and
 * catalog entry, the db-sync Job, the API, the RPC server and the periodic workers. Its neutron.conf and
 * ml2_conf.ini are the contract the agents follow.
 */
export class NeutronServer extends pulumi.ComponentResource {
    readonly internalUrl: pulumi.Output<string>;
    readonly publicUrl: pulumi.Output<string>;
    readonly backend: pulumi.Output<string>;
    readonly configSecretName: pulumi.Output<string>;
    /** The neutron RabbitMQ user's password (a Pulumi secret): the agents' transport_url needs it. */
    readonly rabbitmqPassword: pulumi.Output<string>;
    /** The API and the RPC server: what agents and Nova wait for. */
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: NeutronServerArgs, opts?: Opts) {
        super(typeToken("NeutronServer"), name, {}, opts);
        const cloud = resolved(args.spec);
        if (cloud.networking.backend === "ovn" && !args.ovn) {
            throw new Error(`oskube: NeutronServer ${name} uses the ovn backend and needs the Ovn component (args.ovn)`);
        }
        const n = neutronNames();
        const infra = infraEndpoints(cloud);
        const ep = neutronEndpoints(cloud);
        const deps = provisionService(this, name, {
            spec: args.spec, mariadb: args.mariadb, keystone: args.keystone, rabbitmq: args.rabbitmq,
            databases: [n.database], vhost: n.vhost, keystoneUser: n.user,
            registration: { serviceName: "neutron", serviceType: "network", internalUrl: ep.internalUrl, publicUrl: ep.publicUrl },
        });
        const rabbitPassword = deps.vhost!.password;
        const config = new k8s.core.v1.Secret(`${name}-etc`, {
            metadata: { name: n.config, namespace: cloud.namespaces.controlPlane, labels: workloadLabels("neutron", "server", name).labels },
            stringData: {
                "neutron.conf": pulumi.all([deps.databases[n.database].password, deps.keystonePassword, rabbitPassword]).apply(([db, ks, mq]) =>
                    renderNeutronConf(cloud, infra, { dbPassword: db, keystonePassword: ks, rabbitPassword: mq })),
                "ml2_conf.ini": renderMl2Conf(cloud),
            },
        }, { parent: this });

        const m = renderNeutronServer(cloud, infra, name);
        const probe = applyManifest(name, m.probe, { parent: this });
        const dbSync = applyManifest(name, m.dbSync, { parent: this, dependsOn: [...deps.waitFor, config, ...(args.ovn?.ready ?? [])] });
        const api = applyManifests(name, m.api, { parent: this, dependsOn: [dbSync, args.memcached] });
        const rpc = applyManifests(name, m.rpcServer, { parent: this, dependsOn: [dbSync, probe] });
        applyManifests(name, m.periodicWorkers, { parent: this, dependsOn: [dbSync, probe] });

        this.internalUrl = pulumi.output(ep.internalUrl);
        this.publicUrl = pulumi.output(ep.publicUrl);
        this.backend = pulumi.output(cloud.networking.backend);
        this.configSecretName = config.metadata.name;
        this.rabbitmqPassword = pulumi.secret(rabbitPassword);
        this.ready = [...api, ...rpc].filter((r) => r instanceof k8s.apps.v1.Deployment);
        this.registerOutputs({
            internalUrl: this.internalUrl,
            publicUrl: this.publicUrl,
            backend: this.backend,
            configSecretName: this.configSecretName,
        });
    }
}
