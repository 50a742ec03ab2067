// A stand-in pulumi-resource-openstack for the openstack test tier: terraform-provider-openstack v3 bridged with
// pulumi-terraform-bridge under @pulumi/openstack 3.x's tokens, for the resources oskube's NetworkLayout uses.
// It exists because the Go proxy serves neither pulumi-openstack nor terraform-provider-openstack below v3 (see
// scripts/openstack/build-provider.sh); the toolchain's real provider is preferred whenever it exists.
//
// Provider v3 removed openstack_networking_subnet_v2.host_routes, which 3.15.2 (terraform provider 1.54.1) still
// has and NetworkLayout sets; it is restored here with the old semantics (the subnet's host_routes attribute,
// written with a subnet update after create, read back on every read).
package main

import (
	"context"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/subnets"
	"github.com/hashicorp/terraform-plugin-sdk/v2/diag"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	shimv2 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v2"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/terraform-provider-openstack/terraform-provider-openstack/v3/openstack"
)

func tok(mod, name string) *tfbridge.ResourceInfo {
	return &tfbridge.ResourceInfo{Tok: tokens.Type("openstack:" + mod + "/" + strings.ToLower(name[:1]) + name[1:] + ":" + name)}
}

func hostRoutes(d *schema.ResourceData) []subnets.HostRoute {
	routes := []subnets.HostRoute{}
	for _, r := range d.Get("host_routes").([]any) {
		m := r.(map[string]any)
		routes = append(routes, subnets.HostRoute{DestinationCIDR: m["destination_cidr"].(string), NextHop: m["next_hop"].(string)})
	}
	return routes
}

func writeHostRoutes(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
	config := meta.(*openstack.Config)
	client, err := config.NetworkingV2Client(ctx, openstack.GetRegion(d, config))
	if err != nil {
		return diag.FromErr(err)
	}
	routes := hostRoutes(d)
	if _, err := subnets.Update(ctx, client, d.Id(), subnets.UpdateOpts{HostRoutes: &routes}).Extract(); err != nil {
		return diag.Errorf("Error setting host_routes of subnet %s: %s", d.Id(), err)
	}
	return nil
}

func readHostRoutes(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
	if d.Id() == "" {
		return nil
	}
	config := meta.(*openstack.Config)
	client, err := config.NetworkingV2Client(ctx, openstack.GetRegion(d, config))
	if err != nil {
		return diag.FromErr(err)
	}
	s, err := subnets.Get(ctx, client, d.Id()).Extract()
	if err != nil {
		return nil // the original read already handled a missing subnet
	}
	out := []map[string]any{}
	for _, r := range s.HostRoutes {
		out = append(out, map[string]any{"destination_cidr": r.DestinationCIDR, "next_hop": r.NextHop})
	}
	if err := d.Set("host_routes", out); err != nil {
		return diag.FromErr(err)
	}
	return nil
}

func restoreSubnetHostRoutes(p *schema.Provider) {
	r := p.ResourcesMap["openstack_networking_subnet_v2"]
	r.Schema["host_routes"] = &schema.Schema{
		Type:     schema.TypeList,
		Optional: true,
		Elem: &schema.Resource{Schema: map[string]*schema.Schema{
			"destination_cidr": {Type: schema.TypeString, Required: true},
			"next_hop":         {Type: schema.TypeString, Required: true},
		}},
	}
	create, read, update := r.CreateContext, r.ReadContext, r.UpdateContext
	r.ReadContext = func(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
		if diags := read(ctx, d, meta); diags.HasError() {
			return diags
		}
		return readHostRoutes(ctx, d, meta)
	}
	r.CreateContext = func(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
		if diags := create(ctx, d, meta); diags.HasError() {
			return diags
		}
		if len(hostRoutes(d)) > 0 {
			if diags := writeHostRoutes(ctx, d, meta); diags.HasError() {
				return diags
			}
		}
		return readHostRoutes(ctx, d, meta)
	}
	r.UpdateContext = func(ctx context.Context, d *schema.ResourceData, meta any) diag.Diagnostics {
		if d.HasChange("host_routes") {
			if diags := writeHostRoutes(ctx, d, meta); diags.HasError() {
				return diags
			}
		}
		return update(ctx, d, meta)
	}
}

func main() {
	tf := openstack.Provider()
	restoreSubnetHostRoutes(tf)
	info := tfbridge.ProviderInfo{
		P:       shimv2.NewProvider(tf),
		Name:    "openstack",
		Version: "3.15.2",
		Resources: map[string]*tfbridge.ResourceInfo{
			"openstack_networking_network_v2":          tok("networking", "Network"),
			"openstack_networking_subnet_v2":           tok("networking", "Subnet"),
			"openstack_networking_router_v2":           tok("networking", "Router"),
			"openstack_networking_router_interface_v2": tok("networking", "RouterInterface"),
			"openstack_networking_secgroup_v2":         tok("networking", "SecGroup"),
			"openstack_networking_secgroup_rule_v2":    tok("networking", "SecGroupRule"),
		},
	}
	tfbridge.Main("openstack", "3.15.2", info, []byte(`{"name":"openstack"}`))
}
