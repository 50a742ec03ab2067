/** MariaDB Galera: a StatefulSet with an odd member count, and a database and user per service. */
import { imageFor } from "../images";
import { ANNOTATIONS } from "../labels";
import { ResolvedCloud } from "../spec/resolved";
import { configHash } from "../hash";
import {
    Manifest,
    antiAffinity,
    dataClaims,
    pdb,
    placeOn,
    resourceRequirements,
    restrictedContainerSecurity,
    restrictedPodSecurity,
    service,
    serviceHost,
    workloadLabels,
} from "./k8s";

export const MARIADB_PORT = 3306;
const MYSQL_UID = 999;

export interface MariaDbNames {
    statefulSet: string;
    service: string;
    discovery: string;
    config: string;
    rootSecret: string;
}

export function mariadbNames(): MariaDbNames {
    return { statefulSet: "mariadb", service: "mariadb", discovery: "mariadb-discovery", config: "mariadb-config", rootSecret: "mariadb-root" };
}

export function mariadbHost(cloud: ResolvedCloud): string {
    return serviceHost(mariadbNames().service, cloud.namespaces.controlPlane, cloud.cluster.domain);
}

export function galeraPeers(cloud: ResolvedCloud): string[] {
    const n = mariadbNames();
    return Array.from({ length: cloud.infrastructure.mariadb.replicas }, (_, i) =>
        serviceHost(`${n.statefulSet}-${i}.${n.discovery}`, cloud.namespaces.controlPlane, cloud.cluster.domain));
}

/** galera.cnf: no secrets, so it lives in a ConfigMap. SST credentials come from the root Secret at start. */
export function renderGaleraCnf(cloud: ResolvedCloud): string {
    return [
        "[mysqld]",
        "bind-address = 0.0.0.0",
        "binlog_format = ROW",
        "default_storage_engine = InnoDB",
        "innodb_autoinc_lock_mode = 2",
        "innodb_flush_log_at_trx_commit = 2",
        "max_connections = 4096",
        "skip-name-resolve = 1",
        "wsrep_on = ON",
        "wsrep_provider = /usr/lib/galera/libgalera_smm.so",
        "wsrep_cluster_name = openstack",
        `wsrep_cluster_address = gcomm://${galeraPeers(cloud).join(",")}`,
        "wsrep_sst_method = mariabackup",
        "wsrep_slave_threads = 4",
        "",
    ].join("\n");
}

/**
 * Start script: member 0 bootstraps a new cluster when it has no Galera state yet, or when Galera marked it safe to
 * bootstrap after a full stop. Every other member joins. SST auth is read from the mounted root password.
 */
export function renderGaleraStart(): string {
    return [
        "#!/bin/bash",
        "set -euo pipefail",
        'ordinal="${HOSTNAME##*-}"',
        "args=()",
        'state=/var/lib/mysql/grastate.dat',
        'if [ "$ordinal" = "0" ] && { [ ! -f "$state" ] || grep -q "safe_to_bootstrap: 1" "$state"; }; then',
        '  args+=(--wsrep-new-cluster)',
        "fi",
        'exec docker-entrypoint.sh mariadbd "${args[@]}" --wsrep-node-address="$POD_IP" --wsrep-node-name="$HOSTNAME" \\',
        '  --wsrep-sst-auth="root:$MARIADB_ROOT_PASSWORD"',
        "",
    ].join("\n");
}

