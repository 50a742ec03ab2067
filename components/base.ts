import * as pulumi from "@pulumi/pulumi";
import { resolveSpec } from "../lib/spec";
import { CloudSpec, ResolvedCloud } from "../lib/spec";

/** Every oskube component takes the cloud spec; each resolves and validates it before it registers anything. */
export interface SpecArgs {
    /** The cloud spec. Components validate it whole, so a bad field fails before any resource is registered. */
    spec: CloudSpec;
}

/** Validated spec per spec object: `Cloud` and the components it creates share one resolution. */
const cache = new WeakMap<CloudSpec, ResolvedCloud>();

export function resolved(spec: CloudSpec): ResolvedCloud {
    let r = cache.get(spec);
    if (!r) {
        r = resolveSpec(spec);
        cache.set(spec, r);
    }
    return r;
}

export function typeToken(name: string): string {
    return `oskube:index:${name}`;
}

export type Opts = pulumi.ComponentResourceOptions;
