//go:build vcrypto_pin_modules

// This file is never built. It keeps the Wycheproof vector module pinned in
// go.mod (go mod tidy honours every build tag) so that the tests can read the
// vector files from the module cache with `go mod download -json`.
package enginetest

import _ "github.com/c2sp/wycheproof"
