/** RabbitMQ: a clustered StatefulSet with Kubernetes peer discovery, quorum queues, and a vhost and user per service. */
import { configHash } from "../hash";
import { imageFor } from "../images";
import { ANNOTATIONS } from "../labels";
import { ResolvedCloud } from "../spec/resolved";
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

export const AMQP_PORT = 5672;
const RABBITMQ_UID = 999;

export function rabbitmqNames() {
    return {
        statefulSet: "rabbitmq",
        service: "rabbitmq",
        nodes: "rabbitmq-nodes",
        config: "rabbitmq-config",
        /** Holds `admin-username`, `admin-password`, `erlang-cookie` and the admin conf.d file. */
        adminSecret: "rabbitmq-admin",
        serviceAccount: "rabbitmq",
    };
}

/** Stable DNS names of the members, for `transport_url` (oslo.messaging fails over between them). */
export function rabbitmqHosts(cloud: ResolvedCloud): string[] {
    const n = rabbitmqNames();
    return Array.from({ length: cloud.infrastructure.rabbitmq.replicas }, (_, i) =>
        serviceHost(`${n.statefulSet}-${i}.${n.nodes}`, cloud.namespaces.controlPlane, cloud.cluster.domain));
}

export function renderRabbitConf(cloud: ResolvedCloud): string {
    const n = rabbitmqNames();
    const ns = cloud.namespaces.controlPlane;
    return [
        "cluster_formation.peer_discovery_backend = k8s",
        `cluster_formation.k8s.host = kubernetes.default.svc.${cloud.cluster.domain}`,
        "cluster_formation.k8s.address_type = hostname",
        `cluster_formation.k8s.service_name = ${n.nodes}`,
        `cluster_formation.k8s.hostname_suffix = .${n.nodes}.${ns}.svc.${cloud.cluster.domain}`,
        `cluster_formation.target_cluster_size_hint = ${cloud.infrastructure.rabbitmq.replicas}`,
        "cluster_partition_handling = pause_minority",
        "default_queue_type = quorum",
        "listeners.tcp.default = 5672",
        "management.tcp.port = 15672",
        "vm_memory_high_watermark.relative = 0.6",
        "disk_free_limit.absolute = 500MB",
        "loopback_users = none",
        "log.console = true",
        "log.console.level = info",
        "",
    ].join("\n");
}

/** The admin conf.d fragment. Rendered only inside a Pulumi apply into a Secret. With it, no `guest` user is created. */
export function renderRabbitAdminConf(user: string, password: string): string {
    return `default_user = ${user}\ndefault_pass = ${password}\ndefault_vhost = /\n`;
}

export function renderRabbitMq(cloud: ResolvedCloud, instance: string): Manifest[] {
    const n = rabbitmqNames();
    const ns = cloud.namespaces.controlPlane;
    const spec = cloud.infrastructure.rabbitmq;
    const { labels, selector } = workloadLabels("rabbitmq", "messaging", instance);
    const conf = renderRabbitConf(cloud);
    const plugins = "[rabbitmq_management,rabbitmq_peer_discovery_k8s,rabbitmq_prometheus].\n";
    const claims = dataClaims(spec.persistence, labels);
    const diag = (check: string[], initialDelaySeconds: number, periodSeconds: number, timeoutSeconds: number) => ({
        exec: { command: ["rabbitmq-diagnostics", "-q", ...check] },
        initialDelaySeconds,
        periodSeconds,
        timeoutSeconds,
        failureThreshold: 6,
    });
    const rbacLabels = labels;
    return [
        { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: n.serviceAccount, namespace: ns, labels } },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "Role",
            metadata: { name: "rabbitmq-peer-discovery", namespace: ns, labels: rbacLabels },
            rules: [
                { apiGroups: [""], resources: ["endpoints"], verbs: ["get"] },
                { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list"] },
                { apiGroups: [""], resources: ["events"], verbs: ["create"] },
            ],
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: { name: "rabbitmq-peer-discovery", namespace: ns, labels: rbacLabels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "rabbitmq-peer-discovery" },
            subjects: [{ kind: "ServiceAccount", name: n.serviceAccount, namespace: ns }],
        },
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: n.config, namespace: ns, labels }, data: { "10-oskube.conf": conf, enabled_plugins: plugins } },
        service(n.service, ns, labels, selector, [{ name: "amqp", port: AMQP_PORT }, { name: "management", port: 15672 }]),
        service(n.nodes, ns, labels, selector, [{ name: "amqp", port: AMQP_PORT }, { name: "epmd", port: 4369 }, { name: "dist", port: 25672 }], true),
        {
            apiVersion: "apps/v1",
            kind: "StatefulSet",
            metadata: { name: n.statefulSet, namespace: ns, labels },
            spec: {
                serviceName: n.nodes,
                replicas: spec.replicas,
                podManagementPolicy: "Parallel",
                selector: { matchLabels: selector },
                template: {
                    metadata: { labels, annotations: { [ANNOTATIONS.configHash]: configHash(conf, plugins) } },
                    spec: {
                        ...placeOn("openstack-control-plane"),
                        serviceAccountName: n.serviceAccount,
                        affinity: antiAffinity(selector, true),
                        securityContext: restrictedPodSecurity(RABBITMQ_UID),
                        terminationGracePeriodSeconds: 600,
                        initContainers: [
                            {
                                name: "erlang-cookie",
                                image: imageFor(cloud.images, cloud.release, "rabbitmq"),
                                command: ["/bin/sh", "-ec", "cp /cookie/erlang-cookie /var/lib/rabbitmq/.erlang.cookie && chmod 400 /var/lib/rabbitmq/.erlang.cookie"],
                                resources: resourceRequirements({ cpu: "10m", memory: "32Mi" }),
                                securityContext: restrictedContainerSecurity(),
                                volumeMounts: [
                                    { name: "data", mountPath: "/var/lib/rabbitmq" },
                                    { name: "admin", mountPath: "/cookie", readOnly: true },
                                ],
                            },
                        ],
                        containers: [
                            {
                                name: "rabbitmq",
                                image: imageFor(cloud.images, cloud.release, "rabbitmq"),
                                env: [
                                    { name: "RABBITMQ_USE_LONGNAME", value: "true" },
                                    { name: "RABBITMQ_NODENAME", value: `rabbit@$(HOSTNAME).${n.nodes}.${ns}.svc.${cloud.cluster.domain}` },
                                    { name: "HOSTNAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                                    { name: "RABBITMQ_ENABLED_PLUGINS_FILE", value: "/etc/rabbitmq/enabled_plugins" },
                                ],
                                ports: [
                                    { name: "amqp", containerPort: AMQP_PORT },
                                    { name: "management", containerPort: 15672 },
                                    { name: "epmd", containerPort: 4369 },
                                    { name: "dist", containerPort: 25672 },
                                ],
                                readinessProbe: diag(["check_port_connectivity"], 10, 30, 30),
                                livenessProbe: diag(["status"], 60, 60, 30),
                                startupProbe: { ...diag(["ping"], 10, 10, 10), failureThreshold: 60 },
                                resources: resourceRequirements(spec.resources),
                                securityContext: restrictedContainerSecurity(),
                                volumeMounts: [
                                    { name: "data", mountPath: "/var/lib/rabbitmq" },
                                    { name: "config", mountPath: "/etc/rabbitmq/conf.d/10-oskube.conf", subPath: "10-oskube.conf", readOnly: true },
                                    { name: "config", mountPath: "/etc/rabbitmq/enabled_plugins", subPath: "enabled_plugins", readOnly: true },
                                    { name: "admin", mountPath: "/etc/rabbitmq/conf.d/20-admin.conf", subPath: "20-admin.conf", readOnly: true },
                                ],
                            },
                        ],
                        volumes: [
                            ...(spec.persistence.enabled ? [] : [{ name: "data", emptyDir: {} }]),
                            { name: "config", configMap: { name: n.config } },
                            { name: "admin", secret: { secretName: n.adminSecret, defaultMode: 0o400 } },
                        ],
                    },
                },
                volumeClaimTemplates: claims,
            },
        },
        pdb(n.statefulSet, ns, labels, selector, spec.replicas),
    ];
}

