/**
 * memcached for token and API caches. A StatefulSet behind a headless Service, so every service lists each member by
 * its stable name and keeps consistent hashing (a single load-balanced address would scatter keys between members).
 */
import { imageFor } from "../images";
import { ResolvedCloud } from "../spec/resolved";
import {
    Manifest,
    antiAffinity,
    pdb,
    placeOn,
    resourceRequirements,
    restrictedContainerSecurity,
    restrictedPodSecurity,
    service,
    serviceHost,
    workloadLabels,
} from "./k8s";

export const MEMCACHED_PORT = 11211;

export function memcachedServers(cloud: ResolvedCloud): string[] {
    return Array.from({ length: cloud.infrastructure.memcached.replicas }, (_, i) =>
        `${serviceHost(`memcached-${i}.memcached`, cloud.namespaces.controlPlane, cloud.cluster.domain)}:${MEMCACHED_PORT}`);
}

export function renderMemcached(cloud: ResolvedCloud, instance: string): Manifest[] {
    const ns = cloud.namespaces.controlPlane;
    const spec = cloud.infrastructure.memcached;
    const { labels, selector } = workloadLabels("memcached", "cache", instance);
    const probe = { tcpSocket: { port: MEMCACHED_PORT }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5 };
    return [
        service("memcached", ns, labels, selector, [{ name: "memcache", port: MEMCACHED_PORT }], true),
        {
            apiVersion: "apps/v1",
            kind: "StatefulSet",
            metadata: { name: "memcached", namespace: ns, labels },
            spec: {
                serviceName: "memcached",
                replicas: spec.replicas,
                podManagementPolicy: "Parallel",
                selector: { matchLabels: selector },
                template: {
                    metadata: { labels },
                    spec: {
                        ...placeOn("openstack-control-plane"),
                        affinity: antiAffinity(selector, false),
                        securityContext: restrictedPodSecurity(11211),
                        automountServiceAccountToken: false,
                        containers: [
                            {
                                name: "memcached",
                                image: imageFor(cloud.images, cloud.release, "memcached"),
                                args: ["-m", String(spec.memoryMiB), "-c", "8192", "-p", String(MEMCACHED_PORT), "-U", "0", "-v"],
                                ports: [{ name: "memcache", containerPort: MEMCACHED_PORT }],
                                readinessProbe: probe,
                                livenessProbe: { ...probe, initialDelaySeconds: 15, periodSeconds: 30 },
                                // Cache memory plus connection overhead.
                                resources: resourceRequirements({ cpu: "50m", memory: `${spec.memoryMiB + 64}Mi` }),
                                securityContext: restrictedContainerSecurity(),
                            },
                        ],
                    },
                },
            },
        },
        pdb("memcached", ns, labels, selector, spec.replicas),
    ];
}
