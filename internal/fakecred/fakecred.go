// Package fakecred expands credential templates into random, valid-looking
// values at test time, so that no realistic secret is ever stored in the
// repository. A template is text with placeholders such as {hex:32},
// {alnum:40}, {github:ghp}, {jwt}, {pem:rsa}; see Expand.
package fakecred

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	crand "crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Alphabets for the character-class placeholders.
const (
	Hex    = "0123456789abcdef"
	HexUp  = "0123456789ABCDEF"
	Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	Lower  = "abcdefghijklmnopqrstuvwxyz"
	Upper  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	Digits = "0123456789"
	B64    = Base62 + "+/"
	B64URL = Base62 + "-_"
	Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	LowAln = "0123456789abcdefghijklmnopqrstuvwxyz"
	B32Low = "abcdefghijklmnopqrstuvwxyz234567"
	Bech32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"
)

// Gen makes random credential-shaped values.
type Gen struct {
	r *rand.Rand
}

// New returns a generator with a fixed seed, so failures reproduce.
func New(seed uint64) *Gen { return &Gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} }

// String returns n random characters from alphabet. It re-draws values
// that are too regular to pass a placeholder filter (long runs, few
// distinct characters), as a real random secret would not be.
func (g *Gen) String(alphabet string, n int) string {
	for {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[g.r.IntN(len(alphabet))]
		}
		if !regular(b) {
			return string(b)
		}
	}
}

func regular(b []byte) bool {
	run := 1
	for i := 1; i < len(b); i++ {
		d := int(b[i]) - int(b[i-1])
		if d == 1 || d == -1 {
			run++
			if run >= 5 {
				return true
			}
		} else {
			run = 1
		}
	}
	return false
}

// Expand replaces every {kind:arg} placeholder in tmpl.
func (g *Gen) Expand(tmpl string) (string, error) {
	var out strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			out.WriteString(tmpl)
			return out.String(), nil
		}
		j := closingBrace(tmpl[i:])
		if j < 0 {
			out.WriteString(tmpl)
			return out.String(), nil
		}
		v, ok, err := g.placeholder(tmpl[i+1 : i+j])
		if err != nil {
			return "", fmt.Errorf("template %q: %w", tmpl, err)
		}
		out.WriteString(tmpl[:i])
		if !ok {
			// Not a placeholder (a JSON object, a Go block): keep the
			// brace and look for placeholders inside.
			out.WriteByte('{')
			tmpl = tmpl[i+1:]
			continue
		}
		out.WriteString(v)
		tmpl = tmpl[i+j+1:]
	}
}

// closingBrace returns the index of the brace that closes s[0], counting
// nested braces ({b64of:{"k":"v"}}), or -1.
func closingBrace(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// MustExpand is Expand for tests with known-good templates.
func (g *Gen) MustExpand(tmpl string) string {
	s, err := g.Expand(tmpl)
	if err != nil {
		panic(err)
	}
	return s
}

func (g *Gen) placeholder(p string) (string, bool, error) {
	kind, arg, _ := strings.Cut(p, ":")
	n, _ := strconv.Atoi(arg)
	classes := map[string]string{
		"hex": Hex, "HEX": HexUp, "alnum": Base62, "lower": Lower, "upper": Upper,
		"digits": Digits, "b64": B64, "b64url": B64URL, "base32": Base32, "lowalnum": LowAln, "b32low": B32Low, "bech32": Bech32,
	}
	if alpha, ok := classes[kind]; ok {
		if n <= 0 {
			return "", false, fmt.Errorf("{%s} needs a length", p)
		}
		return g.String(alpha, n), true, nil
	}
	switch kind {
	case "github":
		return g.GitHubToken(arg), true, nil
	case "uuid":
		return g.UUID(), true, nil
	case "jwt":
		return g.JWT(map[string]any{"alg": "HS256", "typ": "JWT"}, map[string]any{"sub": "user-" + g.String(Digits, 6), "iat": 1700000000}), true, nil
	case "twilio-jwt":
		return g.TwilioAccessToken(arg == "expired"), true, nil
	case "pem":
		s, err := g.PEM(arg)
		return s, err == nil, err
	case "pemjson":
		s, err := g.PEM(arg)
		return strings.ReplaceAll(s, "\n", `\n`), err == nil, err
	case "b64pem":
		s, err := g.PEM(arg)
		return base64.StdEncoding.EncodeToString([]byte(s)), err == nil, err
	case "k8s-jwt":
		return g.JWT(map[string]any{"alg": "RS256", "kid": g.String(B64URL, 43)}, map[string]any{
			"iss": "kubernetes/serviceaccount", "kubernetes.io/serviceaccount/namespace": "default",
			"kubernetes.io/serviceaccount/service-account.name": "deployer", "sub": "system:serviceaccount:default:deployer",
		}), true, nil
	case "basic":
		return base64.StdEncoding.EncodeToString([]byte(arg + ":" + g.String(Base62, 16))), true, nil
	case "pypi":
		return g.PyPIToken(), true, nil
	case "b64of":
		return base64.StdEncoding.EncodeToString([]byte(arg)), true, nil
	case "byte":
		b, err := hex.DecodeString(arg)
		if err != nil || len(b) != 1 {
			return "", false, fmt.Errorf("{byte:HH} needs two hex digits, not %q", arg)
		}
		return string(b), true, nil
	}
	return "", false, nil
}

// GitHubToken returns prefix_ + 30 random base62 + 6-character CRC32
// checksum, as GitHub and npm tokens are built.
func (g *Gen) GitHubToken(prefix string) string {
	body := g.String(Base62, 30)
	return prefix + "_" + body + Checksum62(body)
}

// Checksum62 is the base62 CRC32 checksum GitHub appends to tokens.
func Checksum62(s string) string {
	n := crc32.ChecksumIEEE([]byte(s))
	var out [6]byte
	for i := 5; i >= 0; i-- {
		out[i] = Base62[n%62]
		n /= 62
	}
	return string(out[:])
}

func (g *Gen) bytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.r.IntN(256))
	}
	return b
}

