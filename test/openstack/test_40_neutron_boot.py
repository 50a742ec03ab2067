"""Item 3: neutron-server on oskube's own neutron.conf and ml2_conf.ini (backend openvswitch; OVN needs its
northbound/southbound databases and calico networking-calico, neither of which runs here), with the database, queue
and Keystone endpoints pointed at the tier's services through the spec's configOverrides."""
import json

import pytest

from conftest import SPECS_DIR, keystone_session

# Neutron's API extension that each oskube service plugin enables.
PLUGIN_EXTENSIONS = {
    "router": "router",
    "metering": "metering",
    "trunk": "trunk",
    "qos": "qos",
    "segments": "segment",
    "port_forwarding": "floating-ip-port-forwarding",
}
# ovs last: the tests after this module (and the layout apply) reuse its server.
BOOT_SPECS = ["ovs-plain", "ovs-full", "ovs"]


def plugins_of(spec: str) -> list[str]:
    s = json.loads((SPECS_DIR / f"{spec}.json").read_text())
    return ["router", *s.get("services", {}).get("neutron", {}).get("servicePlugins", [])]


@pytest.fixture(scope="module")
def ks(openstack_env):
    return keystone_session(openstack_env)


@pytest.mark.parametrize("spec", BOOT_SPECS)
def test_extensions_match_the_spec(spec, neutron, ks):
    server = neutron(spec)
    aliases = {e["alias"] for e in server.get("/v2.0/extensions", ks)["extensions"]}
    for plugin in plugins_of(spec):
        assert PLUGIN_EXTENSIONS[plugin] in aliases, f"{spec}: service plugin {plugin} enabled, extension {PLUGIN_EXTENSIONS[plugin]} missing"
    for plugin, alias in PLUGIN_EXTENSIONS.items():
        if plugin not in plugins_of(spec):
            assert alias not in aliases, f"{spec}: extension {alias} is listed although the spec does not enable {plugin}"
    # ML2's extension drivers from the rendered ml2_conf.ini.
    assert "port-security" in aliases


@pytest.mark.parametrize("spec", ["ovs"])
def test_api_requires_keystone_tokens(spec, neutron):
    import requests

    server = neutron(spec)
    assert requests.get(server.url + "/v2.0/networks", timeout=10).status_code == 401


@pytest.mark.parametrize("spec", ["ovs"])
def test_ml2_settings_are_in_effect(spec, neutron, ks):
    """The rendered ml2_conf.ini governs the server: flat networks only on its physnets, VXLAN IDs from its VNI range."""
    server = neutron(spec)
    url = server.url + "/v2.0/networks"
    created = []
    try:
        r = ks.post(url, json={"network": {"name": "tier-flat", "provider:network_type": "flat", "provider:physical_network": "physnet1"}}, raise_exc=False)
        assert r.status_code == 201, r.text[:300]
        created.append(r.json()["network"]["id"])
        r = ks.post(url, json={"network": {"name": "tier-flat-unknown", "provider:network_type": "flat", "provider:physical_network": "physnet-not-in-ml2"}}, raise_exc=False)
        assert r.status_code == 400, f"a flat network on a physnet outside flat_networks was accepted: {r.status_code}"
        if r.status_code == 201:
            created.append(r.json()["network"]["id"])
        r = ks.post(url, json={"network": {"name": "tier-tenant"}}, raise_exc=False)
        assert r.status_code == 201, r.text[:300]
        net = r.json()["network"]
        created.append(net["id"])
        assert net["provider:network_type"] == "vxlan"
        assert 1 <= net["provider:segmentation_id"] <= 1000
    finally:
        for nid in created:
            ks.delete(f"{url}/{nid}", raise_exc=False)
