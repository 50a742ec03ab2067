"""Registers what the neutron tests need in the tier's Keystone, idempotently: the service project, the service role,
the neutron user (its password reset to the env file's), and the network service with endpoints on the tier's port."""
import openstack

import osenv


def main() -> None:
    env = osenv.load()
    conn = openstack.connect(
        auth_url=env["OS_AUTH_URL"], username=env["OS_USERNAME"], password=env["OS_PASSWORD"],
        project_name=env["OS_PROJECT_NAME"], user_domain_name="Default", project_domain_name="Default",
        region_name=env["OS_REGION_NAME"], interface="public",
    )
    ident = conn.identity
    project = ident.find_project("service", domain_id="default") or ident.create_project(name="service", domain_id="default")
    roles = {}
    for name in ("admin", "service", "member", "reader"):
        roles[name] = ident.find_role(name) or ident.create_role(name=name)
    user = ident.find_user("neutron", domain_id="default")
    if user is None:
        user = ident.create_user(name="neutron", domain_id="default", password=env["OSKUBE_OS_SERVICE_PASSWORD"])
    else:
        ident.update_user(user, password=env["OSKUBE_OS_SERVICE_PASSWORD"])
    for name in ("admin", "service"):
        ident.assign_project_role_to_user(project, user, roles[name])
    service = ident.find_service("neutron") or ident.create_service(name="neutron", type="network")
    url = f"http://{env['OSKUBE_OS_HOST']}:{env['OSKUBE_OS_NEUTRON_PORT']}"
    existing = {e.interface: e for e in ident.endpoints(service_id=service.id)}
    for iface in ("public", "internal", "admin"):
        if iface in existing:
            if existing[iface].url != url:
                ident.update_endpoint(existing[iface], url=url)
        else:
            ident.create_endpoint(service_id=service.id, interface=iface, url=url, region_id=env["OS_REGION_NAME"])
    print("keystone: service project, neutron user and network endpoints registered")


if __name__ == "__main__":
    main()
