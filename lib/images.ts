import { ImagesSpec } from "./spec/types";

/** OpenStack images built per release (LOCI naming: `<registry>/<image>:<release>-<distribution>`). */
export const OPENSTACK_IMAGES = [
    "keystone",
    "glance",
    "placement",
    "nova",
    "neutron",
    "octavia",
    "cinder",
    "horizon",
    "heat",
    "libvirt",
] as const;

/**
 * Images that are not per release, with their defaults. The OpenStack client tooling image (`heat`) is used by the
 * bootstrap jobs; the infrastructure images are the upstream official ones.
 */
export const FIXED_IMAGES: Record<string, string> = {
    mariadb: "docker.io/library/mariadb:11.4",
    rabbitmq: "docker.io/library/rabbitmq:4.1-management",
    memcached: "docker.io/library/memcached:1.6-alpine",
    openvswitch: "quay.io/airshipit/openvswitch:latest-ubuntu_noble",
    ovn: "quay.io/airshipit/ovn:latest-ubuntu_noble",
    calico: "quay.io/calico/node:v3.30.3",
    kubectl: "docker.io/bitnami/kubectl:1.33",
};

export const KNOWN_IMAGE_KEYS: readonly string[] = [...OPENSTACK_IMAGES, ...Object.keys(FIXED_IMAGES)];

/**
 * A container image reference: `[registry[:port]/]path[:tag][@sha256:digest]`. Lowercase path components, as the
 * distribution spec requires. Kept strict so that a typo fails at preview time, not as ImagePullBackOff.
 */
const IMAGE_REF =
    /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export function isValidImageReference(ref: string): boolean {
    return IMAGE_REF.test(ref) && (ref.includes(":") || ref.includes("@"));
}

export interface ResolvedImages {
    registry: string;
    distribution: string;
    overrides: Record<string, string>;
}

export function resolveImages(spec: ImagesSpec | undefined): ResolvedImages {
    return {
        // Validation reports a registry or distribution that is not a string; resolution must not crash before it can.
        registry: (typeof spec?.registry === "string" ? spec.registry : "quay.io/airshipit").replace(/\/+$/, ""),
        distribution: typeof spec?.distribution === "string" ? spec.distribution : "ubuntu_noble",
        overrides: { ...(spec?.overrides ?? {}) },
    };
}

/** The image reference for a key, after overrides. */
export function imageFor(images: ResolvedImages, release: string, key: string): string {
    const override = images.overrides[key];
    if (override) {
        return override;
    }
    if (key in FIXED_IMAGES) {
        return FIXED_IMAGES[key];
    }
    if ((OPENSTACK_IMAGES as readonly string[]).includes(key)) {
        return `${images.registry}/${key}:${release}-${images.distribution}`;
    }
    throw new Error(`oskube: no image is known for "${key}"`);
}
