"""Items 4 and 5: oskube's NetworkLayout through the real Pulumi engine and the real pulumi-resource-openstack to the
tier's Neutron (running on oskube's own configs for specs/ovs.json): create, a no-change preview, an update that
adds a subnet, destroy, each checked through the Neutron API; then a layout that oskube accepts and Neutron rejects.

Steps run in file order and share one stack. The provider's credentials come from the OS_* environment."""
import copy
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import REPO, ROOT, SPECS_DIR, keystone_session

PROJECT = Path(__file__).resolve().parent / "layout"
ARTICLE = json.loads((PROJECT / "article.json").read_text())
TOOLS = ("pulumi", "pulumi-language-nodejs", "pulumi-resource-openstack")
timings: dict = {}


def bin_dir() -> Path:
    p = subprocess.run(["bash", str(REPO / "scripts" / "toolchain.sh"), "--print-bin-dir"], capture_output=True, text=True)
    assert p.returncode == 0, f"scripts/toolchain.sh --print-bin-dir failed: {p.stderr[-500:]}"
    return Path(p.stdout.strip())


def provider_dir() -> Path | None:
    """Where pulumi-resource-openstack is: the toolchain's bin dir, else the tier's own build
    (scripts/openstack/build-provider.sh, used while the toolchain cannot build pulumi-openstack: see
    docs/openstack-tier.md)."""
    if (bin_dir() / "pulumi-resource-openstack").exists():
        return bin_dir()
    p = subprocess.run(["bash", str(REPO / "scripts" / "openstack" / "build-provider.sh"), "--print-bin-dir"], capture_output=True, text=True)
    if p.returncode == 0 and (Path(p.stdout.strip()) / "pulumi-resource-openstack").exists():
        return Path(p.stdout.strip())
    return None


class Stack:
    def __init__(self, env: dict, name: str):
        self.name = name
        self.state = ROOT / "run" / "pulumi" / name
        shutil.rmtree(self.state, ignore_errors=True)
        self.state.mkdir(parents=True)
        self.layout_file = self.state / "layout.json"
        bins = bin_dir()
        self.env = {
            **os.environ,
            **{k: v for k, v in env.items() if k.startswith("OS_")},
            "PATH": f"{provider_dir()}:{bins}:{os.environ['PATH']}",
            "PULUMI_BACKEND_URL": f"file://{self.state}",
            "PULUMI_CONFIG_PASSPHRASE": "oskube-openstack-tier",
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_NODEJS_TRANSPILE_ONLY": "true",
            "PULUMI_HOME": str(self.state / ".pulumi-home"),
        }

    def pulumi(self, *args, check=True, timeout=900, what=None):
        start = time.time()
        p = subprocess.run([str(bin_dir() / "pulumi"), *args, "--non-interactive", "--color", "never"],
                           cwd=PROJECT, env=self.env, capture_output=True, text=True, timeout=timeout)
        if what:
            timings[what] = round(time.time() - start, 1)
        if check and p.returncode != 0:
            pytest.fail(f"pulumi {' '.join(args)} failed (exit {p.returncode}):\n" + "\n".join((p.stdout + p.stderr).strip().splitlines()[-40:]), pytrace=False)
        return p

    def set_layout(self, layout: dict):
        self.layout_file.write_text(json.dumps(layout, indent=2))

    def init(self, layout: dict):
        self.set_layout(layout)
        self.pulumi("stack", "init", self.name)
        self.pulumi("config", "set", "tier:specFile", str(SPECS_DIR / "ovs.json"))
        self.pulumi("config", "set", "tier:layoutFile", str(self.layout_file))

    def outputs(self) -> dict:
        return json.loads(self.pulumi("stack", "output", "--json").stdout)

    def remove(self):
        self.pulumi("stack", "rm", "--yes", "--force", self.name, check=False)
        (PROJECT / f"Pulumi.{self.name}.yaml").unlink(missing_ok=True)


class Neutron:
    def __init__(self, server, session):
        self.url = server.url + "/v2.0"
        self.s = session

    def get(self, kind: str, id: str) -> dict | None:
        r = self.s.get(f"{self.url}/{kind}s/{id}", raise_exc=False)
        if r.status_code == 404:
            return None
        assert r.status_code == 200, f"GET {kind} {id}: HTTP {r.status_code}"
        return r.json()[kind]

    def list(self, kind: str, **query) -> list:
        r = self.s.get(f"{self.url}/{kind}s", params=query, raise_exc=False)
        assert r.status_code == 200, f"GET {kind}s: HTTP {r.status_code}"
        return r.json()[f"{kind}s"]


