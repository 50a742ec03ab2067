/**
 * Neutron server: neutron.conf and ml2_conf.ini (the contract every agent follows), the API, the RPC server, the
 * periodic workers and the db-sync Job. Pure functions.
 *
 * Since 2025.1 the API runs under uWSGI and no longer starts RPC workers, so the agents' RPC endpoint
 * (`neutron-rpc-server`) and the periodic tasks (`neutron-periodic-workers`) run as their own Deployments.
 */
import { configHash } from "../hash";
import { imageFor } from "../images";
import { projectNetworkTypesOption } from "../spec/networking";
import { ResolvedCloud, nodesWithRole } from "../spec/resolved";
import {
    Manifest,
    workloadLabels,
} from "./k8s";
import { keystoneEndpoints } from "./keystone";
import { PROBE_KEY, PROBE_PATH, PROBE_SCRIPT, rpcProbes } from "./neutronProbe";
import {
    ConfigFile,
    InfraEndpoints,
    KeystoneEndpoints,
    authtokenSection,
    databaseUrl,
    internalUrl,
    placeholder,
    rabbitOptions,
    renderApiDeployment,
    renderJob,
    renderWorkerDeployment,
    transportUrl,
} from "./openstack";
import { OsloConfig, mergeOslo, renderOsloIni } from "./oslo-ini";
import { ovnEndpoints } from "./ovn";

export const NEUTRON_PORT = 9696;

export function neutronNames() {
    return {
        api: "neutron-server",
        rpcServer: "neutron-rpc-server",
        periodic: "neutron-periodic-workers",
        /** neutron.conf and ml2_conf.ini of the server (with the database password): control plane only. */
        config: "neutron-etc",
        probe: "neutron-probe",
        user: "neutron",
        vhost: "neutron",
        database: "neutron",
    };
}

export const NEUTRON_CONF = "/etc/neutron/neutron.conf";
export const ML2_CONF = "/etc/neutron/plugins/ml2/ml2_conf.ini";

export const SERVER_FILES: ConfigFile[] = [
    { key: "neutron.conf", path: NEUTRON_CONF },
    { key: "ml2_conf.ini", path: ML2_CONF },
];

export interface NeutronServerSecrets {
    dbPassword: string;
    keystonePassword: string;
    rabbitPassword: string;
}

export function neutronServerPlaceholders(): NeutronServerSecrets {
    return { dbPassword: placeholder("neutron-db"), keystonePassword: placeholder("neutron-keystone"), rabbitPassword: placeholder("neutron-rabbitmq") };
}

export function neutronEndpoints(cloud: ResolvedCloud): { internalUrl: string; publicUrl: string } {
    const url = internalUrl(cloud, neutronNames().api, NEUTRON_PORT);
    return { internalUrl: url, publicUrl: url };
}

export function neutronTransportUrl(infra: InfraEndpoints, rabbitPassword: string): string {
    return transportUrl(infra.messaging, neutronNames().user, rabbitPassword, neutronNames().vhost);
}

function networkNodeCount(cloud: ResolvedCloud): number {
    return nodesWithRole(cloud, "network").length;
}

/** The `[nova]` section: port events go to Nova with the neutron user, which holds the service role Nova requires. */
function novaSection(ks: KeystoneEndpoints, password: string): Record<string, string> {
    return {
        auth_url: ks.internalUrl,
        auth_type: "password",
        project_domain_name: "Default",
        user_domain_name: "Default",
        region_name: ks.region,
        project_name: "service",
        username: neutronNames().user,
        password,
        endpoint_type: "internal",
    };
}

/** neutron.conf of the server. Render with `neutronServerPlaceholders()` for hashing, with real secrets in an apply. */
export function renderNeutronConf(cloud: ResolvedCloud, infra: InfraEndpoints, s: NeutronServerSecrets): string {
    const n = cloud.networking.neutron;
    const ks = keystoneEndpoints(cloud);
    const ovs = n.backend === "openvswitch";
    const netNodes = networkNodeCount(cloud);
    return renderOsloIni(mergeOslo({
        DEFAULT: {
            core_plugin: "ml2",
            service_plugins: n.servicePlugins,
            auth_strategy: "keystone",
            transport_url: neutronTransportUrl(infra, s.rabbitPassword),
            notify_nova_on_port_status_changes: true,
            notify_nova_on_port_data_changes: true,
            dns_domain: n.dnsDomain,
            global_physnet_mtu: n.globalPhysnetMtu,
            agent_down_time: 75,
            dhcp_agents_per_network: ovs ? Math.max(1, Math.min(2, netNodes)) : undefined,
            l3_ha: ovs ? n.l3Ha : undefined,
            max_l3_agents_per_router: ovs && n.l3Ha ? n.maxL3AgentsPerRouter : undefined,
            router_distributed: ovs ? n.distributed : undefined,
            api_workers: 2,
            rpc_workers: 2,
            rpc_state_report_workers: 1,
            use_stderr: true,
        },
        agent: { report_interval: 30 },
        database: { connection: databaseUrl(infra.database, neutronNames().database, neutronNames().user, s.dbPassword), max_retries: -1, connection_recycle_time: 600 },
        keystone_authtoken: authtokenSection(ks, infra.memcached, neutronNames().user, s.keystonePassword),
        nova: novaSection(ks, s.keystonePassword),
        oslo_concurrency: { lock_path: "/var/lib/neutron/tmp" },
        ...rabbitOptions(),
        // enforce_scope is gone from 2026.1's oslo.policy (scope checks are always on); the validator rejects it.
        oslo_policy: { enforce_new_defaults: true },
    }, n.configOverrides));
}

