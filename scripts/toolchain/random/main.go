// Command random is oskube's own `pulumi-resource-random`: a native Pulumi resource provider
// for the resources of the npm package @pulumi/random (same type tokens and property names).
//
// Why it exists: the upstream provider (github.com/pulumi/pulumi-random/provider/v4, a
// Terraform-bridged build of hashicorp/terraform-provider-random) cannot be built here: the Go
// module proxy this project reaches does not serve that module, its local `shim` module is not
// published at all, and no plugin-framework version of terraform-provider-random is served.
//
// Behaviour follows the Terraform random provider: every input change replaces the resource,
// generated values never change otherwise, and outputs carry the inputs with their defaults.
// Randomness comes from crypto/rand (math/rand seeded by `seed` where the resource has one).
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc64"
	"math/big"
	mrand "math/rand"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"syscall"

	petname "github.com/dustinkirkland/golang-petname"
	"github.com/google/uuid"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"golang.org/x/crypto/bcrypt"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// version is the @pulumi/random version whose resources this provider serves (set by -ldflags).
var version = "4.21.2"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-version" {
		fmt.Println(version)
		return
	}
	cancel := make(chan bool)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterResourceProviderServer(srv, &provider{})
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "fatal: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() { <-sigs; close(cancel) }()
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "fatal: %v\n", err)
		os.Exit(1)
	}
}

type provider struct {
	pulumirpc.UnimplementedResourceProviderServer
}

var marshalOpts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipNulls: true}

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	if s == nil {
		return resource.PropertyMap{}, nil
	}
	return plugin.UnmarshalProperties(s, marshalOpts)
}

func marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, marshalOpts)
}

// ---- resource kinds --------------------------------------------------------------------------

type kind struct {
	// inputs lists the input properties with their defaults (nil: no default).
	inputs   map[string]resource.PropertyValue
	required []string
	// secret lists generated outputs that are secret.
	secret []string
	// computed lists the generated outputs (unknown during preview).
	computed []string
	validate func(in resource.PropertyMap) []*pulumirpc.CheckFailure
	generate func(in resource.PropertyMap) (id string, out resource.PropertyMap, err error)
}

var (
	nullV  = resource.NewNullProperty()
	boolV  = resource.NewBoolProperty
	numV   = resource.NewNumberProperty
	strV   = resource.NewStringProperty
	intDef = func(i int) resource.PropertyValue { return numV(float64(i)) }
)

func stringKind(password bool) *kind {
	k := &kind{
		inputs: map[string]resource.PropertyValue{
			"keepers": nullV, "length": nullV, "lower": boolV(true), "minLower": intDef(0),
			"minNumeric": intDef(0), "minSpecial": intDef(0), "minUpper": intDef(0), "number": boolV(true),
			"numeric": boolV(true), "overrideSpecial": nullV, "special": boolV(true), "upper": boolV(true),
		},
		required: []string{"length"},
		computed: []string{"result"},
		validate: func(in resource.PropertyMap) []*pulumirpc.CheckFailure {
			var f []*pulumirpc.CheckFailure
			length, ok := intOf(in, "length")
			if !ok {
				return nil
			}
			if length < 1 {
				f = append(f, failure("length", "length must be at least 1"))
			}
			sum := 0
			for _, m := range []string{"minLower", "minNumeric", "minSpecial", "minUpper"} {
				v, _ := intOf(in, m)
				if v < 0 {
					f = append(f, failure(m, m+" must be at least 0"))
				}
				sum += v
			}
			if sum > length {
				f = append(f, failure("length", fmt.Sprintf("length (%d) must be >= the sum of the min* values (%d)", length, sum)))
			}
			return f
		},
	}
	if password {
		k.secret = []string{"result", "bcryptHash"}
		k.computed = append(k.computed, "bcryptHash")
	}
	k.generate = func(in resource.PropertyMap) (string, resource.PropertyMap, error) {
		res, err := randomString(in)
		if err != nil {
			return "", nil, err
		}
		out := resource.PropertyMap{"result": strV(res)}
		if password {
			h, err := bcrypt.GenerateFromPassword([]byte(res), bcrypt.DefaultCost)
			if err != nil {
				return "", nil, err
			}
			out["bcryptHash"] = strV(string(h))
			return "none", out, nil
		}
		return res, out, nil
	}
	return k
}

