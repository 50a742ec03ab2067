/** One problem found in a spec: where it is, what is wrong, and how to fix it. */
export interface SpecIssue {
    /** Field path in the spec, e.g. `nodePools[1].nodes[0].name`. */
    path: string;
    message: string;
    fix: string;
}

/**
 * The single error type for spec problems. Validation collects every issue before throwing, so a user sees all of
 * them in one run instead of fixing them one `pulumi preview` at a time.
 */
export class SpecError extends Error {
    readonly issues: SpecIssue[];

    constructor(issues: SpecIssue[]) {
        super(SpecError.format(issues));
        this.name = "SpecError";
        this.issues = issues;
    }

    static format(issues: SpecIssue[]): string {
        const lines = issues.map((i, n) => `  ${n + 1}. ${i.path}: ${i.message}\n     fix: ${i.fix}`);
        return `oskube: the cloud spec has ${issues.length} problem${issues.length === 1 ? "" : "s"}:\n${lines.join("\n")}`;
    }
}

/** Collects issues while a validator walks a spec. */
export class IssueList {
    readonly items: SpecIssue[] = [];

    add(path: string, message: string, fix: string): void {
        this.items.push({ path, message, fix });
    }

    throwIfAny(): void {
        if (this.items.length > 0) {
            throw new SpecError(this.items);
        }
    }
}