@pytest.fixture(scope="module")
def neutron_api(neutron, openstack_env):
    return Neutron(neutron("ovs"), keystone_session(openstack_env))


@pytest.fixture(scope="module")
def toolchain():
    bins = bin_dir()
    missing = [t for t in TOOLS[:2] if not (bins / t).exists()]
    if provider_dir() is None:
        missing.append("pulumi-resource-openstack")
    assert not missing, (f"the layout tier needs {', '.join(missing)}: build the CLI with scripts/toolchain.sh, the "
                         "OpenStack provider with scripts/toolchain.sh or scripts/openstack/build-provider.sh")
    return bins


@pytest.fixture(scope="module")
def stack(toolchain, openstack_env, neutron_api):
    s = Stack(openstack_env, f"layout{os.getpid()}")
    s.init(ARTICLE)
    yield s
    # Whatever a failed step left: destroy through the engine, then drop the stack.
    s.pulumi("destroy", "--yes", "--skip-preview", check=False, timeout=900)
    s.remove()


def oskube_objects(api: Neutron) -> dict:
    """Everything in Neutron that carries oskube's tag."""
    return {k: sorted(o["name"] for o in api.list(k, tags="oskube")) for k in ("network", "subnet", "router", "security_group")}


def test_up_creates_the_article_layout(stack, neutron_api):
    assert oskube_objects(neutron_api) == {"network": [], "subnet": [], "router": [], "security_group": []}, \
        "Neutron already holds oskube-tagged objects: an earlier run left them"
    stack.pulumi("up", "--yes", "--skip-preview", what="up (create)")
    out = stack.outputs()
    api = neutron_api
    mgmt = api.get("network", out["networkIds"]["management"])
    assert (mgmt["provider:network_type"], mgmt["provider:physical_network"], mgmt["provider:segmentation_id"]) == ("vlan", "physnet1", 100)
    assert mgmt["router:external"] is False
    prov = api.get("network", out["networkIds"]["provider"])
    assert (prov["provider:network_type"], prov["provider:physical_network"]) == ("flat", "physnet1")
    assert prov["router:external"] is True
    for name in ("selfservice", "backend"):
        assert api.get("network", out["networkIds"][name])["provider:network_type"] == "vxlan"
    assert api.get("network", out["networkIds"]["backend"])["provider:segmentation_id"] == 777

    sub = api.get("subnet", out["subnetIds"]["management-v4"])
    assert (sub["cidr"], sub["gateway_ip"], sub["dns_nameservers"]) == ("10.10.0.0/24", "10.10.0.1", ["9.9.9.9"])
    assert sub["allocation_pools"] == [{"start": "10.10.0.10", "end": "10.10.0.200"}]
    # The NTP server beyond the subnet is pinned through the gateway (lib/spec/networking.ts resolveSubnet).
    assert {"destination": "192.0.2.123/32", "nexthop": "10.10.0.1"} in sub["host_routes"]
    assert api.get("subnet", out["subnetIds"]["provider-v4"])["enable_dhcp"] is False

    router = api.get("router", out["routerIds"]["router"])
    assert router["external_gateway_info"]["network_id"] == out["networkIds"]["provider"]
    ports = api.list("port", device_id=router["id"], device_owner="network:router_interface")
    attached = sorted(ip["subnet_id"] for p in ports for ip in p["fixed_ips"])
    assert attached == sorted([out["subnetIds"]["selfservice-v4"], out["subnetIds"]["backend-v4"]])

    sg = api.get("security_group", out["securityGroupIds"]["ssh-icmp"])
    rules = {(r["direction"], r["protocol"], r["port_range_min"], r["port_range_max"], r["remote_ip_prefix"])
             for r in sg["security_group_rules"] if r["ethertype"] == "IPv4"}
    assert ("ingress", "tcp", 22, 22, "0.0.0.0/0") in rules
    assert any(r[0] == "ingress" and r[1] == "icmp" for r in rules)
    assert out["floatingIpPools"] == ["provider"]


def test_preview_after_up_has_no_changes(stack):
    stack.pulumi("preview", "--expect-no-changes", what="preview (no change)")


def test_update_adds_a_subnet_in_place(stack, neutron_api):
    before = stack.outputs()
    layout = copy.deepcopy(ARTICLE)
    layout["tenants"][0]["subnets"].append({"name": "selfservice-v4b", "cidr": "172.16.3.0/24"})
    stack.set_layout(layout)
    p = stack.pulumi("preview", "--diff", what="preview (update)")
    assert "replace" not in p.stdout.lower().split("resources:")[-1], f"adding a subnet replaces resources:\n{p.stdout[-2000:]}"
    stack.pulumi("up", "--yes", "--skip-preview", what="up (add subnet)")
    after = stack.outputs()
    new = neutron_api.get("subnet", after["subnetIds"]["selfservice-v4b"])
    assert (new["cidr"], new["network_id"]) == ("172.16.3.0/24", after["networkIds"]["selfservice"])
    for kind in ("networkIds", "subnetIds", "routerIds", "securityGroupIds"):
        for name, id in before[kind].items():
            assert after[kind][name] == id, f"{kind}.{name} was replaced by the update"
    stack.pulumi("preview", "--expect-no-changes")


