/**
 * Octavia, the load-balancer service that replaced neutron-lbaas (retired in Train): octavia.conf, the API, the
 * worker, the health manager, housekeeping and the db-sync Job. Pure functions.
 */
import { configHash } from "../hash";
import { imageFor } from "../images";
import { ResolvedCloud } from "../spec/resolved";
import { Manifest } from "./k8s";
import { keystoneEndpoints } from "./keystone";
import { neutronNames, probeVolumes } from "./neutron";
import { rpcProbes } from "./neutronProbe";
import {
    ConfigFile,
    InfraEndpoints,
    authtokenSection,
    databaseUrl,
    internalUrl,
    placeholder,
    rabbitOptions,
    renderApiDeployment,
    renderJob,
    transportUrl,
    renderWorkerDeployment,
} from "./openstack";
import { mergeOslo, renderOsloIni } from "./oslo-ini";

export const OCTAVIA_PORT = 9876;
export const HEALTH_MANAGER_PORT = 5555;
const OCTAVIA_CONF = "/etc/octavia/octavia.conf";
const FILES: ConfigFile[] = [{ key: "octavia.conf", path: OCTAVIA_CONF }];

export function octaviaNames() {
    return { api: "octavia-api", config: "octavia-etc", user: "octavia", vhost: "octavia", database: "octavia" };
}

export function octaviaEndpoints(cloud: ResolvedCloud): { internalUrl: string; publicUrl: string } {
    const url = internalUrl(cloud, octaviaNames().api, OCTAVIA_PORT);
    return { internalUrl: url, publicUrl: url };
}

export interface OctaviaSecrets {
    dbPassword: string;
    keystonePassword: string;
    rabbitPassword: string;
    /** Key the amphorae sign their heartbeats with. */
    heartbeatKey: string;
}

export function octaviaPlaceholders(): OctaviaSecrets {
    return {
        dbPassword: placeholder("octavia-db"),
        keystonePassword: placeholder("octavia-keystone"),
        rabbitPassword: placeholder("octavia-rabbitmq"),
        heartbeatKey: placeholder("octavia-heartbeat-key"),
    };
}

export function renderOctaviaConf(cloud: ResolvedCloud, infra: InfraEndpoints, s: OctaviaSecrets): string {
    const n = octaviaNames();
    const ks = keystoneEndpoints(cloud);
    const client = { region_name: ks.region, endpoint_type: "internalURL" };
    return renderOsloIni(mergeOslo({
        DEFAULT: { transport_url: transportUrl(infra.messaging, n.user, s.rabbitPassword, n.vhost), use_stderr: true },
        api_settings: {
            bind_host: "0.0.0.0",
            bind_port: OCTAVIA_PORT,
            auth_strategy: "keystone",
            enabled_provider_drivers: "amphora:The Octavia Amphora driver.",
            default_provider_driver: "amphora",
        },
        database: { connection: databaseUrl(infra.database, n.database, n.user, s.dbPassword), max_retries: -1 },
        keystone_authtoken: authtokenSection(ks, infra.memcached, n.user, s.keystonePassword),
        service_auth: {
            auth_url: ks.internalUrl,
            auth_type: "password",
            project_domain_name: "Default",
            user_domain_name: "Default",
            project_name: "service",
            username: n.user,
            password: s.keystonePassword,
        },
        health_manager: { bind_ip: "0.0.0.0", bind_port: HEALTH_MANAGER_PORT, heartbeat_key: s.heartbeatKey },
        controller_worker: {
            loadbalancer_topology: cloud.devMode ? "SINGLE" : "ACTIVE_STANDBY",
            amp_image_tag: "amphora",
            amp_active_retries: 100,
        },
        certificates: { cert_generator: "local_cert_generator" },
        // The jobboard needs Redis or etcd and its own database; the plain task flow needs neither.
        task_flow: { jobboard_enabled: false },
        oslo_messaging: { topic: "octavia_prov" },
        oslo_concurrency: { lock_path: "/var/lib/octavia/tmp" },
        // [neutron] endpoint_type is deprecated for removal in 2026.1; valid_interfaces replaces it.
        neutron: { region_name: ks.region, valid_interfaces: "internal", endpoint_override: internalUrl(cloud, neutronNames().api, 9696) },
        nova: client,
        glance: client,
        ...rabbitOptions(),
    }, cloud.networking.octavia.configOverrides));
}

export interface OctaviaManifests {
    dbSync: Manifest;
    api: Manifest[];
    worker: Manifest[];
    healthManager: Manifest[];
    housekeeping: Manifest[];
}

export function renderOctavia(cloud: ResolvedCloud, infra: InfraEndpoints, instance: string, probeConfigMap: string): OctaviaManifests {
    const o = cloud.networking.octavia;
    const n = octaviaNames();
    const image = imageFor(cloud.images, cloud.release, "octavia");
    const hash = configHash(renderOctaviaConf(cloud, infra, octaviaPlaceholders()));
    const common = { cloud, service: "octavia", instance, image, configSecret: n.config, configFiles: FILES, configHash: hash, resources: o.resources };
    const args = ["--config-file", OCTAVIA_CONF];
    const worker = (component: string, process: string, replicas: number, topic?: string) => renderWorkerDeployment({
        ...common, component, replicas, command: [process, ...args], stateDir: "/var/lib/octavia", volumes: probeVolumes(probeConfigMap),
        probes: rpcProbes({ process, configFiles: [OCTAVIA_CONF], topic, exchange: "octavia", noAmqp: !topic }),
    });
    return {
        dbSync: renderJob({ ...common, job: "db-sync", command: ["octavia-db-manage", ...args, "upgrade", "head"] }),
        api: renderApiDeployment({
            ...common, component: "api",
            command: ["/bin/sh", "-c", `exec uwsgi --http-socket :${OCTAVIA_PORT} --wsgi-file "$(command -v octavia-wsgi)" --pyargv "${args.join(" ")}" ` +
                "--master --processes 2 --threads 1 --die-on-term --enable-threads --lazy-apps"],
            port: OCTAVIA_PORT, replicas: o.replicas, probePath: "/",
        }),
        worker: worker("worker", "octavia-worker", o.replicas, "octavia_prov"),
        healthManager: worker("health-manager", "octavia-health-manager", o.replicas),
        // Housekeeping rotates certificates and deletes expired records; one instance is enough.
        housekeeping: worker("housekeeping", "octavia-housekeeping", 1),
    };
}