/** vhost and user names go into shell commands; keep them to plain identifiers. */
export function isRabbitName(s: string): boolean {
    return /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(s);
}

/**
 * A Job that creates a quorum-queue vhost and a user with full rights on it, idempotently, and removes `guest` in case
 * an older install left it. It talks to the cluster with rabbitmqctl and the shared Erlang cookie.
 */
export function renderVhostJob(cloud: ResolvedCloud, instance: string, vhost: string, user: string, userSecret: string): Manifest {
    if (!isRabbitName(vhost) || !isRabbitName(user)) {
        throw new Error(`oskube: RabbitMQ vhost "${vhost}" and user "${user}" must be plain names ([A-Za-z][A-Za-z0-9_-]*)`);
    }
    const n = rabbitmqNames();
    const ns = cloud.namespaces.controlPlane;
    const { labels } = workloadLabels("rabbitmq", `vhost-${vhost}`, instance);
    const node = `rabbit@${rabbitmqHosts(cloud)[0]}`;
    const script = [
        "set -e",
        "export HOME=/tmp",
        "cp /cookie/erlang-cookie $HOME/.erlang.cookie && chmod 400 $HOME/.erlang.cookie",
        `ctl() { rabbitmqctl --longnames -n ${node} "$@"; }`,
        `ctl await_startup`,
        `ctl add_vhost ${vhost} --default-queue-type quorum 2>/dev/null || true`,
        `ctl add_user ${user} "$RMQ_PASSWORD" 2>/dev/null || ctl change_password ${user} "$RMQ_PASSWORD"`,
        `ctl set_permissions -p ${vhost} ${user} ".*" ".*" ".*"`,
        "ctl delete_user guest 2>/dev/null || true",
    ].join("\n");
    return {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: `rabbitmq-vhost-${vhost}`, namespace: ns, labels },
        spec: {
            backoffLimit: 10,
            template: {
                metadata: { labels },
                spec: {
                    restartPolicy: "OnFailure",
                    ...placeOn("openstack-control-plane"),
                    securityContext: restrictedPodSecurity(RABBITMQ_UID),
                    automountServiceAccountToken: false,
                    containers: [
                        {
                            name: "vhost-init",
                            image: imageFor(cloud.images, cloud.release, "rabbitmq"),
                            command: ["/bin/bash", "-c", script],
                            env: [{ name: "RMQ_PASSWORD", valueFrom: { secretKeyRef: { name: userSecret, key: "password" } } }],
                            resources: resourceRequirements({ cpu: "50m", memory: "128Mi" }),
                            securityContext: restrictedContainerSecurity(),
                            volumeMounts: [{ name: "admin", mountPath: "/cookie", readOnly: true }],
                        },
                    ],
                    volumes: [{ name: "admin", secret: { secretName: n.adminSecret, items: [{ key: "erlang-cookie", path: "erlang-cookie" }], defaultMode: 0o400 } }],
                },
            },
        },
    };
}
