package vigil

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// vigilText are the string fields vigil writes itself, which MapText
// leaves alone: the source kind, and what the rule says.
var vigilText = map[string]bool{"Origin.Source": true, "Finding.RuleID": true, "Finding.Provider": true, "Finding.Description": true,
	"Finding.Verifier": true, "Finding.Hint": true, "Part.Name": true, "Skip.Reason": true}

// fill sets every string reachable from v (through pointers, slices and
// maps) to "x", and map keys too.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Pointer:
		if v.Type().Elem().Kind() == reflect.Struct && v.IsNil() && v.CanSet() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		if !v.IsNil() {
			fill(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.String || v.Type().Elem().Kind() == reflect.Struct {
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
			fill(v.Index(0))
		}
	case reflect.Map:
		if v.Type().Key().Kind() == reflect.String && v.Type().Elem().Kind() == reflect.String {
			v.Set(reflect.ValueOf(map[string]string{"k": "x"}).Convert(v.Type()))
		}
	}
}

// unmapped lists the string fields under v still holding "x".
func unmapped(v reflect.Value, at string, out *[]string) {
	switch v.Kind() {
	case reflect.String:
		if v.String() == "x" && !vigilText[at] {
			*out = append(*out, at)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			unmapped(v.Elem(), at, out)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if f.IsExported() {
				unmapped(v.Field(i), v.Type().Name()+"."+f.Name, out)
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			unmapped(v.Index(i), at, out)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			unmapped(v.MapIndex(k), at+"[]", out)
		}
	}
}

// TestMapTextCoversEveryField fills every string of a Finding and a Skip
// and checks that MapText passes each through its function, but for the
// few vigil writes itself: a field added to Origin, Commit, Layer or
// Finding without a line in MapText fails here, instead of reaching an
// output unredacted and unescaped.
func TestMapTextCoversEveryField(t *testing.T) {
	var f Finding
	fill(reflect.ValueOf(&f).Elem())
	mapped := f.MapText(func(s string) string { return s + "!" })
	var left []string
	unmapped(reflect.ValueOf(mapped), "Finding", &left)
	s := Skip{Err: errors.New("x")}
	fill(reflect.ValueOf(&s).Elem())
	ms := s.MapText(func(s string) string { return s + "!" })
	unmapped(reflect.ValueOf(ms), "Skip", &left)
	if ms.Err.Error() != "x!" {
		left = append(left, "Skip.Err")
	}
	if len(left) > 0 {
		t.Errorf("MapText leaves these fields as they are: %s", strings.Join(left, ", "))
	}
	// It copies: the original is untouched.
	if f.Origin.Commit.Author != "x" || f.Details["k"] != "x" {
		t.Error("MapText changed the finding it was given")
	}
}