// UUID returns a random version-4 UUID.
func (g *Gen) UUID() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.r.IntN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// JWT builds a token with the given header and claims and a random
// signature.
func (g *Gen) JWT(header, claims map[string]any) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(h) + "." + enc.EncodeToString(c) + "." + g.String(B64URL, 43)
}

// TwilioAccessToken builds a Twilio Access Token shape (cty twilio-fpa),
// valid for an hour from 2100 or expired in 2020.
func (g *Gen) TwilioAccessToken(expired bool) string {
	key := "SK" + g.String(Hex, 32)
	nbf := int64(4102444800) // 2100-01-01
	if expired {
		nbf = 1577836800 // 2020-01-01
	}
	return g.JWT(
		map[string]any{"alg": "HS256", "cty": "twilio-fpa;v=1", "typ": "JWT"},
		map[string]any{
			"jti": fmt.Sprintf("%s-%d", key, nbf), "iss": key, "sub": "AC" + g.String(Hex, 32),
			"nbf": nbf, "exp": nbf + 3600,
			"grants": map[string]any{"identity": "alice", "video": map[string]any{"room": "r1"}},
		})
}

// PyPIToken returns a PyPI API token shape: "pypi-" + a base64 macaroon
// that names pypi.org.
func (g *Gen) PyPIToken() string {
	mac := append([]byte("\x02\x01\x08pypi.org\x02\x01"), []byte(g.String(Base62, 60))...)
	return "pypi-" + base64.RawURLEncoding.EncodeToString(mac)
}

// PEM returns a freshly generated private key: rsa, ec, ed25519, pkcs8,
// openssh, or rsa-encrypted (legacy Proc-Type armour); dsa,
// pkcs8-encrypted and pgp are key-shaped random bytes in the right armour.
func (g *Gen) PEM(kind string) (string, error) {
	switch kind {
	case "dsa", "pkcs8-encrypted":
		typ := map[string]string{"dsa": "DSA PRIVATE KEY", "pkcs8-encrypted": "ENCRYPTED PRIVATE KEY"}[kind]
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: g.bytes(440)})), nil
	case "pgp":
		body := base64.StdEncoding.EncodeToString(g.bytes(600))
		var b strings.Builder
		b.WriteString("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n")
		for len(body) > 64 {
			b.WriteString(body[:64] + "\n")
			body = body[64:]
		}
		b.WriteString(body + "\n=" + g.String(B64, 4) + "\n-----END PGP PRIVATE KEY BLOCK-----\n")
		return b.String(), nil
	case "rsa", "pkcs8", "rsa-encrypted":
		k, err := rsa.GenerateKey(crand.Reader, 1024)
		if err != nil {
			return "", err
		}
		if kind == "pkcs8" {
			der, _ := x509.MarshalPKCS8PrivateKey(k)
			return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
		}
		b := &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}
		if kind == "rsa-encrypted" {
			b.Headers = map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC," + g.String(HexUp, 32)}
		}
		return string(pem.EncodeToMemory(b)), nil
	case "ec":
		k, err := ecdsa.GenerateKey(elliptic.P256(), crand.Reader)
		if err != nil {
			return "", err
		}
		der, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			return "", err
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})), nil
	case "ed25519", "openssh":
		_, k, err := ed25519.GenerateKey(crand.Reader)
		if err != nil {
			return "", err
		}
		if kind == "openssh" {
			body := append([]byte("openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none"), k...)
			return string(pem.EncodeToMemory(&pem.Block{Type: "OPENSSH PRIVATE KEY", Bytes: body})), nil
		}
		der, _ := x509.MarshalPKCS8PrivateKey(k)
		return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
	}
	return "", fmt.Errorf("unknown pem kind %q", kind)
}