var kinds = map[string]*kind{
	"random:index/randomPassword:RandomPassword": stringKind(true),
	"random:index/randomString:RandomString":     stringKind(false),
	"random:index/randomBytes:RandomBytes": {
		inputs:   map[string]resource.PropertyValue{"keepers": nullV, "length": nullV},
		required: []string{"length"},
		secret:   []string{"base64", "hex"},
		computed: []string{"base64", "hex"},
		validate: positive("length"),
		generate: func(in resource.PropertyMap) (string, resource.PropertyMap, error) {
			n, _ := intOf(in, "length")
			b := make([]byte, n)
			if _, err := rand.Read(b); err != nil {
				return "", nil, err
			}
			return "none", resource.PropertyMap{
				"base64": strV(base64.StdEncoding.EncodeToString(b)),
				"hex":    strV(hex.EncodeToString(b)),
			}, nil
		},
	},
	"random:index/randomId:RandomId": {
		inputs:   map[string]resource.PropertyValue{"byteLength": nullV, "keepers": nullV, "prefix": nullV},
		required: []string{"byteLength"},
		computed: []string{"b64Std", "b64Url", "dec", "hex"},
		validate: positive("byteLength"),
		generate: func(in resource.PropertyMap) (string, resource.PropertyMap, error) {
			n, _ := intOf(in, "byteLength")
			b := make([]byte, n)
			if _, err := rand.Read(b); err != nil {
				return "", nil, err
			}
			prefix := strOf(in, "prefix")
			id := base64.RawURLEncoding.EncodeToString(b)
			return id, resource.PropertyMap{
				"b64Url": strV(prefix + id),
				"b64Std": strV(prefix + base64.StdEncoding.EncodeToString(b)),
				"hex":    strV(prefix + hex.EncodeToString(b)),
				"dec":    strV(prefix + new(big.Int).SetBytes(b).String()),
			}, nil
		},
	},
	"random:index/randomInteger:RandomInteger": {
		inputs:   map[string]resource.PropertyValue{"keepers": nullV, "max": nullV, "min": nullV, "seed": nullV},
		required: []string{"max", "min"},
		computed: []string{"result"},
		validate: func(in resource.PropertyMap) []*pulumirpc.CheckFailure {
			lo, ok1 := intOf(in, "min")
			hi, ok2 := intOf(in, "max")
			if ok1 && ok2 && hi < lo {
				return []*pulumirpc.CheckFailure{failure("max", "max must be greater than or equal to min")}
			}
			return nil
		},
		generate: func(in resource.PropertyMap) (string, resource.PropertyMap, error) {
			lo, _ := intOf(in, "min")
			hi, _ := intOf(in, "max")
			var n int
			if seed, ok := in["seed"]; ok && seed.IsString() {
				n = lo + seeded(seed.StringValue()).Intn(hi-lo+1)
			} else {
				r, err := rand.Int(rand.Reader, big.NewInt(int64(hi-lo+1)))
				if err != nil {
					return "", nil, err
				}
				n = lo + int(r.Int64())
			}
			return strconv.Itoa(n), resource.PropertyMap{"result": numV(float64(n))}, nil
		},
	},
	"random:index/randomPet:RandomPet": {
		inputs: map[string]resource.PropertyValue{
			"keepers": nullV, "length": intDef(2), "prefix": nullV, "separator": strV("-"),
		},
		computed: nil,
		validate: positive("length"),
		generate: func(in resource.PropertyMap) (string, resource.PropertyMap, error) {
			n, _ := intOf(in, "length")
			sep := strOf(in, "separator")
			name := petname.Generate(n, sep)
			if p := strOf(in, "prefix"); p != "" {
				name = p + sep + name
			}
			return name, resource.PropertyMap{}, nil
		},
	},
	"random:index/randomShuffle:RandomShuffle": {
		inputs:   map[string]resource.PropertyValue{"inputs": nullV, "keepers": nullV, "resultCount": nullV, "seed": nullV},
		required: []string{"inputs"},
		computed: []string{"results"},
		generate: func(in resource.PropertyMap) (string, resource.PropertyMap, error) {
			var items []resource.PropertyValue
			if v, ok := in["inputs"]; ok && v.IsArray() {
				items = append(items, v.ArrayValue()...)
			}
			var r *mrand.Rand
			if seed, ok := in["seed"]; ok && seed.IsString() {
				r = seeded(seed.StringValue())
			} else {
				var b [8]byte
				if _, err := rand.Read(b[:]); err != nil {
					return "", nil, err
				}
				r = mrand.New(mrand.NewSource(int64(new(big.Int).SetBytes(b[:]).Uint64() >> 1)))
			}
			r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
			count := len(items)
			if c, ok := intOf(in, "resultCount"); ok && c > 0 {
				count = c
			}
			results := make([]resource.PropertyValue, 0, count)
			for i := 0; i < count && len(items) > 0; i++ {
				results = append(results, items[i%len(items)])
			}
			return "-", resource.PropertyMap{"results": resource.NewArrayProperty(results)}, nil
		},
	},
	"random:index/randomUuid:RandomUuid":   uuidKind(uuid.NewRandom),
	"random:index/randomUuid4:RandomUuid4": uuidKind(uuid.NewRandom),
	"random:index/randomUuid7:RandomUuid7": uuidKind(uuid.NewV7),
}

