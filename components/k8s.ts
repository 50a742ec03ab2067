/** Turns rendered manifests into Kubernetes provider resources. The only place that maps a kind to a resource class. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Manifest } from "../lib/render/k8s";

type Ctor = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

const KINDS: Record<string, Ctor> = {
    "v1/Namespace": k8s.core.v1.Namespace,
    "v1/ConfigMap": k8s.core.v1.ConfigMap,
    "v1/Secret": k8s.core.v1.Secret,
    "v1/Service": k8s.core.v1.Service,
    "v1/ServiceAccount": k8s.core.v1.ServiceAccount,
    "v1/PersistentVolumeClaim": k8s.core.v1.PersistentVolumeClaim,
    "apps/v1/Deployment": k8s.apps.v1.Deployment,
    "apps/v1/StatefulSet": k8s.apps.v1.StatefulSet,
    "apps/v1/DaemonSet": k8s.apps.v1.DaemonSet,
    "batch/v1/Job": k8s.batch.v1.Job,
    "policy/v1/PodDisruptionBudget": k8s.policy.v1.PodDisruptionBudget,
    "rbac.authorization.k8s.io/v1/Role": k8s.rbac.v1.Role,
    "rbac.authorization.k8s.io/v1/RoleBinding": k8s.rbac.v1.RoleBinding,
    "rbac.authorization.k8s.io/v1/ClusterRole": k8s.rbac.v1.ClusterRole,
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding": k8s.rbac.v1.ClusterRoleBinding,
    "storage.k8s.io/v1/StorageClass": k8s.storage.v1.StorageClass,
};

/**
 * Creates the resource for one manifest. The Pulumi name is `<prefix>-<metadata.name>`; URNs include the type, so a
 * Service and a StatefulSet may share a name. Jobs have fixed names and immutable templates, so a changed Job is
 * deleted before its replacement is created.
 */
export function applyManifest(prefix: string, manifest: Manifest, opts: pulumi.CustomResourceOptions, qualifier?: string): pulumi.CustomResource {
    const name = `${prefix}-${manifest.metadata.name}${qualifier ? `-${qualifier}` : ""}`;
    const ctor = KINDS[`${manifest.apiVersion}/${manifest.kind}`];
    if (manifest.kind === "Job") {
        opts = { ...opts, deleteBeforeReplace: true };
    }
    // The spec is the source of truth: a field someone changed by hand (kubectl scale, edit) is taken back on the
    // next `pulumi up` instead of failing with a server-side-apply conflict.
    manifest = { ...manifest, metadata: { ...manifest.metadata, annotations: { ...(manifest.metadata.annotations ?? {}), "pulumi.com/patchForce": "true" } } };
    if (ctor) {
        const { apiVersion: _a, kind: _k, ...args } = manifest;
        return new ctor(name, args, opts);
    }
    return new k8s.apiextensions.CustomResource(name, manifest, opts);
}

/**
 * Creates a batch. Objects of one kind and name in several namespaces (a Role in both OpenStack namespaces, say)
 * get the namespace appended to their Pulumi name; every other name stays `<prefix>-<metadata.name>`.
 */
export function applyManifests(prefix: string, manifests: Manifest[], opts: pulumi.CustomResourceOptions): pulumi.CustomResource[] {
    const key = (m: Manifest) => `${m.apiVersion}/${m.kind}/${m.metadata.name}`;
    const counts = new Map<string, number>();
    for (const m of manifests) {
        counts.set(key(m), (counts.get(key(m)) ?? 0) + 1);
    }
    return manifests.map((m) => applyManifest(prefix, m, opts, (counts.get(key(m)) ?? 0) > 1 ? m.metadata.namespace : undefined));
}
