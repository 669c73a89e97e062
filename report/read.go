package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// ReadJSON parses a report written by JSON. Errors name the line.
func ReadJSON(data []byte) (*JSONReport, error) {
	var r JSONReport
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&r); err != nil {
		return nil, errors.New(jsonErrorAt(data, err))
	}
	if r.Tool != "vigil" || r.Schema == 0 {
		return nil, errors.New("not a vigil JSON report (no \"tool\": \"vigil\" and schema_version)")
	}
	if r.Schema > SchemaVersion {
		return nil, fmt.Errorf("schema_version %d is newer than this vigil reads (%d)", r.Schema, SchemaVersion)
	}
	return &r, nil
}

// FindingLine is the line where the i-th finding of a JSON report starts.
func FindingLine(data []byte, i int) int { return entryLine(data, i) }
