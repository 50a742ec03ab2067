/** Placement: placement.conf, the API and its db-sync Job. Pure. */
import { configHash } from "../hash";
import { imageFor } from "../images";
import { ResolvedCloud } from "../spec/resolved";
import { Manifest } from "./k8s";
import { keystoneEndpoints } from "./keystone";
import { InfraEndpoints, authtokenSection, databaseUrl, internalUrl, placeholder, renderApiDeployment, renderJob } from "./openstack";
import { mergeOslo, renderOsloIni } from "./oslo-ini";
import { uwsgiCommand } from "./nova";

export const PLACEMENT_PORT = 8778;

export function placementNames() {
    return { api: "placement-api", config: "placement-etc", database: "placement", keystoneUser: "placement" };
}

export function placementUrl(cloud: ResolvedCloud): string {
    return internalUrl(cloud, placementNames().api, PLACEMENT_PORT);
}

export interface PlacementSecrets {
    dbPassword: string;
    keystonePassword: string;
}

export function renderPlacementConf(cloud: ResolvedCloud, infra: InfraEndpoints, s: PlacementSecrets): string {
    const n = placementNames();
    return renderOsloIni(mergeOslo({
        DEFAULT: { use_stderr: true, debug: false },
        api: { auth_strategy: "keystone" },
        placement_database: { connection: databaseUrl(infra.database, n.database, n.database, s.dbPassword), max_retries: -1 },
        keystone_authtoken: authtokenSection(keystoneEndpoints(cloud), infra.memcached, n.keystoneUser, s.keystonePassword),
        oslo_policy: { enforce_new_defaults: true },
        oslo_middleware: { enable_proxy_headers_parsing: true },
    }, cloud.compute.placement.configOverrides));
}

export function placementConfigHash(cloud: ResolvedCloud, infra: InfraEndpoints): string {
    return configHash(renderPlacementConf(cloud, infra, { dbPassword: placeholder("placement-db"), keystonePassword: placeholder("placement-keystone") }));
}

export interface PlacementManifests {
    dbSync: Manifest;
    api: Manifest[];
}

export function renderPlacement(cloud: ResolvedCloud, infra: InfraEndpoints, instance: string): PlacementManifests {
    const n = placementNames();
    const image = imageFor(cloud.images, cloud.release, "placement");
    const hash = placementConfigHash(cloud, infra);
    const files = [{ key: "placement.conf", path: "/etc/placement/placement.conf" }];
    const svc = cloud.compute.placement;
    return {
        dbSync: renderJob({
            cloud, service: "placement", job: "db-sync", instance, image, configHash: hash,
            command: ["placement-manage", "--config-file", "/etc/placement/placement.conf", "db", "sync"],
            configSecret: n.config, configFiles: files,
        }),
        api: renderApiDeployment({
            cloud, service: "placement", component: "api", instance, image,
            command: uwsgiCommand(PLACEMENT_PORT, "placement.wsgi.api:application"),
            port: PLACEMENT_PORT, replicas: svc.replicas, resources: svc.resources,
            configSecret: n.config, configFiles: files, configHash: hash, probePath: "/",
        }),
    };
}