func uuidKind(gen func() (uuid.UUID, error)) *kind {
	return &kind{
		inputs:   map[string]resource.PropertyValue{"keepers": nullV},
		computed: []string{"result"},
		generate: func(resource.PropertyMap) (string, resource.PropertyMap, error) {
			u, err := gen()
			if err != nil {
				return "", nil, err
			}
			return u.String(), resource.PropertyMap{"result": strV(u.String())}, nil
		},
	}
}

func positive(prop string) func(resource.PropertyMap) []*pulumirpc.CheckFailure {
	return func(in resource.PropertyMap) []*pulumirpc.CheckFailure {
		if v, ok := intOf(in, prop); ok && v < 1 {
			return []*pulumirpc.CheckFailure{failure(prop, prop+" must be at least 1")}
		}
		return nil
	}
}

func failure(prop, reason string) *pulumirpc.CheckFailure {
	return &pulumirpc.CheckFailure{Property: prop, Reason: reason}
}

func seeded(seed string) *mrand.Rand {
	return mrand.New(mrand.NewSource(int64(crc64.Checksum([]byte(seed), crc64.MakeTable(crc64.ECMA)))))
}

func unwrap(v resource.PropertyValue) resource.PropertyValue {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}

func intOf(m resource.PropertyMap, k string) (int, bool) {
	v, ok := m[resource.PropertyKey(k)]
	if !ok {
		return 0, false
	}
	v = unwrap(v)
	if !v.IsNumber() {
		return 0, false
	}
	return int(v.NumberValue()), true
}

func strOf(m resource.PropertyMap, k string) string {
	if v, ok := m[resource.PropertyKey(k)]; ok {
		if v = unwrap(v); v.IsString() {
			return v.StringValue()
		}
	}
	return ""
}

func boolOf(m resource.PropertyMap, k string) bool {
	if v, ok := m[resource.PropertyKey(k)]; ok {
		if v = unwrap(v); v.IsBool() {
			return v.BoolValue()
		}
	}
	return false
}

const (
	lowerChars   = "abcdefghijklmnopqrstuvwxyz"
	upperChars   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	numChars     = "0123456789"
	specialChars = "!@#$%&*()-_=+[]{}<>:?"
)

