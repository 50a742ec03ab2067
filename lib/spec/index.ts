import { IssueList, SpecError, SpecIssue } from "../errors";
import { checkCompute, resolveCompute } from "./compute";
import { checkFoundation, resolveFoundation } from "./foundation";
import { checkNetworking, resolveNetworking } from "./networking";
import { ResolvedCloud } from "./resolved";
import { CloudSpec } from "./types";

export * from "./types";
export * from "./resolved";
export { SpecError, SpecIssue };

function resolveAll(spec: CloudSpec): ResolvedCloud {
    return { ...resolveFoundation(spec), networking: resolveNetworking(spec), compute: resolveCompute(spec) };
}

/** Every problem in the spec, each with its field path and a fix. Pure: registers nothing and does no I/O. */
export function validateSpec(spec: CloudSpec): SpecIssue[] {
    const issues = new IssueList();
    if (typeof spec !== "object" || spec === null) {
        issues.add("(spec)", "the cloud spec must be an object", "pass an object with at least nodePools");
        return issues.items;
    }
    const resolved = resolveAll(spec);
    checkFoundation(spec, resolved, issues);
    checkNetworking(spec, resolved, issues);
    checkCompute(spec, resolved, issues);
    return issues.items;
}

/** Validates the whole spec and fills in every default. Throws one `SpecError` listing all problems. */
export function resolveSpec(spec: CloudSpec): ResolvedCloud {
    const issues = validateSpec(spec);
    if (issues.length > 0) {
        throw new SpecError(issues);
    }
    return resolveAll(spec);
}
