// Smoke test for scripts/sandbox.sh smoke: the real Pulumi engine, oskube's Node.js language
// host, pulumi-resource-kubernetes and pulumi-resource-random against the sandbox cluster.
"use strict";
const pulumi = require("@pulumi/pulumi");
const k8s = require("@pulumi/kubernetes");
const random = require("@pulumi/random");

const ns = new k8s.core.v1.Namespace("smoke", { metadata: { name: "oskube-smoke" } });
const password = new random.RandomPassword("smoke", { length: 32, special: false });
const secret = new k8s.core.v1.Secret("smoke", {
    metadata: { namespace: ns.metadata.name, name: "smoke" },
    stringData: { password: password.result },
});
const labels = { app: "smoke" };
const deployment = new k8s.apps.v1.Deployment("smoke", {
    metadata: { namespace: ns.metadata.name, name: "smoke" },
    spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
            metadata: { labels },
            spec: { containers: [{ name: "app", image: "example.invalid/app:1" }] },
        },
    },
});
const vm = new k8s.apiextensions.CustomResource("smoke", {
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachine",
    metadata: { namespace: ns.metadata.name, name: "smoke" },
    spec: {
        runStrategy: "Halted",
        template: {
            spec: {
                domain: { cpu: { cores: 1 }, resources: { requests: { memory: "64Mi" } }, devices: {} },
            },
        },
    },
});
const pool = new k8s.apiextensions.CustomResource("smoke-pool", {
    apiVersion: "ceph.rook.io/v1",
    kind: "CephBlockPool",
    metadata: { namespace: ns.metadata.name, name: "smoke" },
    spec: { failureDomain: "host", replicated: { size: 3 } },
});

exports.secretName = secret.metadata.name;
exports.readyReplicas = deployment.status.readyReplicas;
exports.vm = vm.metadata.name;
exports.pool = pool.metadata.name;
exports.passwordLength = pulumi.secret(password.result.apply((p) => p.length));
