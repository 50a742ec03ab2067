import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { cinderNames, cinderUrl, renderCinder, renderCinderConf } from "../lib/render/cinder";
import { infraEndpoints } from "../lib/render/infra";
import { workloadLabels } from "../lib/render/k8s";
import { Opts, SpecArgs, resolved, typeToken } from "./base";
import { applyManifest, applyManifests } from "./k8s";
import { Keystone } from "./keystone";
import { MariaDb } from "./mariadb";
import { Memcached } from "./memcached";
import { RabbitMq } from "./rabbitmq";
import { provisionService } from "./serviceDeps";
import { StoragePool } from "./storagePool";

export interface CinderArgs extends SpecArgs {
    mariadb: MariaDb;
    rabbitmq: RabbitMq;
    memcached: Memcached;
    keystone: Keystone;
    /** Cinder's only backend is Ceph RBD (the `volumes` pool). */
    storage: StoragePool;
}

/** Cinder, the block storage service, on Ceph RBD: api, scheduler and volume Deployments after db-sync. */
export class Cinder extends pulumi.ComponentResource {
    readonly internalUrl: pulumi.Output<string>;
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: CinderArgs, opts?: Opts) {
        super(typeToken("Cinder"), name, {}, opts);
        const cloud = resolved(args.spec);
        const infra = infraEndpoints(cloud);
        const n = cinderNames();
        const url = cinderUrl(cloud);
        const deps = provisionService(this, name, {
            spec: args.spec, mariadb: args.mariadb, rabbitmq: args.rabbitmq, keystone: args.keystone,
            databases: [n.database], vhost: n.vhost, keystoneUser: n.keystoneUser,
            registration: { serviceName: "cinderv3", serviceType: "volumev3", internalUrl: url, publicUrl: url },
        });
        const config = new k8s.core.v1.Secret(`${name}-etc`, {
            metadata: { name: n.config, namespace: cloud.namespaces.controlPlane, labels: workloadLabels("cinder", "config", name).labels },
            stringData: {
                "cinder.conf": pulumi.all([deps.databases[n.database].password, deps.vhost!.password, deps.keystonePassword])
                    .apply(([db, mq, ks]) => renderCinderConf(cloud, infra, { dbPassword: db, mqPassword: mq, keystonePassword: ks })),
            },
        }, { parent: this });
        const m = renderCinder(cloud, infra, name);
        const dbSync = applyManifest(name, m.dbSync, { parent: this, dependsOn: [config, ...deps.waitFor] });
        const workOpts = { parent: this, dependsOn: [dbSync, args.memcached, ...args.storage.ready] };
        const api = applyManifests(name, m.api, workOpts);
        applyManifests(name, m.scheduler, workOpts);
        applyManifests(name, m.volume, workOpts);
        this.internalUrl = pulumi.output(url);
        this.ready = [dbSync, ...api.filter((r) => r instanceof k8s.apps.v1.Deployment)];
        this.registerOutputs({ internalUrl: this.internalUrl });
    }
}
