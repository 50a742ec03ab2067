// Command nodejshost is oskube's own Node.js language host for the Pulumi CLI.
//
// toolchain.sh builds it as `pulumi-language-nodejs`, because the upstream
// language host module (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3)
// is not served by the Go module proxy that this project can reach. It speaks the
// LanguageRuntime gRPC protocol of the pinned sdk/v3 and starts the program
// through the `cmd/run` entry point that ships in the `@pulumi/pulumi` npm
// package, passing the command-line flags and environment variables that this
// entry point reads (--monitor, --engine, --project, --stack, --pwd, ...,
// PULUMI_CONFIG, PULUMI_CONFIG_SECRET_KEYS, PULUMI_NODEJS_TYPESCRIPT, ...).
//
// Scope: `pulumi preview/up/destroy/refresh/stack` of a Node.js/TypeScript
// program whose dependencies are already installed (npm ci). Templates, code
// generation, packing and linking (used by `pulumi new`, `pulumi convert`,
// `pulumi package`) are not implemented and answer Unimplemented.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
)

// version is set with -ldflags "-X main.version=..." to the @pulumi/pulumi version it is paired with.
var version = "3.248.0"

// exitCodeUserActionable is the exit code of @pulumi/pulumi's run script after it has
// already printed an actionable error; the engine then bails without a second message.
const exitCodeUserActionable = 32

func main() {
	flags := flag.NewFlagSet("pulumi-language-nodejs", flag.ContinueOnError)
	tracing := flags.String("tracing", "", "tracing endpoint, passed to the program")
	root := flags.String("root", "", "project root (older engines)")
	_ = flags.Bool("typescript", true, "ignored; taken from Pulumi.yaml runtime options")
	_ = flags.String("nodeargs", "", "ignored; taken from Pulumi.yaml runtime options")
	_ = flags.String("tsconfig", "", "ignored; taken from Pulumi.yaml runtime options")
	_ = flags.String("packagemanager", "", "ignored")
	if err := flags.Parse(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	h := &host{tracing: *tracing, rootDir: *root}
	if args := flags.Args(); len(args) > 0 {
		h.engineAddress = args[len(args)-1]
	}

	cancel := make(chan bool)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "could not start language host RPC server: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		h.killChildren()
		close(cancel)
	}()
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "language host RPC stopped serving: %v\n", err)
		os.Exit(1)
	}
}

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	rootDir       string
	programDir    string
	tracing       string
	children      map[*exec.Cmd]struct{}
}

func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.engineAddress = req.GetEngineAddress()
	if req.RootDirectory != nil {
		h.rootDir = req.GetRootDirectory()
	}
	if req.ProgramDirectory != nil {
		h.programDir = req.GetProgramDirectory()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.killChildren()
	return &emptypb.Empty{}, nil
}