func pick(charset string, n int) ([]byte, error) {
	out := make([]byte, n)
	if n > 0 && charset == "" {
		return nil, fmt.Errorf("cannot pick %d characters from an empty character set", n)
	}
	for i := range out {
		r, err := rand.Int(rand.Reader, big.NewInt(int64(len(charset))))
		if err != nil {
			return nil, err
		}
		out[i] = charset[r.Int64()]
	}
	return out, nil
}

// randomString follows terraform-provider-random's string generation: first the minimum
// counts of each class, then the rest from all enabled classes, then a shuffle.
func randomString(in resource.PropertyMap) (string, error) {
	length, _ := intOf(in, "length")
	special := specialChars
	if _, ok := in["overrideSpecial"]; ok && unwrap(in["overrideSpecial"]).IsString() {
		special = strOf(in, "overrideSpecial")
	}
	numeric := boolOf(in, "numeric") && boolOf(in, "number")
	chars := ""
	if boolOf(in, "upper") {
		chars += upperChars
	}
	if boolOf(in, "lower") {
		chars += lowerChars
	}
	if numeric {
		chars += numChars
	}
	if boolOf(in, "special") {
		chars += special
	}
	var result []byte
	for _, m := range []struct {
		set string
		key string
	}{{numChars, "minNumeric"}, {lowerChars, "minLower"}, {upperChars, "minUpper"}, {special, "minSpecial"}} {
		n, _ := intOf(in, m.key)
		b, err := pick(m.set, n)
		if err != nil {
			return "", err
		}
		result = append(result, b...)
	}
	rest, err := pick(chars, length-len(result))
	if err != nil {
		return "", err
	}
	result = append(result, rest...)
	for i := len(result) - 1; i > 0; i-- {
		r, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			return "", err
		}
		j := r.Int64()
		result[i], result[j] = result[j], result[i]
	}
	return string(result), nil
}

// ---- RPCs ------------------------------------------------------------------------------------

func kindOf(urn string) (*kind, string, error) {
	t := string(resource.URN(urn).Type())
	k, ok := kinds[t]
	if !ok {
		return nil, t, status.Errorf(codes.InvalidArgument, "unknown resource type %q", t)
	}
	return k, t, nil
}

func (p *provider) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (p *provider) Handshake(context.Context, *pulumirpc.ProviderHandshakeRequest) (*pulumirpc.ProviderHandshakeResponse, error) {
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true, AcceptOutputs: false}, nil
}

func (p *provider) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true}, nil
}

func (p *provider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (p *provider) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

func (p *provider) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	types := make([]string, 0, len(kinds))
	for t := range kinds {
		types = append(types, t)
	}
	sort.Strings(types)
	res := map[string]any{}
	for _, t := range types {
		props := map[string]any{}
		for in := range kinds[t].inputs {
			props[in] = map[string]any{}
		}
		res[t] = map[string]any{"inputProperties": props}
	}
	b, err := json.Marshal(map[string]any{"name": "random", "version": version, "resources": res})
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetSchemaResponse{Schema: string(b)}, nil
}

func (p *provider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	k, t, err := kindOf(req.GetUrn())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	var failures []*pulumirpc.CheckFailure
	for key := range news {
		if _, ok := k.inputs[string(key)]; !ok && !strings.HasPrefix(string(key), "__") {
			failures = append(failures, failure(string(key), fmt.Sprintf("%s has no input property %q", t, key)))
		}
	}
	for _, r := range k.required {
		if v, ok := news[resource.PropertyKey(r)]; !ok || v.IsNull() {
			failures = append(failures, failure(r, fmt.Sprintf("missing required property %q", r)))
		}
	}
	if k.validate != nil && !news.ContainsUnknowns() {
		failures = append(failures, k.validate(news)...)
	}
	inputs, err := marshal(news)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: inputs, Failures: failures}, nil
}

// effective returns the inputs of a resource with defaults filled in.
func (k *kind) effective(in resource.PropertyMap) resource.PropertyMap {
	out := resource.PropertyMap{}
	for name, def := range k.inputs {
		key := resource.PropertyKey(name)
		if v, ok := in[key]; ok && !v.IsNull() {
			out[key] = v
		} else if !def.IsNull() {
			out[key] = def
		}
	}
	return out
}

