import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { nodeMarking } from "../lib/render/nodes";
import { Opts, SpecArgs, resolved, typeToken } from "./base";

export interface NodePoolArgs extends SpecArgs {
    /** Name of the pool in `spec.nodePools`. */
    pool: string;
}

/**
 * Gives existing nodes their roles, as labels and `NoSchedule` taints, and their per-node NIC data as annotations,
 * through server-side apply patches. The pool owns its nodes' taint list (`pulumi.com/patchForce`); destroying the
 * pool removes exactly what it added.
 */
export class NodePool extends pulumi.ComponentResource {
    /** Names of the nodes in the pool. */
    readonly nodeNames: pulumi.Output<string[]>;
    /** Labels each node got, by node name. */
    readonly nodeLabels: pulumi.Output<Record<string, Record<string, string>>>;

    constructor(name: string, args: NodePoolArgs, opts?: Opts) {
        super(typeToken("NodePool"), name, {}, opts);
        const cloud = resolved(args.spec);
        const pool = cloud.nodePools.find((p) => p.name === args.pool);
        if (!pool) {
            throw new Error(`oskube: NodePool "${name}": spec.nodePools has no pool named "${args.pool}" (pools: ${cloud.nodePools.map((p) => p.name).join(", ")})`);
        }
        const labels: Record<string, Record<string, string>> = {};
        for (const node of pool.nodes) {
            const m = nodeMarking(cloud, pool, node);
            labels[node.name] = m.labels;
            new k8s.core.v1.NodePatch(`${name}-${node.name}`, {
                metadata: {
                    name: node.name,
                    labels: m.labels,
                    annotations: { ...m.annotations, "pulumi.com/patchForce": "true" },
                },
                // Without taints the pool leaves the node's taint list alone instead of owning it empty.
                ...(m.taints.length > 0 ? { spec: { taints: m.taints } } : {}),
            }, { parent: this });
        }
        this.nodeNames = pulumi.output(pool.nodes.map((n) => n.name));
        this.nodeLabels = pulumi.output(labels);
        this.registerOutputs({ nodeNames: this.nodeNames, nodeLabels: this.nodeLabels });
    }
}
