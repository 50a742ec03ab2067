import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { infraEndpoints } from "../lib/render/infra";
import { workloadLabels } from "../lib/render/k8s";
import { placementNames, placementUrl, renderPlacement, renderPlacementConf } from "../lib/render/placement";
import { Opts, SpecArgs, resolved, typeToken } from "./base";
import { applyManifest, applyManifests } from "./k8s";
import { Keystone } from "./keystone";
import { MariaDb } from "./mariadb";
import { Memcached } from "./memcached";
import { provisionService } from "./serviceDeps";

export interface PlacementArgs extends SpecArgs {
    mariadb: MariaDb;
    memcached: Memcached;
    keystone: Keystone;
}

/** Placement, the resource inventory Nova schedules against: its database, Keystone entry, db-sync Job and API. */
export class Placement extends pulumi.ComponentResource {
    readonly internalUrl: pulumi.Output<string>;
    /** The API Deployment and db-sync: what Nova's scheduler and nova-compute wait for. */
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: PlacementArgs, opts?: Opts) {
        super(typeToken("Placement"), name, {}, opts);
        const cloud = resolved(args.spec);
        const infra = infraEndpoints(cloud);
        const n = placementNames();
        const url = placementUrl(cloud);
        const deps = provisionService(this, name, {
            spec: args.spec, mariadb: args.mariadb, keystone: args.keystone, databases: [n.database], keystoneUser: n.keystoneUser,
            registration: { serviceName: "placement", serviceType: "placement", internalUrl: url, publicUrl: url },
        });
        const config = new k8s.core.v1.Secret(`${name}-etc`, {
            metadata: { name: n.config, namespace: cloud.namespaces.controlPlane, labels: workloadLabels("placement", "config", name).labels },
            stringData: {
                "placement.conf": pulumi.all([deps.databases[n.database].password, deps.keystonePassword])
                    .apply(([db, ks]) => renderPlacementConf(cloud, infra, { dbPassword: db, keystonePassword: ks })),
            },
        }, { parent: this });
        const m = renderPlacement(cloud, infra, name);
        const dbSync = applyManifest(name, m.dbSync, { parent: this, dependsOn: [config, ...deps.waitFor] });
        const api = applyManifests(name, m.api, { parent: this, dependsOn: [dbSync, args.memcached] });
        this.internalUrl = pulumi.output(url);
        this.ready = [dbSync, ...api.filter((r) => r instanceof k8s.apps.v1.Deployment)];
        this.registerOutputs({ internalUrl: this.internalUrl });
    }
}