/** ml2_conf.ini: the core plugin's drivers, segment ranges and backend section. */
export function renderMl2Conf(cloud: ResolvedCloud): string {
    const n = cloud.networking.neutron;
    const vni = n.vniRanges.map((r) => `${r.min}:${r.max}`);
    const conf: OsloConfig = {
        ml2: {
            type_drivers: n.typeDrivers,
            mechanism_drivers: n.mechanismDrivers,
            extension_drivers: ["port_security", ...(n.servicePlugins.includes("qos") ? ["qos"] : [])],
            [projectNetworkTypesOption(cloud.release)]: n.projectNetworkTypes,
            overlay_ip_version: 4,
        },
    };
    if (n.typeDrivers.includes("flat")) {
        conf.ml2_type_flat = { flat_networks: n.physnets.map((p) => p.name) };
    }
    if (n.typeDrivers.includes("vlan")) {
        conf.ml2_type_vlan = {
            network_vlan_ranges: n.physnets.flatMap((p) => p.vlanRanges.length > 0 ? p.vlanRanges.map((r) => `${p.name}:${r.min}:${r.max}`) : [p.name]),
        };
    }
    if (n.typeDrivers.includes("vxlan")) {
        conf.ml2_type_vxlan = { vni_ranges: vni };
    }
    if (n.typeDrivers.includes("geneve")) {
        // OVN's Geneve header carries 38 bytes of metadata; Neutron subtracts it from the network MTU.
        conf.ml2_type_geneve = { vni_ranges: vni, max_header_size: 38 };
    }
    conf.securitygroup = { enable_security_group: true, enable_ipset: n.backend === "openvswitch" };
    if (n.backend === "ovn") {
        const ovn = ovnEndpoints(cloud);
        conf.ovn = {
            ovn_nb_connection: ovn.nb,
            ovn_sb_connection: ovn.sb,
            ovn_l3_scheduler: "leastloaded",
            ovn_metadata_enabled: true,
            enable_distributed_floating_ip: false,
            dns_servers: [],
        };
    }
    if (n.backend === "calico") {
        const etcd = new URL(n.calicoEtcdEndpoints[0]);
        conf.calico = { etcd_host: etcd.hostname, etcd_port: Number(etcd.port || 2379) };
    }
    return renderOsloIni(conf);
}

export function neutronServerConfigHash(cloud: ResolvedCloud, infra: InfraEndpoints): string {
    return configHash(renderNeutronConf(cloud, infra, neutronServerPlaceholders()), renderMl2Conf(cloud));
}

/** The RPC probe script from its ConfigMap, as a worker volume. */
export function probeVolumes(configMap: string): { volume: Record<string, unknown>; mount: Record<string, unknown> }[] {
    return [{
        volume: { name: "probe", configMap: { name: configMap, defaultMode: 0o555 } },
        mount: { name: "probe", mountPath: PROBE_PATH, subPath: PROBE_KEY, readOnly: true },
    }];
}

export interface NeutronServerManifests {
    /** ConfigMap with the probe script (no secrets). */
    probe: Manifest;
    dbSync: Manifest;
    api: Manifest[];
    rpcServer: Manifest[];
    periodicWorkers: Manifest[];
}

export function probeConfigMap(name: string, namespace: string, labels: Record<string, string>, script: string): Manifest {
    return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace, labels }, data: { [PROBE_KEY]: script } };
}

export function renderNeutronServer(cloud: ResolvedCloud, infra: InfraEndpoints, instance: string): NeutronServerManifests {
    const n = cloud.networking.neutron;
    const names = neutronNames();
    const image = imageFor(cloud.images, cloud.release, "neutron");
    const hash = neutronServerConfigHash(cloud, infra);
    const args = SERVER_FILES.flatMap((f) => ["--config-file", f.path]);
    const common = { cloud, service: "neutron", instance, image, configSecret: names.config, configFiles: SERVER_FILES, configHash: hash, resources: n.resources };
    return {
        probe: probeConfigMap(names.probe, cloud.namespaces.controlPlane, workloadLabels("neutron", "probe", instance).labels, PROBE_SCRIPT),
        dbSync: renderJob({
            ...common, job: "db-sync",
            command: ["neutron-db-manage", ...args, "upgrade", "heads"],
        }),
        api: renderApiDeployment({
            ...common, component: "server",
            // neutron-api is the WSGI script pbr generates; --pyargv hands it the config files as sys.argv.
            command: ["/bin/sh", "-c", `exec uwsgi --http-socket :${NEUTRON_PORT} --wsgi-file "$(command -v neutron-api)" --pyargv "${args.join(" ")}" ` +
                "--master --processes 2 --threads 1 --die-on-term --enable-threads --lazy-apps"],
            port: NEUTRON_PORT, replicas: n.replicas, resources: n.resources, probePath: "/",
        }),
        rpcServer: renderWorkerDeployment({
            ...common, component: "rpc-server", replicas: n.replicas,
            command: ["neutron-rpc-server", ...args],
            probes: rpcProbes({ process: "neutron-rpc-server", configFiles: SERVER_FILES.map((f) => f.path), topic: "q-plugin" }),
            volumes: probeVolumes(names.probe), stateDir: "/var/lib/neutron",
        }),
        periodicWorkers: renderWorkerDeployment({
            ...common, component: "periodic-workers", replicas: 1,
            command: ["neutron-periodic-workers", ...args],
            probes: rpcProbes({ process: "neutron-periodic-workers", configFiles: SERVER_FILES.map((f) => f.path), noAmqp: true }),
            volumes: probeVolumes(names.probe), stateDir: "/var/lib/neutron",
        }),
    };
}
