import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KUBEVIRT_NAMESPACE, kubevirtOperatorUrl, renderKubevirtCr, renderVirtualMachine } from "../lib/render/kubevirt";
import { Opts, SpecArgs, resolved, typeToken } from "./base";
import { applyManifest } from "./k8s";

export type KubevirtArgs = SpecArgs;

/**
 * KubeVirt itself, installed only when the spec asks (`compute.installKubevirt`): the operator from KubeVirt's
 * published release manifest, and a KubeVirt CR whose virt-handler tolerates the role taints of the compute nodes.
 * Without it, KubeVirt is a prerequisite: the operator and its CR must already run in the cluster.
 */
export class Kubevirt extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly version: pulumi.Output<string>;
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: KubevirtArgs, opts?: Opts) {
        super(typeToken("Kubevirt"), name, {}, opts);
        const cloud = resolved(args.spec);
        const version = cloud.compute.kubevirtVersion;
        const operator = new k8s.yaml.v2.ConfigFile(`${name}-operator`, { file: kubevirtOperatorUrl(version) }, { parent: this });
        const cr = applyManifest(name, renderKubevirtCr(name), { parent: this, dependsOn: [operator] });
        this.namespace = pulumi.output(KUBEVIRT_NAMESPACE);
        this.version = pulumi.output(version);
        this.ready = [cr];
        this.registerOutputs({ namespace: this.namespace, version: this.version });
    }
}

export interface KubevirtVmArgs extends SpecArgs {
    /** Name of the VM in `spec.compute.kubevirtVms`. */
    vm: string;
    /** The KubeVirt installation to wait for, when oskube installs it. */
    kubevirt?: Kubevirt;
}

/**
 * A VM that literally is a pod: a KubeVirt VirtualMachine in the data-plane namespace, which KubeVirt runs as a
 * virt-launcher pod on a compute node, with the spec's CPU, memory, container disk and Multus networks.
 */
export class KubevirtVm extends pulumi.ComponentResource {
    readonly vmName: pulumi.Output<string>;
    readonly namespace: pulumi.Output<string>;

    constructor(name: string, args: KubevirtVmArgs, opts?: Opts) {
        super(typeToken("KubevirtVm"), name, {}, opts);
        const cloud = resolved(args.spec);
        const vm = cloud.compute.kubevirtVms.find((v) => v.name === args.vm);
        if (!vm) {
            throw new Error(`oskube: KubevirtVm "${name}": spec.compute.kubevirtVms has no VM named "${args.vm}"`);
        }
        const m = renderVirtualMachine(cloud, vm, name);
        applyManifest(name, m, { parent: this, dependsOn: args.kubevirt?.ready ?? [] });
        this.vmName = pulumi.output(vm.name);
        this.namespace = pulumi.output(m.metadata.namespace!);
        this.registerOutputs({ vmName: this.vmName, namespace: this.namespace });
    }
}
