package rules

import "strings"

// englishLike reports whether a letters-only value reads as English (a
// word or words: promise, helloworld, sunshine) rather than random letters,
// by how many of its letter pairs are common in English. Example values in
// code are words; generated secrets are not.
func englishLike(v string) bool { return englishPairs(v, 4, 0.9) }

// englishWord is englishLike for a short part of an identifier (test, key,
// index): fewer letter pairs, a looser share.
func englishWord(v string) bool { return englishPairs(v, 2, 0.8) }

// englishPairs reports whether at least minPairs letter pairs of v exist
// and at least share of them are common in English.
func englishPairs(v string, minPairs int, share float64) bool {
	low := strings.ToLower(v)
	pairs, common := 0, 0
	for i := 0; i+1 < len(low); i++ {
		a, b := low[i], low[i+1]
		if a < 'a' || a > 'z' || b < 'a' || b > 'z' {
			if '0' <= a && a <= '9' || '0' <= b && b <= '9' {
				return false // digits: not a plain word
			}
			continue
		}
		pairs++
		if strings.Contains(commonBigrams, string([]byte{a, b})) {
			common++
		}
	}
	return pairs >= minPairs && float64(common) >= share*float64(pairs)
}

// commonBigrams are the most frequent letter pairs of English text, each
// followed by a space.
const commonBigrams = "th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le ve co me de hi ri ro ic ne ea ra ce li ch ll be ma si om ur ca el ta la ns di fo ho pe ec pr no ct us ac ot il tr ly nc et ut ss so rs un lo wa ge ie wh ee wi em ad ol rt po we na ul ni ts mo ow pa im mi ai sh ir su id os iv ia am fi ci vi pl ig tu ev ld ry mp fe bl ab gh ty op wo sa ay ex ke fr oo av ag if ap gr od bo sp rd do uc bu ei ov by rm ep tt oc fa "
