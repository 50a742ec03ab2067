#!/usr/bin/env python3
"""Builds the `virtualmachines.kubevirt.io` CustomResourceDefinition for the sandbox cluster.

KubeVirt's operator generates its CRDs at run time, so there is no CRD YAML to apply. This
script takes the `v1.VirtualMachine` definition from KubeVirt's published OpenAPI (Swagger 2.0)
document, resolves every $ref with the `jsonref` library, and rewrites the result into a
Kubernetes *structural* schema:

- no $ref (resolved by jsonref; a definition that recurs on its own path is cut to an object
  with x-kubernetes-preserve-unknown-fields, as is anything deeper than --max-depth),
- the root `metadata` is only `type: object`; nested ObjectMeta (templates) keep unknown fields,
- `properties` and `additionalProperties` are never set together,
- every node has a type, or x-kubernetes-preserve-unknown-fields / x-kubernetes-int-or-string,
- resource.Quantity and IntOrString become int-or-string, RawExtension keeps unknown fields,
- `default`, `description` and patch-strategy extensions are dropped; list-type and map-type
  extensions are kept where they are consistent.

Usage: kubevirt_crd.py OPENAPI_JSON OUTPUT_JSON [--max-depth N] [--keep-descriptions]
"""

import argparse
import json
import sys

import jsonref

QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity"
INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString"
RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension"
OBJECT_META = "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta"

# Keywords copied from the OpenAPI node as they are (after conversion of their sub-schemas).
SCALAR_KEYWORDS = (
    "type", "format", "enum", "pattern", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems", "uniqueItems",
    "minProperties", "maxProperties", "multipleOf",
)
VALID_FORMATS = {
    "int32", "int64", "float", "double", "byte", "date", "date-time", "password", "binary",
    "uuid", "uri", "email", "hostname", "ipv4", "ipv6", "cidr", "mac", "duration",
}


def ref_name(node):
    """The definition name a jsonref proxy stands for, or None."""
    ref = getattr(node, "__reference__", None)
    if isinstance(ref, dict) and isinstance(ref.get("$ref"), str):
        return ref["$ref"].rsplit("/", 1)[-1]
    return None


def preserve():
    return {"type": "object", "x-kubernetes-preserve-unknown-fields": True}


class Converter:
    def __init__(self, max_depth, keep_descriptions):
        self.max_depth = max_depth
        self.keep_descriptions = keep_descriptions
        self.cut = []  # paths where recursion or depth was cut

    def convert(self, node, path, stack, depth):
        name = ref_name(node)
        if name == QUANTITY or name == INT_OR_STRING:
            return {"x-kubernetes-int-or-string": True,
                    "anyOf": [{"type": "integer"}, {"type": "string"}]}
        if name == RAW_EXTENSION:
            return preserve()
        if name == OBJECT_META:
            return preserve()
        if name is not None and name in stack:
            self.cut.append(f"{path} (recursive {name})")
            return preserve()
        if depth > self.max_depth:
            self.cut.append(f"{path} (depth)")
            return preserve()
        if name is not None:
            stack = stack | {name}

        out = {}
        if self.keep_descriptions and isinstance(node.get("description"), str):
            out["description"] = node["description"]
        for key in SCALAR_KEYWORDS:
            if key not in node:
                continue
            if key == "enum" and isinstance(node[key], list):
                out[key] = list(node[key])
            elif not isinstance(node[key], (dict, list)):
                out[key] = node[key]
        if out.get("format") == "int-or-string":
            return {"x-kubernetes-int-or-string": True,
                    "anyOf": [{"type": "integer"}, {"type": "string"}]}
        if "format" in out and out["format"] not in VALID_FORMATS:
            del out["format"]

        props = node.get("properties")
        if isinstance(props, dict) and props:
            out["type"] = "object"
            out["properties"] = {
                k: self.convert(v, f"{path}.{k}", stack, depth + 1) for k, v in props.items()
            }
            req = [r for r in node.get("required", []) if r in out["properties"]]
            if req:
                out["required"] = req
        elif isinstance(node.get("additionalProperties"), dict):
            out["type"] = "object"
            ap = node["additionalProperties"]
            out["additionalProperties"] = self.convert(ap, f"{path}[*]", stack, depth + 1) if ap else preserve()
        elif node.get("additionalProperties") is True:
            out.update(preserve())

        if isinstance(node.get("items"), dict):
            out["type"] = "array"
            out["items"] = self.convert(node["items"], f"{path}[]", stack, depth + 1)
            lt = node.get("x-kubernetes-list-type")
            if lt in ("atomic", "set"):
                out["x-kubernetes-list-type"] = lt
            elif lt == "map":
                keys = list(node.get("x-kubernetes-list-map-keys") or [])
                item = out["items"]
                item_req = set(item.get("required", []))
                # A map list needs its keys to be required (or defaulted) scalar fields.
                if keys and all(k in item.get("properties", {}) and k in item_req for k in keys):
                    out["x-kubernetes-list-type"] = "map"
                    out["x-kubernetes-list-map-keys"] = keys
        mt = node.get("x-kubernetes-map-type")
        if out.get("type") == "object" and mt in ("atomic", "granular"):
            out["x-kubernetes-map-type"] = mt

        if out.get("type") == "object" and "properties" not in out and "additionalProperties" not in out:
            out["x-kubernetes-preserve-unknown-fields"] = True
        if "type" not in out and not out.get("x-kubernetes-preserve-unknown-fields"):
            # Typeless node (e.g. interface{} in Go): accept anything.
            out = {"x-kubernetes-preserve-unknown-fields": True, **{k: v for k, v in out.items() if k == "description"}}
        return out


