/** Small, reusable field checks shared by every area's validator. Each returns true when the value is fine. */
import * as ipaddr from "ipaddr.js";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|Pi|M|G|T|P)?$/;
/** Linux interface names: at most 15 bytes, no '/', ':' or whitespace. */
const IFNAME = /^[A-Za-z0-9_.@-]{1,15}$/;
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;
const LABEL_VALUE = /^(([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?)$/;

export function isDnsLabel(s: unknown): s is string {
    return typeof s === "string" && DNS_LABEL.test(s);
}

export function isDnsSubdomain(s: unknown): s is string {
    return typeof s === "string" && s.length <= 253 && DNS_SUBDOMAIN.test(s);
}

export function isQuantity(s: unknown): s is string {
    return typeof s === "string" && QUANTITY.test(s);
}

export function isInterfaceName(s: unknown): s is string {
    return typeof s === "string" && IFNAME.test(s) && s !== "." && s !== "..";
}

export function isIp(s: unknown): s is string {
    return typeof s === "string" && ipaddr.isValid(s) && (ipaddr.IPv4.isValidFourPartDecimal(s) || s.includes(":"));
}

export function isCidr(s: unknown): s is string {
    if (typeof s !== "string") {
        return false;
    }
    try {
        ipaddr.parseCIDR(s);
        return s.split("/")[0].includes(":") || ipaddr.IPv4.isValidFourPartDecimal(s.split("/")[0]);
    } catch {
        return false;
    }
}

export function isLabelKey(s: string): boolean {
    const parts = s.split("/");
    if (parts.length > 2) {
        return false;
    }
    const name = parts[parts.length - 1];
    return LABEL_NAME.test(name) && (parts.length === 1 || isDnsSubdomain(parts[0]));
}

export function isLabelValue(s: unknown): boolean {
    return typeof s === "string" && LABEL_VALUE.test(s);
}

export function isPositiveInt(n: unknown): n is number {
    return typeof n === "number" && Number.isInteger(n) && n >= 1;
}

export function isHttpUrl(s: unknown): s is string {
    if (typeof s !== "string") {
        return false;
    }
    try {
        const u = new URL(s);
        return (u.protocol === "http:" || u.protocol === "https:") && u.hostname.length > 0;
    } catch {
        return false;
    }
}

/** "a", "b" or "c" — for messages that list allowed values. */
export function oneOf(values: readonly string[]): string {
    return values.map((v) => `"${v}"`).join(", ");
}

/** A spec value in a message, safely: a YAML typo can be any type, and a message must never throw. */
export function shown(v: unknown): string {
    if (typeof v === "string") {
        return `"${v}"`;
    }
    try {
        return JSON.stringify(v) ?? typeof v;
    } catch {
        return typeof v;
    }
}
