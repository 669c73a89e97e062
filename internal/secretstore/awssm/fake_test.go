package awssm

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeSM follows the Secrets Manager JSON 1.1 API for GetSecretValue and
// PutSecretValue: POST / with X-Amz-Target, errors as HTTP 400 with
// {"__type","Message"}, throttling included.
type fakeSM struct {
	mu        sync.Mutex
	secrets   map[string][]string // id → versions of SecretString, oldest first
	tokens    map[string]bool     // ClientRequestTokens seen
	deny      bool
	throttle  int // answer this many requests with ThrottlingException
	accessKey string
	targets   []string
}

func newFakeSM(t *testing.T) (*fakeSM, *httptest.Server) {
	f := &fakeSM{secrets: map[string][]string{}, tokens: map[string]bool{}, accessKey: "AKIDFAKEFAKEFAKE"}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func smError(w http.ResponseWriter, typ, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", typ)
	w.WriteHeader(400)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "Message": msg})
}

func (f *fakeSM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	target := r.Header.Get("X-Amz-Target")
	f.targets = append(f.targets, target)
	if r.Method != "POST" || r.URL.Path != "/" || r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
		smError(w, "InvalidRequestException", "bad request")
		return
	}
	if !strings.Contains(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential="+f.accessKey+"/") {
		smError(w, "UnrecognizedClientException", "The security token included in the request is invalid.")
		return
	}
	if f.throttle > 0 {
		f.throttle--
		smError(w, "ThrottlingException", "Rate exceeded")
		return
	}
	if f.deny {
		smError(w, "AccessDeniedException", "User: arn:aws:iam::000000000000:user/ci is not authorized to perform: "+target)
		return
	}
	var in struct {
		SecretID           string `json:"SecretId"`
		SecretString       *string
		ClientRequestToken string
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		smError(w, "InvalidRequestException", "body")
		return
	}
	versions, ok := f.secrets[in.SecretID]
	if !ok {
		smError(w, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
		return
	}
	arn := "arn:aws:secretsmanager:us-east-1:000000000000:secret:" + in.SecretID + "-AbCdEf"
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	switch target {
	case "secretsmanager.GetSecretValue":
		if len(versions) == 0 {
			smError(w, "ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT")
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"ARN": arn, "Name": in.SecretID, "SecretString": versions[len(versions)-1],
			"VersionId": "v" + string(rune('0'+len(versions))), "VersionStages": []string{"AWSCURRENT"}, "CreatedDate": 1.7e9})
	case "secretsmanager.PutSecretValue":
		if in.SecretString == nil || in.ClientRequestToken == "" {
			smError(w, "InvalidParameterException", "SecretString and ClientRequestToken are required")
			return
		}
		if !f.tokens[in.ClientRequestToken] {
			f.tokens[in.ClientRequestToken] = true
			f.secrets[in.SecretID] = append(versions, *in.SecretString)
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"ARN": arn, "Name": in.SecretID, "VersionId": in.ClientRequestToken, "VersionStages": []string{"AWSCURRENT"}})
	default:
		smError(w, "InvalidAction", "unknown target "+target)
	}
}
