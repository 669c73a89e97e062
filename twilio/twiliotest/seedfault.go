package twiliotest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// FaultSeed is a fault programmed by a seed file or the emulator's
// --fault flag, so that a team can rehearse a failure (a create whose
// answer is lost, a hanging delete) with the real vigil binary. Its
// fields are Fault's.
type FaultSeed struct {
	Kind       string `yaml:"kind" json:"kind"` // status, rate-limit, slow, hang, reset, garbage
	Host       string `yaml:"host" json:"host"`
	Method     string `yaml:"method" json:"method"`
	Path       string `yaml:"path" json:"path"`
	Username   string `yaml:"username" json:"username"`
	Skip       int    `yaml:"skip" json:"skip"`
	Times      int    `yaml:"times" json:"times"`
	Phase      string `yaml:"phase" json:"phase"` // before (default) or after: the change is made, the answer lost
	Status     int    `yaml:"status" json:"status"`
	Code       int    `yaml:"code" json:"code"`
	RetryAfter string `yaml:"retry_after" json:"retry_after"` // a Go duration, e.g. 2s
	Delay      string `yaml:"delay" json:"delay"`
	Body       string `yaml:"body" json:"body"`
}

// Fault converts the seed to a Fault, checking its values.
func (s FaultSeed) Fault() (Fault, error) {
	f := Fault{Host: s.Host, Method: strings.ToUpper(s.Method), Path: s.Path, Username: s.Username, Skip: s.Skip, Times: s.Times,
		Status: s.Status, Code: s.Code, Body: s.Body}
	for k := FaultStatus; k <= FaultGarbage; k++ {
		if k.String() == s.Kind {
			f.Kind = k
		}
	}
	if f.Kind == NoFault {
		return f, fmt.Errorf("fault kind %q: want status, rate-limit, slow, hang, reset or garbage", s.Kind)
	}
	switch s.Phase {
	case "", "before":
	case "after":
		f.Phase = AfterHandling
	default:
		return f, fmt.Errorf("fault phase %q: want before or after", s.Phase)
	}
	if s.Skip < 0 || s.Times < 0 || (s.Status != 0 && (s.Status < 100 || s.Status > 599)) {
		return f, fmt.Errorf("fault: skip and times must not be negative, status must be an HTTP status")
	}
	for _, d := range []struct {
		in  string
		out *time.Duration
	}{{s.RetryAfter, &f.RetryAfter}, {s.Delay, &f.Delay}} {
		if d.in == "" {
			continue
		}
		v, err := time.ParseDuration(d.in)
		if err != nil || v < 0 {
			return f, fmt.Errorf("fault duration %q: want a duration such as 2s", d.in)
		}
		*d.out = v
	}
	return f, nil
}

// ParseFault reads the --fault flag's form: KIND followed by
// comma-separated key=value pairs, keys as in a seed file, e.g.
// "hang,method=POST,path=/v1/Keys,phase=after,times=1".
func ParseFault(spec string) (FaultSeed, error) {
	parts := strings.Split(spec, ",")
	s := FaultSeed{Kind: strings.TrimSpace(parts[0])}
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			return s, fmt.Errorf("fault %q: %q is not key=value", spec, p)
		}
		var err error
		switch strings.TrimSpace(k) {
		case "host":
			s.Host = v
		case "method":
			s.Method = v
		case "path":
			s.Path = v
		case "username":
			s.Username = v
		case "phase":
			s.Phase = v
		case "body":
			s.Body = v
		case "retry_after":
			s.RetryAfter = v
		case "delay":
			s.Delay = v
		case "skip":
			s.Skip, err = strconv.Atoi(v)
		case "times":
			s.Times, err = strconv.Atoi(v)
		case "status":
			s.Status, err = strconv.Atoi(v)
		case "code":
			s.Code, err = strconv.Atoi(v)
		default:
			return s, fmt.Errorf("fault %q: unknown key %q", spec, k)
		}
		if err != nil {
			return s, fmt.Errorf("fault %q: %s: want a number", spec, k)
		}
	}
	_, err := s.Fault()
	return s, err
}
