// Package awssmtest is a loopback fake of AWS Secrets Manager for tests:
// GetSecretValue (current, by VersionId or VersionStage) and
// PutSecretValue over the JSON 1.1 protocol, with its documented errors.
package awssmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

// SM follows the Secrets Manager JSON 1.1 API for GetSecretValue and
// PutSecretValue: POST / with X-Amz-Target, errors as HTTP 400 with
// {"__type","Message"}, throttling included. Versions are kept: the last
// is AWSCURRENT, the one before AWSPREVIOUS, each with its VersionId (the
// ClientRequestToken that stored it). Lock it to change its fields while
// it serves.
type SM struct {
	sync.Mutex
	Secrets   map[string][]string // id → versions of SecretString, oldest first
	IDs       map[string][]string // id → the versions' VersionIds
	Deny      bool
	Throttle  int // answer this many requests with ThrottlingException
	AccessKey string
	Targets   []string
	// URL is the server's address.
	URL string
}

// New starts a fake Secrets Manager on loopback for the test's length; it
// accepts requests signed with the access key AKIDFAKEFAKEFAKE.
func New(t testing.TB) *SM {
	f := &SM{Secrets: map[string][]string{}, IDs: map[string][]string{}, AccessKey: "AKIDFAKEFAKEFAKE"}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// versionID is the ID of version i of secret id: the token that stored
// it, or a made-up one for a version seeded by a test.
func (f *SM) versionID(id string, i int) string {
	if ids := f.IDs[id]; i < len(ids) && ids[i] != "" {
		return ids[i]
	}
	return fmt.Sprintf("seeded-%d", i+1)
}

func smError(w http.ResponseWriter, typ, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", typ)
	w.WriteHeader(400)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "Message": msg})
}

// ServeHTTP answers one request.
func (f *SM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.Lock()
	defer f.Unlock()
	target := r.Header.Get("X-Amz-Target")
	f.Targets = append(f.Targets, target)
	if r.Method != "POST" || r.URL.Path != "/" || r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
		smError(w, "InvalidRequestException", "bad request")
		return
	}
	if !strings.Contains(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential="+f.AccessKey+"/") {
		smError(w, "UnrecognizedClientException", "The security token included in the request is invalid.")
		return
	}
	if f.Throttle > 0 {
		f.Throttle--
		smError(w, "ThrottlingException", "Rate exceeded")
		return
	}
	if f.Deny {
		smError(w, "AccessDeniedException", "User: arn:aws:iam::000000000000:user/ci is not authorized to perform: "+target)
		return
	}
	var in struct {
		SecretID           string `json:"SecretId"`
		SecretString       *string
		ClientRequestToken string
		VersionID          string `json:"VersionId"`
		VersionStage       string
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		smError(w, "InvalidRequestException", "body")
		return
	}
	versions, ok := f.Secrets[in.SecretID]
	if !ok {
		smError(w, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
		return
	}
	arn := "arn:aws:secretsmanager:us-east-1:000000000000:secret:" + in.SecretID + "-AbCdEf"
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	switch target {
	case "secretsmanager.GetSecretValue":
		i := len(versions) - 1
		switch {
		case in.VersionID != "":
			i = -1
			for j := range versions {
				if f.versionID(in.SecretID, j) == in.VersionID {
					i = j
				}
			}
		case in.VersionStage == "AWSPREVIOUS":
			i = len(versions) - 2
		case in.VersionStage != "" && in.VersionStage != "AWSCURRENT":
			i = -1
		}
		if i < 0 {
			smError(w, "ResourceNotFoundException", "Secrets Manager can't find the specified secret value for VersionId or VersionStage")
			return
		}
		stages := []string{"AWSPREVIOUS"}
		if i == len(versions)-1 {
			stages = []string{"AWSCURRENT"}
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"ARN": arn, "Name": in.SecretID, "SecretString": versions[i],
			"VersionId": f.versionID(in.SecretID, i), "VersionStages": stages, "CreatedDate": 1.7e9})
	case "secretsmanager.PutSecretValue":
		if in.SecretString == nil || in.ClientRequestToken == "" {
			smError(w, "InvalidParameterException", "SecretString and ClientRequestToken are required")
			return
		}
		if !slices.Contains(f.IDs[in.SecretID], in.ClientRequestToken) {
			for len(f.IDs[in.SecretID]) < len(versions) {
				f.IDs[in.SecretID] = append(f.IDs[in.SecretID], "")
			}
			f.IDs[in.SecretID] = append(f.IDs[in.SecretID], in.ClientRequestToken)
			f.Secrets[in.SecretID] = append(versions, *in.SecretString)
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"ARN": arn, "Name": in.SecretID, "VersionId": in.ClientRequestToken, "VersionStages": []string{"AWSCURRENT"}})
	default:
		smError(w, "InvalidAction", "unknown target "+target)
	}
}
