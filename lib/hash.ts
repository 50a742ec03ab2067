import { createHash } from "crypto";

/** A short, stable digest of rendered config. Put in a pod template annotation, it rolls the pods when config changes. */
export function configHash(...parts: string[]): string {
    const h = createHash("sha256");
    for (const p of parts) {
        h.update(p);
        h.update("\0");
    }
    return h.digest("hex").slice(0, 16);
}