def build(openapi_path, max_depth, keep_descriptions):
    with open(openapi_path) as f:
        doc = jsonref.load(f, lazy_load=True, proxies=True)
    vm = doc["definitions"]["v1.VirtualMachine"]
    conv = Converter(max_depth, keep_descriptions)
    schema = {"type": "object", "properties": {}, "required": ["spec"]}
    for key, sub in vm["properties"].items():
        if key == "metadata":
            schema["properties"]["metadata"] = {"type": "object"}
        else:
            schema["properties"][key] = conv.convert(sub, key, frozenset({"v1.VirtualMachine"}), 1)
    schema["required"] = [r for r in vm.get("required", []) if r in schema["properties"]]
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {
            "name": "virtualmachines.kubevirt.io",
            "labels": {"app.kubernetes.io/managed-by": "oskube-sandbox"},
            "annotations": {"oskube.dev/source": "KubeVirt v1.9.0 OpenAPI v1.VirtualMachine"},
        },
        "spec": {
            "group": "kubevirt.io",
            "scope": "Namespaced",
            "names": {
                "kind": "VirtualMachine",
                "listKind": "VirtualMachineList",
                "plural": "virtualmachines",
                "singular": "virtualmachine",
                "shortNames": ["vm", "vms"],
                "categories": ["all"],
            },
            "versions": [{
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {"openAPIV3Schema": schema},
                "subresources": {"status": {}},
                "additionalPrinterColumns": [
                    {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
                    {"name": "Status", "type": "string", "jsonPath": ".status.printableStatus"},
                    {"name": "Ready", "type": "string", "jsonPath": ".status.conditions[?(@.type=='Ready')].status"},
                ],
            }],
        },
    }
    return crd, conv.cut


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("openapi")
    ap.add_argument("output")
    ap.add_argument("--max-depth", type=int, default=24)
    ap.add_argument("--keep-descriptions", action="store_true")
    args = ap.parse_args()
    crd, cut = build(args.openapi, args.max_depth, args.keep_descriptions)
    text = json.dumps(crd, indent=1, sort_keys=True)
    if "$ref" in text:
        sys.exit("unresolved $ref left in the schema")
    with open(args.output, "w") as f:
        f.write(text + "\n")
    print(f"wrote {args.output} ({len(text)} bytes); cut {len(cut)} recursive/deep nodes")
    for c in cut[:20]:
        print(f"  cut: {c}")


if __name__ == "__main__":
    main()
