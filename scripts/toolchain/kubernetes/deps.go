//go:build tools

// Package tools pins the packages that toolchain.sh needs besides the tool itself:
// codegen/schema is imported by the provider's generate.go (build tag "ignore"),
// which writes the embedded schema files that the module zip lacks.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/codegen/schema"