def test_destroy_removes_everything_from_neutron(stack, neutron_api):
    out = stack.outputs()
    stack.pulumi("destroy", "--yes", "--skip-preview", what="destroy")
    for kind, key in (("network", "networkIds"), ("subnet", "subnetIds"), ("router", "routerIds"), ("security_group", "securityGroupIds")):
        for name, id in out[key].items():
            assert neutron_api.get(kind, id) is None, f"{kind} {name} is still in Neutron after destroy"
    assert oskube_objects(neutron_api) == {"network": [], "subnet": [], "router": [], "security_group": []}


def test_layout_neutron_rejects_fails_clearly_and_stays_consistent(toolchain, openstack_env, neutron_api):
    """Two identical rules in one security group: oskube's validation accepts them, Neutron refuses the second
    (409 SecurityGroupRuleExists). The update must fail with Neutron's own message, and the stack must still match
    Neutron: a refresh finds no drift, the next preview plans only the refused rule, and destroy leaves nothing."""
    layout = copy.deepcopy(ARTICLE)
    rule = {"protocol": "tcp", "portRangeMin": 443, "portRangeMax": 443, "remoteIpPrefix": "0.0.0.0/0"}
    layout["securityGroups"] = [{"name": "web", "rules": [rule, dict(rule)]}]
    s = Stack(openstack_env, f"bad{os.getpid()}")
    try:
        s.init(layout)
        p = s.pulumi("up", "--yes", "--skip-preview", check=False, what="up (rejected layout)")
        text = p.stdout + p.stderr
        if "SpecError" in text or "oskube:" in text and "fix:" in text:
            pytest.fail("oskube's own validation now rejects duplicate security group rules: pick another layout that "
                        "only Neutron rejects for this test\n" + text[-1500:], pytrace=False)
        assert p.returncode != 0, "pulumi up accepted a layout that Neutron must reject"
        assert "Security group rule already exists" in text, f"Neutron's reason is not in the output:\n{text[-3000:]}"
        assert "409" in text, f"the HTTP status of Neutron's refusal is not in the output:\n{text[-3000:]}"

        s.pulumi("refresh", "--yes", "--skip-preview", "--expect-no-changes", what="refresh after the refusal")
        plan = json.loads(s.pulumi("preview", "--json").stdout)
        creates = [st["urn"].split("::")[-1] for st in plan.get("steps", []) if st["op"] == "create"]
        others = [st for st in plan.get("steps", []) if st["op"] not in ("create", "same")]
        # The engine stops at the error, so what had not started yet (the router, which waits for the subnets) is
        # still to create; nothing that exists may need an update or a replacement.
        assert sum(1 for c in creates if c.startswith("tier-sg-web-")) == 1, f"after the refusal the plan creates {creates}"
        assert not others, f"after the refusal the plan also changes {[(st['op'], st['urn']) for st in others]}"
        web = [g for g in neutron_api.list("security_group", name="web")]
        assert len(web) == 1 and sum(1 for r in web[0]["security_group_rules"] if r["port_range_min"] == 443) == 1
        # No orphan: every oskube-tagged object in Neutron is a resource of the stack's state.
        state = json.loads(s.pulumi("stack", "export").stdout)
        ids = {r.get("id") for r in state["deployment"].get("resources", [])}
        for kind in ("network", "subnet", "router", "security_group"):
            orphans = [o["name"] for o in neutron_api.list(kind, tags="oskube") if o["id"] not in ids]
            assert not orphans, f"{kind}s in Neutron that the stack does not know: {orphans}"
    finally:
        s.pulumi("destroy", "--yes", "--skip-preview", check=False, what="destroy (rejected layout)")
        s.remove()
    assert oskube_objects(neutron_api) == {"network": [], "subnet": [], "router": [], "security_group": []}, \
        "destroy after the refused update left objects in Neutron"


def test_report_timings():
    """Prints the lifecycle's step durations (seconds) for the tier's report; fails only if no step ran."""
    print(f"\n[openstack tier] layout lifecycle timings (s): {json.dumps(timings)}")
    assert timings, "no pulumi step ran"
