module github.com/vigilsec/vigil

go 1.26.0

require (
	github.com/spf13/cobra v1.10.2
	github.com/trustelem/zxcvbn v1.0.1
	golang.org/x/term v0.47.0
)

require (
	github.com/davecgh/go-spew v1.1.1 // indirect
	github.com/dlclark/regexp2 v1.12.0 // indirect
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	github.com/test-go/testify v1.1.4 // indirect
	golang.org/x/sys v0.49.0 // indirect
)
