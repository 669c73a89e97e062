package guess

import (
	"strings"

	"github.com/trustelem/zxcvbn/adjacency"
	"github.com/trustelem/zxcvbn/match"
)

// keyboards are the layouts walks are looked for on, in trustelem's order.
var keyboards = [...]string{"qwerty", "dvorak", "keypad", "mac_keypad"}

// shiftedKeys are the characters typed with shift on the qwerty and dvorak
// layouts (zxcvbn uses the qwerty set for both).
const shiftedKeys = `~!@#$%^&*()_+QWERTYUIOP{}|ASDFGHJKL:"ZXCVBNM<>?`

// spatialMatches finds keyboard walks of three keys or more (qwerty,
// zxcvbn, 7896): runs where each character is a neighbour of the one
// before on some layout. Walks are counted in bytes, as in trustelem, so
// only ASCII characters take part.
func spatialMatches(pw string) []*match.Match {
	var out []*match.Match
	for _, name := range keyboards {
		g := adjacency.Graphs[name]
		if g == nil || g.Graph == nil {
			continue
		}
		out = append(out, walks(pw, g, name == "qwerty" || name == "dvorak")...)
	}
	sortByPosition(out)
	return out
}

// walks finds the walks on one layout. The graph gives, for each key, its
// neighbours in a fixed order of directions, each as the unshifted and the
// shifted character ("2@"). A turn is a change of direction; the first step
// counts as one.
func walks(pw string, g *adjacency.Graph, shiftable bool) []*match.Match {
	var out []*match.Match
	isShifted := func(c byte) bool { return shiftable && strings.IndexByte(shiftedKeys, c) >= 0 }
	for i := 0; i < len(pw)-1; {
		j := i + 1
		lastDir, turns, shifted := -1, 0, 0
		if isShifted(pw[i]) {
			shifted = 1
		}
		for {
			dir, pos := neighbour(g, pw[j-1], pw, j)
			if dir < 0 {
				break
			}
			if pos == 1 {
				shifted++
			}
			if dir != lastDir {
				turns++
				lastDir = dir
			}
			j++
		}
		if j-i > 2 {
			out = append(out, &match.Match{
				Pattern:      "spatial",
				I:            i,
				J:            j - 1,
				Token:        pw[i:j],
				Graph:        g.Name,
				Turns:        turns,
				ShiftedCount: shifted,
			})
		}
		i = j
	}
	return out
}

// neighbour says in which direction pw[j] lies from key prev, and whether
// it is the unshifted (0) or shifted (1) character of that neighbour; dir
// is -1 when j is past the end or pw[j] is no neighbour.
func neighbour(g *adjacency.Graph, prev byte, pw string, j int) (dir, pos int) {
	if j >= len(pw) || prev >= 128 || pw[j] >= 128 {
		return -1, -1
	}
	for d, keys := range g.Graph[string(rune(prev))] {
		if p := strings.IndexByte(keys, pw[j]); p >= 0 {
			return d, p
		}
	}
	return -1, -1
}
