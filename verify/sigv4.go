package verify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sort"
	"strings"
	"time"
)

// sigv4 signs a request with AWS Signature Version 4 — just what a
// GetCallerIdentity call needs (no query-string signing, no chunked
// payloads), so the scanner's dependencies stay free of the AWS SDK.
type sigv4 struct {
	KeyID, Secret, SessionToken string
	Region, Service             string
}

// Sign sets X-Amz-Date (and X-Amz-Security-Token) and Authorization on h
// for a request to host with the given method, path, query and payload.
// Every header in h is signed.
func (s sigv4) Sign(h http.Header, method, host, path, query string, payload []byte, t time.Time) {
	amzDate := t.UTC().Format("20060102T150405Z")
	day := amzDate[:8]
	h.Set("X-Amz-Date", amzDate)
	if s.SessionToken != "" {
		h.Set("X-Amz-Security-Token", s.SessionToken)
	}
	names := []string{"host"}
	values := map[string]string{"host": host}
	for k, vs := range h {
		lk := strings.ToLower(k)
		if lk == "authorization" || lk == "user-agent" {
			continue
		}
		names = append(names, lk)
		values[lk] = strings.Join(trimAll(vs), ",")
	}
	sort.Strings(names)
	var canon strings.Builder
	for _, n := range names {
		canon.WriteString(n + ":" + values[n] + "\n")
	}
	signed := strings.Join(names, ";")
	if path == "" {
		path = "/"
	}
	creq := strings.Join([]string{method, path, query, canon.String(), signed, hexSHA256(payload)}, "\n")
	scope := day + "/" + s.Region + "/" + s.Service + "/aws4_request"
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hexSHA256([]byte(creq))
	key := hmacSHA256([]byte("AWS4"+s.Secret), day)
	for _, part := range []string{s.Region, s.Service, "aws4_request"} {
		key = hmacSHA256(key, part)
	}
	sig := hex.EncodeToString(hmacSHA256(key, toSign))
	h.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+s.KeyID+"/"+scope+", SignedHeaders="+signed+", Signature="+sig)
}

func trimAll(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = strings.Join(strings.Fields(v), " ")
	}
	return out
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}
