import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { infraEndpoints } from "../lib/render/infra";
import { workloadLabels } from "../lib/render/k8s";
import { probeConfigMap } from "../lib/render/neutron";
import { PROBE_SCRIPT } from "../lib/render/neutronProbe";
import { octaviaEndpoints, octaviaNames, renderOctavia, renderOctaviaConf } from "../lib/render/octavia";
import { Opts, SpecArgs, resolved, typeToken } from "./base";
import { applyManifest, applyManifests } from "./k8s";
import { Keystone } from "./keystone";
import { MariaDb } from "./mariadb";
import { Memcached } from "./memcached";
import { NeutronServer } from "./neutronServer";
import { RabbitMq } from "./rabbitmq";
import { generatedPassword } from "./secrets";
import { provisionService } from "./serviceDeps";

export interface OctaviaArgs extends SpecArgs {
    mariadb: MariaDb;
    rabbitmq: RabbitMq;
    memcached: Memcached;
    keystone: Keystone;
    /** Octavia plugs amphorae into Neutron networks; it starts after the Neutron API. */
    neutron: NeutronServer;
}

/**
 * Octavia, the load-balancer service (the successor of neutron-lbaas): its database, vhost, Keystone user and
 * `load-balancer` endpoints, db-sync, the API, the worker, the health manager and housekeeping.
 */
export class Octavia extends pulumi.ComponentResource {
    readonly internalUrl: pulumi.Output<string>;
    readonly configSecretName: pulumi.Output<string>;

    constructor(name: string, args: OctaviaArgs, opts?: Opts) {
        super(typeToken("Octavia"), name, {}, opts);
        const cloud = resolved(args.spec);
        const n = octaviaNames();
        const infra = infraEndpoints(cloud);
        const ep = octaviaEndpoints(cloud);
        const labels = workloadLabels("octavia", "config", name).labels;
        const deps = provisionService(this, name, {
            spec: args.spec, mariadb: args.mariadb, keystone: args.keystone, rabbitmq: args.rabbitmq,
            databases: [n.database], vhost: n.vhost, keystoneUser: n.user,
            registration: { serviceName: "octavia", serviceType: "load-balancer", internalUrl: ep.internalUrl, publicUrl: ep.publicUrl },
        });
        const heartbeat = generatedPassword(`${name}-heartbeat-key`, this);
        const config = new k8s.core.v1.Secret(`${name}-etc`, {
            metadata: { name: n.config, namespace: cloud.namespaces.controlPlane, labels },
            stringData: {
                "octavia.conf": pulumi.all([deps.databases[n.database].password, deps.keystonePassword, deps.vhost!.password, heartbeat.result])
                    .apply(([db, ks, mq, hb]) => renderOctaviaConf(cloud, infra, { dbPassword: db, keystonePassword: ks, rabbitPassword: mq, heartbeatKey: hb })),
            },
        }, { parent: this });
        const probeName = "octavia-probe";
        const probe = applyManifest(name, probeConfigMap(probeName, cloud.namespaces.controlPlane, labels, PROBE_SCRIPT), { parent: this });
        const m = renderOctavia(cloud, infra, name, probeName);
        const dbSync = applyManifest(name, m.dbSync, { parent: this, dependsOn: [...deps.waitFor, config] });
        const after = { parent: this, dependsOn: [dbSync, probe, args.memcached, ...args.neutron.ready] };
        applyManifests(name, m.api, after);
        applyManifests(name, [...m.worker, ...m.healthManager, ...m.housekeeping], after);
        this.internalUrl = pulumi.output(ep.internalUrl);
        this.configSecretName = config.metadata.name;
        this.registerOutputs({ internalUrl: this.internalUrl, configSecretName: this.configSecretName });
    }
}