func (p *provider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	k, _, err := kindOf(req.GetUrn())
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal(req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	if req.GetOldInputs() == nil {
		if olds, err = unmarshal(req.GetOlds()); err != nil {
			return nil, err
		}
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	oe, ne := k.effective(olds), k.effective(news)
	ignore := map[string]bool{}
	for _, i := range req.GetIgnoreChanges() {
		ignore[i] = true
	}
	var replaces []string
	detailed := map[string]*pulumirpc.PropertyDiff{}
	names := make([]string, 0, len(k.inputs))
	for n := range k.inputs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if ignore[n] {
			continue
		}
		key := resource.PropertyKey(n)
		ov, ook := oe[key]
		nv, nok := ne[key]
		if !ook && !nok {
			continue
		}
		if ook && nok && !nv.ContainsUnknowns() && unwrap(ov).DeepEquals(unwrap(nv)) {
			continue
		}
		replaces = append(replaces, n)
		kindDiff := pulumirpc.PropertyDiff_UPDATE_REPLACE
		if !ook {
			kindDiff = pulumirpc.PropertyDiff_ADD_REPLACE
		} else if !nok {
			kindDiff = pulumirpc.PropertyDiff_DELETE_REPLACE
		}
		detailed[n] = &pulumirpc.PropertyDiff{Kind: kindDiff, InputDiff: true}
	}
	if len(replaces) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE, HasDetailedDiff: true}, nil
	}
	return &pulumirpc.DiffResponse{
		Changes:         pulumirpc.DiffResponse_DIFF_SOME,
		Replaces:        replaces,
		Diffs:           replaces,
		DetailedDiff:    detailed,
		HasDetailedDiff: true,
	}, nil
}

func (k *kind) outputs(in, generated resource.PropertyMap) resource.PropertyMap {
	out := k.effective(in)
	secret := map[string]bool{}
	for _, s := range k.secret {
		secret[s] = true
	}
	for key, v := range generated {
		if secret[string(key)] && !v.IsSecret() {
			v = resource.MakeSecret(v)
		}
		out[key] = v
	}
	return out
}

func (p *provider) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	k, _, err := kindOf(req.GetUrn())
	if err != nil {
		return nil, err
	}
	in, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	if req.GetPreview() || in.ContainsUnknowns() {
		gen := resource.PropertyMap{}
		for _, c := range k.computed {
			gen[resource.PropertyKey(c)] = resource.MakeComputed(strV(""))
		}
		props, err := marshal(k.outputs(in, gen))
		if err != nil {
			return nil, err
		}
		return &pulumirpc.CreateResponse{Id: "", Properties: props}, nil
	}
	id, gen, err := k.generate(k.effective(in))
	if err != nil {
		return nil, err
	}
	props, err := marshal(k.outputs(in, gen))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, nil
}

func (p *provider) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	if req.GetProperties() == nil || len(req.GetProperties().GetFields()) == 0 {
		return nil, status.Errorf(codes.Unimplemented, "import of %s is not supported by oskube's random provider", req.GetUrn())
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

// Update only happens for changes that need no replacement, which none of these resources
// have (every input replaces); keep the old generated values and take the new inputs.
func (p *provider) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	k, _, err := kindOf(req.GetUrn())
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	gen := resource.PropertyMap{}
	for _, c := range k.computed {
		if v, ok := olds[resource.PropertyKey(c)]; ok {
			gen[resource.PropertyKey(c)] = v
		}
	}
	props, err := marshal(k.outputs(news, gen))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: props}, nil
}

func (p *provider) Delete(context.Context, *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (p *provider) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (p *provider) GetMapping(context.Context, *pulumirpc.GetMappingRequest) (*pulumirpc.GetMappingResponse, error) {
	return &pulumirpc.GetMappingResponse{}, nil
}

func (p *provider) GetMappings(context.Context, *pulumirpc.GetMappingsRequest) (*pulumirpc.GetMappingsResponse, error) {
	return &pulumirpc.GetMappingsResponse{}, nil
}