// programDirOf returns the absolute program directory of a request.
func (h *host) programDirOf(info *pulumirpc.ProgramInfo, fallback string) string {
	dir := ""
	if info != nil {
		dir = info.GetProgramDirectory()
	}
	if dir == "" {
		dir = fallback
	}
	if dir == "" {
		h.mu.Lock()
		dir = h.programDir
		h.mu.Unlock()
	}
	if dir == "" {
		dir, _ = os.Getwd()
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return dir
}

// packageJSON holds the fields of a package.json that the host reads.
type packageJSON struct {
	Name            string            `json:"name"`
	Version         string            `json:"version"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
	Pulumi          struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

func readPackageJSON(path string) (*packageJSON, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p packageJSON
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &p, nil
}

// installedPackages lists the packages visible to Node's resolver from dir: the
// top-level and scoped entries of every node_modules folder from dir up to the
// filesystem root, the nearest one winning for each name.
func installedPackages(dir string) map[string]string {
	found := map[string]string{} // name -> path of package.json
	for d := dir; ; d = filepath.Dir(d) {
		nm := filepath.Join(d, "node_modules")
		entries, err := os.ReadDir(nm)
		if err == nil {
			for _, e := range entries {
				name := e.Name()
				if strings.HasPrefix(name, ".") {
					continue
				}
				if strings.HasPrefix(name, "@") {
					scoped, err := os.ReadDir(filepath.Join(nm, name))
					if err != nil {
						continue
					}
					for _, s := range scoped {
						full := name + "/" + s.Name()
						if _, ok := found[full]; !ok {
							found[full] = filepath.Join(nm, name, s.Name(), "package.json")
						}
					}
					continue
				}
				if _, ok := found[name]; !ok {
					found[name] = filepath.Join(nm, name, "package.json")
				}
			}
		}
		if parent := filepath.Dir(d); parent == d {
			break
		}
	}
	return found
}

type pluginDep struct {
	name, version, server string
}

// requiredPlugins returns the resource plugins declared by installed packages
// (package.json "pulumi": {"resource": true, ...}).
func requiredPlugins(dir string) []pluginDep {
	var deps []pluginDep
	pkgs := installedPackages(dir)
	names := make([]string, 0, len(pkgs))
	for n := range pkgs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p, err := readPackageJSON(pkgs[n])
		if err != nil || !p.Pulumi.Resource {
			continue
		}
		name := p.Pulumi.Name
		if name == "" {
			name = strings.TrimPrefix(strings.TrimPrefix(p.Name, "@pulumi/"), "@")
		}
		v := p.Pulumi.Version
		if v == "" {
			v = p.Version
		}
		if v != "" && !strings.HasPrefix(v, "v") {
			v = "v" + v
		}
		deps = append(deps, pluginDep{name: name, version: v, server: p.Pulumi.Server})
	}
	return deps
}

func (h *host) GetRequiredPlugins(_ context.Context, req *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	dir := h.programDirOf(req.GetInfo(), req.GetProgram())
	resp := &pulumirpc.GetRequiredPluginsResponse{}
	for _, d := range requiredPlugins(dir) {
		resp.Plugins = append(resp.Plugins, &pulumirpc.PluginDependency{
			Name: d.name, Kind: "resource", Version: d.version, Server: d.server,
		})
	}
	return resp, nil
}

func (h *host) GetRequiredPackages(_ context.Context, req *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	dir := h.programDirOf(req.GetInfo(), "")
	resp := &pulumirpc.GetRequiredPackagesResponse{}
	for _, d := range requiredPlugins(dir) {
		resp.Packages = append(resp.Packages, &pulumirpc.PackageDependency{
			Name: d.name, Kind: "resource", Version: d.version, Server: d.server,
		})
	}
	return resp, nil
}

// resolveRunScript finds @pulumi/pulumi/cmd/run as Node would from dir.
func resolveRunScript(ctx context.Context, nodeBin, dir string) (string, error) {
	if p := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH"); p != "" {
		return p, nil
	}
	cmd := exec.CommandContext(ctx, nodeBin, "-e", "console.log(require.resolve('@pulumi/pulumi/cmd/run'))")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("it looks like the Pulumi SDK has not been installed (npm ci) for %s: %v: %s",
			dir, err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

func optionString(opts *structpb.Struct, key string) (string, bool) {
	if opts == nil {
		return "", false
	}
	v, ok := opts.GetFields()[key]
	if !ok {
		return "", false
	}
	switch k := v.GetKind().(type) {
	case *structpb.Value_StringValue:
		return k.StringValue, true
	case *structpb.Value_BoolValue:
		return strconv.FormatBool(k.BoolValue), true
	case *structpb.Value_NumberValue:
		return strconv.FormatFloat(k.NumberValue, 'f', -1, 64), true
	}
	return "", false
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	info := req.GetInfo()
	dir := h.programDirOf(info, req.GetPwd())
	runPath, err := resolveRunScript(ctx, nodeBin, dir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	h.mu.Lock()
	engine, tracing, rootDir := h.engineAddress, h.tracing, h.rootDir
	h.mu.Unlock()
	if info.GetRootDirectory() != "" {
		rootDir = info.GetRootDirectory()
	}

	var nodeArgs []string
	if s, ok := optionString(info.GetOptions(), "nodeargs"); ok && strings.TrimSpace(s) != "" {
		nodeArgs = append(nodeArgs, strings.Fields(s)...)
	}
	args := append(nodeArgs, runPath)
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", engine)
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("root-directory", rootDir)
	add("stack", req.GetStack())
	add("pwd", dir)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetQueryMode() {
		add("query-mode", "true")
	}
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("tracing", tracing)
	program := info.GetEntryPoint()
	if program == "" {
		program = req.GetProgram()
	}
	if program == "" {
		program = "."
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}

	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(configJSON),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON),
	)
	typescript := true
	if s, ok := optionString(info.GetOptions(), "typescript"); ok && s == "false" {
		typescript = false
	}
	if typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if s, ok := optionString(info.GetOptions(), "tsconfig"); ok && s != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+s)
	}

	cmd := exec.Command(nodeBin, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not start node: %v", err)}, nil
	}
	h.track(cmd, true)
	err = cmd.Wait()
	h.track(cmd, false)
	_ = os.Stdout.Sync()
	_ = os.Stderr.Sync()
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == exitCodeUserActionable {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode())}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Problem executing program: %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

func (h *host) track(cmd *exec.Cmd, add bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.children == nil {
		h.children = map[*exec.Cmd]struct{}{}
	}
	if add {
		h.children[cmd] = struct{}{}
	} else {
		delete(h.children, cmd)
	}
}

func (h *host) killChildren() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.children {
		if c.Process != nil {
			_ = c.Process.Signal(os.Interrupt)
		}
	}
}

// InstallDependencies does nothing: the project installs its packages with `npm ci`.
func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	msg := "oskube nodejs host: dependencies are installed by `npm ci`; nothing to do\n"
	return stream.Send(&pulumirpc.InstallDependenciesResponse{Stdout: []byte(msg)})
}

func (h *host) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	out, err := exec.CommandContext(ctx, nodeBin, "--version").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{
		Executable: nodeBin,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
		Metadata:   map[string]string{"host": "oskube nodejshost " + version},
	}, nil
}

func (h *host) GetProgramDependencies(_ context.Context, req *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := h.programDirOf(req.GetInfo(), req.GetProgram())
	resp := &pulumirpc.GetProgramDependenciesResponse{}
	root, err := readPackageJSON(filepath.Join(dir, "package.json"))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return resp, nil
		}
		return nil, err
	}
	wanted := map[string]bool{}
	for n := range root.Dependencies {
		wanted[n] = true
	}
	if req.GetTransitiveDependencies() {
		for n := range root.DevDependencies {
			wanted[n] = true
		}
	}
	pkgs := installedPackages(dir)
	names := make([]string, 0, len(wanted))
	for n := range wanted {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		v := root.Dependencies[n]
		if path, ok := pkgs[n]; ok {
			if p, err := readPackageJSON(path); err == nil && p.Version != "" {
				v = p.Version
			}
		}
		resp.Dependencies = append(resp.Dependencies, &pulumirpc.DependencyInfo{Name: n, Version: v})
	}
	return resp, nil
}
