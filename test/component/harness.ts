/**
 * Component-tier harness: Pulumi mocks that record every resource with its inputs, its parent and whether its
 * component called registerOutputs. Random providers return recognisable fake secrets so tests can look for leaks.
 */
import * as pulumi from "@pulumi/pulumi";

export interface Recorded {
    type: string;
    name: string;
    inputs: any;
    parent?: { type: string; name: string };
    /** True when some input arrived as a Pulumi secret. */
    hasSecretInputs: boolean;
    /** Names of the resources in `dependsOn`. */
    dependsOn: string[];
    custom: boolean;
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Replaces Pulumi's secret envelopes with their values, and reports whether any were found. */
export function unwrapSecrets(v: any): { value: any; secret: boolean } {
    if (Array.isArray(v)) {
        const items = v.map(unwrapSecrets);
        return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
    }
    if (v && typeof v === "object") {
        if (v[SECRET_SIG] === "1b47061264138c4ac30d75fd1eb44270") {
            return { value: unwrapSecrets(v.value).value, secret: true };
        }
        let secret = false;
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) {
            const u = unwrapSecrets(x);
            out[k] = u.value;
            secret = secret || u.secret;
        }
        return { value: out, secret };
    }
    return { value: v, secret: false };
}

export class Recorder {
    readonly resources: Recorded[] = [];
    readonly generatedSecrets: string[] = [];
    readonly registeredOutputs = new Set<string>();
    private readonly objects: pulumi.Resource[] = [];
    private readonly names = new WeakMap<pulumi.Resource, { type: string; name: string }>();
    private readonly parents = new Map<string, { type: string; name: string }>();
    private readonly deps = new Map<string, string[]>();
    private counter = 0;

    constructor() {
        const self = this;
        pulumi.runtime.setMocks({
            newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
                const state: Record<string, unknown> = { ...args.inputs };
                if (args.type === "random:index/randomPassword:RandomPassword") {
                    const secret = `GenSecret${++self.counter}x${"q".repeat(20)}`;
                    self.generatedSecrets.push(secret);
                    state.result = secret;
                }
                if (args.type === "random:index/randomBytes:RandomBytes") {
                    const b = Buffer.from(`fernet-${++self.counter}-`.padEnd(32, "k")).toString("base64");
                    self.generatedSecrets.push(b);
                    state.base64 = b;
                }
                const key = `${args.type}::${args.name}`;
                const u = unwrapSecrets(args.inputs);
                self.resources.push({ type: args.type, name: args.name, inputs: u.value, hasSecretInputs: u.secret, parent: self.parents.get(key), dependsOn: self.deps.get(key) ?? [], custom: args.custom ?? true });
                return { id: `${args.name}-id`, state };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                return args.inputs;
            },
        }, "oskube", "test", false);
        const original = pulumi.ComponentResource.prototype["registerOutputs"];
        jest.spyOn(pulumi.ComponentResource.prototype as any, "registerOutputs").mockImplementation(function (this: any, outputs: any) {
            const id = self.names.get(this);
            if (id) {
                self.registeredOutputs.add(`${id.type}::${id.name}`);
            }
            return original.call(this, outputs);
        });
    }

    /** Resource options that record every resource in the tree and its parent. */
    opts(): pulumi.ComponentResourceOptions {
        return {
            transformations: [(a: pulumi.ResourceTransformationArgs) => {
                this.objects.push(a.resource);
                this.names.set(a.resource, { type: a.type, name: a.name });
                const parent = a.opts.parent ? this.names.get(a.opts.parent) : undefined;
                if (parent) {
                    this.parents.set(`${a.type}::${a.name}`, parent);
                }
                const deps = a.opts.dependsOn;
                const list = Array.isArray(deps) ? deps : deps ? [deps] : [];
                this.deps.set(`${a.type}::${a.name}`, list.map((d) => this.names.get(d as pulumi.Resource)?.name ?? "?"));
                return undefined;
            }],
        };
    }

    /** Waits until every resource created so far is registered with the mock engine. */
    async settle(): Promise<void> {
        let seen = -1;
        while (seen !== this.objects.length) {
            seen = this.objects.length;
            await Promise.all(this.objects.map((r) => new Promise((resolve) => r.urn.apply(resolve))));
            await new Promise((r) => setImmediate(r));
        }
    }

    /** The recorded resource of a type whose Kubernetes metadata.name is `k8sName`. */
    find(type: string, k8sName: string): Recorded {
        const r = this.resources.find((x) => x.type === type && x.inputs?.metadata?.name === k8sName);
        if (!r) {
            throw new Error(`no ${type} named ${k8sName}; have: ${this.ofType(type).map((x) => x.inputs?.metadata?.name).join(", ")}`);
        }
        return r;
    }

    /** Resources registered twice with one type and name: the real engine rejects these as duplicate URNs. */
    duplicateUrns(): string[] {
        const seen = new Map<string, number>();
        for (const r of this.resources) {
            const k = `${r.type}::${r.name}`;
            seen.set(k, (seen.get(k) ?? 0) + 1);
        }
        return [...seen.entries()].filter(([, n]) => n > 1).map(([k]) => k);
    }

    ofType(type: string): Recorded[] {
        return this.resources.filter((r) => r.type === type);
    }

    components(): { type: string; name: string }[] {
        return this.objects.filter((o) => o instanceof pulumi.ComponentResource).map((o) => this.names.get(o)!);
    }
}

export function output<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => resolve(v)));
}

/** Pod spec of a workload's inputs (Deployment, StatefulSet, DaemonSet, Job). */
export function podSpec(r: Recorded): any {
    return r.inputs.spec.template.spec;
}
