package twiliosdk

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
)

// Version is a release number as the helper libraries write them:
// MAJOR.MINOR.PATCH, sometimes with a fourth number or a pre-release
// suffix ("5.0.0.rc26", "8.0.0-rc.1"). A leading "v" (Go, some tags) is
// dropped.
type Version struct {
	Nums []int  // MAJOR, MINOR, PATCH, ...; missing parts count as 0
	Pre  string // pre-release suffix, without its separator; "" for a release
	text string
}

// ParseVersion parses a version such as "5.10.2", "v1.30.9" or
// "5.0.0.rc26".
func ParseVersion(s string) (Version, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(strings.TrimPrefix(t, "v"), "V")
	if t == "" {
		return Version{}, fmt.Errorf("version %q: empty", s)
	}
	if i := strings.IndexByte(t, '+'); i >= 0 { // build metadata does not order
		t = t[:i]
	}
	v := Version{text: t}
	rest := t
	for len(v.Nums) < 4 {
		end := 0
		for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
			end++
		}
		if end == 0 || end > 9 {
			break
		}
		n, _ := strconv.Atoi(rest[:end])
		v.Nums = append(v.Nums, n)
		rest = rest[end:]
		if len(rest) < 2 || rest[0] != '.' || rest[1] < '0' || rest[1] > '9' {
			break
		}
		rest = rest[1:]
	}
	if len(v.Nums) == 0 {
		return Version{}, fmt.Errorf("version %q: does not start with a number", s)
	}
	if rest != "" {
		pre := strings.TrimLeft(rest, ".-_")
		if pre == "" || len(pre) > 64 || strings.ContainsAny(pre, " \t\r\n,;<>=|") {
			return Version{}, fmt.Errorf("version %q: unexpected %q", s, rest)
		}
		v.Pre = pre
	}
	return v, nil
}

// String returns the version as it was written, without a leading "v".
func (v Version) String() string { return v.text }

// IsZero reports a Version that was never parsed.
func (v Version) IsZero() bool { return len(v.Nums) == 0 }

// Major is the first number.
func (v Version) Major() int {
	if len(v.Nums) == 0 {
		return 0
	}
	return v.Nums[0]
}

// part returns the i-th number, 0 when absent.
func (v Version) part(i int) int {
	if i < len(v.Nums) {
		return v.Nums[i]
	}
	return 0
}

// Compare orders two versions: -1, 0 or +1. A pre-release comes before its
// release ("5.0.0.rc26" < "5.0.0"); pre-releases compare as text.
func (v Version) Compare(w Version) int {
	for i := range max(len(v.Nums), len(w.Nums)) {
		if c := cmp.Compare(v.part(i), w.part(i)); c != 0 {
			return c
		}
	}
	switch {
	case v.Pre == w.Pre:
		return 0
	case v.Pre == "":
		return 1
	case w.Pre == "":
		return -1
	}
	return comparePre(v.Pre, w.Pre)
}

// comparePre orders pre-release suffixes, numbers inside them by value
// ("rc9" < "rc10").
func comparePre(a, b string) int {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, _ := strconv.Atoi(a[:min(da, 9)])
			nb, _ := strconv.Atoi(b[:min(db, 9)])
			if c := cmp.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if c := cmp.Compare(a[0], b[0]); c != 0 {
			return c
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
