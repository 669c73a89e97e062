package fleet

import "github.com/vigilsec/vigil/internal/pgtest"

// postgres is the Postgres the package's tests share.
var postgres pgtest.Shared