export function renderMariaDb(cloud: ResolvedCloud, instance: string): Manifest[] {
    const n = mariadbNames();
    const ns = cloud.namespaces.controlPlane;
    const spec = cloud.infrastructure.mariadb;
    const { labels, selector } = workloadLabels("mariadb", "database", instance);
    const cnf = renderGaleraCnf(cloud);
    const start = renderGaleraStart();
    const dataVolume = spec.persistence.enabled
        ? []
        : [{ name: "data", emptyDir: {} }];
    const claims = dataClaims(spec.persistence, labels);
    const health = (flags: string[], initialDelaySeconds: number, periodSeconds: number) => ({
        exec: { command: ["healthcheck.sh", "--connect", ...flags] },
        initialDelaySeconds,
        periodSeconds,
        timeoutSeconds: 10,
        failureThreshold: 6,
    });
    const sts: Manifest = {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: n.statefulSet, namespace: ns, labels },
        spec: {
            serviceName: n.discovery,
            replicas: spec.replicas,
            podManagementPolicy: "OrderedReady",
            selector: { matchLabels: selector },
            template: {
                metadata: { labels, annotations: { [ANNOTATIONS.configHash]: configHash(cnf, start) } },
                spec: {
                    ...placeOn("openstack-control-plane"),
                    affinity: antiAffinity(selector, true),
                    securityContext: restrictedPodSecurity(MYSQL_UID),
                    automountServiceAccountToken: false,
                    terminationGracePeriodSeconds: 120,
                    containers: [
                        {
                            name: "mariadb",
                            image: imageFor(cloud.images, cloud.release, "mariadb"),
                            command: ["/bin/bash", "/etc/oskube/start.sh"],
                            env: [
                                { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
                                { name: "MARIADB_ROOT_PASSWORD", valueFrom: { secretKeyRef: { name: n.rootSecret, key: "password" } } },
                                { name: "MARIADB_MYSQL_LOCALHOST_USER", value: "1" },
                                { name: "MARIADB_MYSQL_LOCALHOST_GRANTS", value: "USAGE" },
                            ],
                            ports: [
                                { name: "mysql", containerPort: MARIADB_PORT },
                                { name: "galera", containerPort: 4567 },
                                { name: "ist", containerPort: 4568 },
                                { name: "sst", containerPort: 4444 },
                            ],
                            readinessProbe: health(["--galera_online"], 10, 10),
                            livenessProbe: health([], 120, 30),
                            startupProbe: { ...health([], 10, 10), failureThreshold: 90 },
                            resources: resourceRequirements(spec.resources),
                            securityContext: restrictedContainerSecurity(),
                            volumeMounts: [
                                { name: "data", mountPath: "/var/lib/mysql" },
                                { name: "config", mountPath: "/etc/mysql/conf.d/galera.cnf", subPath: "galera.cnf", readOnly: true },
                                { name: "config", mountPath: "/etc/oskube/start.sh", subPath: "start.sh", readOnly: true },
                                { name: "run", mountPath: "/run/mysqld" },
                            ],
                        },
                    ],
                    volumes: [
                        ...dataVolume,
                        { name: "config", configMap: { name: n.config, defaultMode: 0o555 } },
                        { name: "run", emptyDir: {} },
                    ],
                },
            },
            volumeClaimTemplates: claims,
        },
    };
    return [
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: n.config, namespace: ns, labels }, data: { "galera.cnf": cnf, "start.sh": start } },
        service(n.service, ns, labels, selector, [{ name: "mysql", port: MARIADB_PORT }]),
        service(n.discovery, ns, labels, selector, [
            { name: "mysql", port: MARIADB_PORT },
            { name: "galera", port: 4567 },
            { name: "ist", port: 4568 },
            { name: "sst", port: 4444 },
        ], true),
        sts,
        pdb(n.statefulSet, ns, labels, selector, spec.replicas),
    ];
}

/** Database and user names must be plain identifiers: they go into SQL. */
export function isSqlIdentifier(s: string): boolean {
    return /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(s);
}

/**
 * A Job that creates a database and its user idempotently, and resets the password to the current one (so a
 * rotated password takes effect). Credentials come from Secrets through the environment, never from the pod spec.
 * Generated passwords are alphanumeric, so they can sit inside SQL quotes as they are.
 */
export function renderDatabaseJob(cloud: ResolvedCloud, instance: string, database: string, user: string, userSecret: string): Manifest {
    if (!isSqlIdentifier(database) || !isSqlIdentifier(user)) {
        throw new Error(`oskube: database "${database}" and user "${user}" must be SQL identifiers ([A-Za-z][A-Za-z0-9_]*)`);
    }
    const n = mariadbNames();
    const ns = cloud.namespaces.controlPlane;
    const { labels } = workloadLabels("mariadb", `db-init-${database.replace(/_/g, "-")}`, instance);
    const sql = [
        `CREATE DATABASE IF NOT EXISTS \\\`${database}\\\` CHARACTER SET utf8mb4;`,
        `CREATE USER IF NOT EXISTS '${user}'@'%' IDENTIFIED BY '$DB_PASSWORD';`,
        `ALTER USER '${user}'@'%' IDENTIFIED BY '$DB_PASSWORD';`,
        `GRANT ALL PRIVILEGES ON \\\`${database}\\\`.* TO '${user}'@'%';`,
        "FLUSH PRIVILEGES;",
    ].join(" ");
    return {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: `mariadb-db-${database.replace(/_/g, "-")}`, namespace: ns, labels },
        spec: {
            backoffLimit: 10,
            template: {
                metadata: { labels },
                spec: {
                    restartPolicy: "OnFailure",
                    ...placeOn("openstack-control-plane"),
                    securityContext: restrictedPodSecurity(MYSQL_UID),
                    automountServiceAccountToken: false,
                    containers: [
                        {
                            name: "db-init",
                            image: imageFor(cloud.images, cloud.release, "mariadb"),
                            command: ["/bin/bash", "-ec", `mariadb -h "$DB_HOST" -P ${MARIADB_PORT} -uroot -p"$ROOT_PASSWORD" -e "${sql}"`],
                            env: [
                                { name: "DB_HOST", value: mariadbHost(cloud) },
                                { name: "ROOT_PASSWORD", valueFrom: { secretKeyRef: { name: n.rootSecret, key: "password" } } },
                                { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: userSecret, key: "password" } } },
                            ],
                            resources: resourceRequirements({ cpu: "50m", memory: "128Mi" }),
                            securityContext: restrictedContainerSecurity(),
                        },
                    ],
                },
            },
        },
    };
}
