import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MANAGED_BY, PART_OF } from "../lib/labels";
import { Opts, SpecArgs, resolved, typeToken } from "./base";

export type NamespacesArgs = SpecArgs;

/**
 * The control-plane namespace (Pod Security `baseline` or `restricted`) and the privileged data-plane namespace.
 * Keeping them apart means a control-plane pod can never be privileged, whatever its spec says.
 */
export class Namespaces extends pulumi.ComponentResource {
    readonly controlPlane: pulumi.Output<string>;
    readonly dataPlane: pulumi.Output<string>;

    constructor(name: string, args: NamespacesArgs, opts?: Opts) {
        super(typeToken("Namespaces"), name, {}, opts);
        const cloud = resolved(args.spec);
        const ns = cloud.namespaces;
        const make = (suffix: string, nsName: string, level: string): pulumi.Output<string> => {
            if (!ns.create) {
                return pulumi.output(nsName);
            }
            const created = new k8s.core.v1.Namespace(`${name}-${suffix}`, {
                metadata: {
                    name: nsName,
                    labels: {
                        "app.kubernetes.io/part-of": PART_OF,
                        "app.kubernetes.io/managed-by": MANAGED_BY,
                        "pod-security.kubernetes.io/enforce": level,
                        "pod-security.kubernetes.io/audit": level === "privileged" ? "privileged" : "restricted",
                        "pod-security.kubernetes.io/warn": level === "privileged" ? "privileged" : "restricted",
                    },
                },
            }, { parent: this });
            return created.metadata.name;
        };
        this.controlPlane = make("control-plane", ns.controlPlane, ns.controlPlaneSecurity);
        this.dataPlane = make("data-plane", ns.dataPlane, "privileged");
        this.registerOutputs({ controlPlane: this.controlPlane, dataPlane: this.dataPlane });
    }
}
