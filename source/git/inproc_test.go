package git

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/gittest"
)

// referenceReader makes a History read every blob through git cat-file.
func referenceReader(h *History) { h.opts.CatFile = true }

// skipSummary lists what a scan skipped, one line each, sorted.
func skipSummary(st vigil.Stats) []string {
	var out []string
	for _, s := range st.Skipped {
		out = append(out, fmt.Sprintf("%s %s %s", s.Reason, s.Origin.Path, s.Origin.Blob))
	}
	slices.Sort(out)
	return out
}

// specialHistory builds a history with renames, a merge, binary files,
// LFS pointers, a submodule, a symbolic link, a UTF-16 file, a file over
// a chunk, and secrets that move between files and come back.
func specialHistory(t *testing.T) *gittest.Repo {
	g := fakecred.New(21)
	r := gittest.New(t)
	sub := gittest.New(t)
	sub.Commit("sub", "", map[string]string{"x.txt": "x\n"})
	_, _, env := twilioPair(g)
	key := "AKIA" + g.String(fakecred.Upper+fakecred.Digits, 16)
	var notes strings.Builder
	for i := range 400 {
		fmt.Fprintf(&notes, "- change %d: fixed the thing number %d\n", i, i*3)
	}
	bin := make([]byte, 50000)
	for i := range bin {
		bin[i] = byte(i * 13)
	}
	pointer := "version https://git-lfs.github.com/spec/v1\noid sha256:" + strings.Repeat("b", 64) + "\nsize 999\n"
	utf16 := []byte{0xff, 0xfe}
	for _, c := range "TWILIO_AUTH_TOKEN=" + g.String(fakecred.Hex, 32) + "\n" {
		utf16 = append(utf16, byte(c), 0)
	}
	r.Commit("start", "", map[string]string{"NOTES": notes.String(), "data.bin": string(bin), "model.bin": pointer, "wide.txt": string(utf16)})
	r.Git("-c", "protocol.file.allow=always", "submodule", "-q", "add", sub.Dir, "vendor/sub")
	r.Commit("submodule", "", nil)
	for i := range 30 {
		files := map[string]string{"NOTES": fmt.Sprintf("release %d\n", i) + notes.String()}
		notes.Reset()
		notes.WriteString(files["NOTES"])
		switch i {
		case 3:
			files["conf/aws.ini"] = "[default]\naws_access_key_id = " + key + "\n"
		case 6:
			files["conf/aws.ini"] = "[default]\n"
			files["deploy/app.env"] = env
		case 9:
			bin[100] ^= 1
			files["data.bin"] = string(bin)
		case 12:
			files["NOTES"] += "aws_access_key_id = " + key + "\n"
		case 20:
			files["NOTES"] = strings.Replace(files["NOTES"], "aws_access_key_id = "+key+"\n", "", 1)
		}
		r.Commit(fmt.Sprint("c", i), "", files)
		if i == 8 {
			r.Git("mv", "deploy/app.env", "deploy/renamed.env")
			r.Commit("rename", "", nil)
		}
		if i == 15 {
			base := r.Git("rev-parse", "HEAD")
			r.Git("checkout", "-q", "-b", "side")
			r.Commit("side", "", map[string]string{"side/creds.env": env + "extra=1\n"})
			r.Git("checkout", "-q", "main")
			r.Commit("main again", "", map[string]string{"NOTES": "merged soon\n" + notes.String()})
			r.Git("merge", "-q", "--no-ff", "--no-edit", "side")
			_ = base
		}
	}
	if err := os.Symlink("NOTES", filepath.Join(r.Dir, "link")); err != nil {
		t.Fatal(err)
	}
	r.Commit("link", "", nil)
	return r
}

// TestInprocMatchesCatFile is the differential test of the two readers:
// on each history, stored loose, packed with deep OFS delta chains, packed
// with REF deltas, and packed with loose objects after, reading the packs
// in-process finds the same secrets with the same provenance (commit,
// path, line, author, places, still present) and skips the same blobs as
// reading every blob through git cat-file.
func TestInprocMatchesCatFile(t *testing.T) {
	histories := []struct {
		name  string
		build func(*testing.T) *gittest.Repo
	}{
		{"branchy", branchyHistory},
		{"special", specialHistory},
		{"random", func(t *testing.T) *gittest.Repo { return randomHistory(t, 0) }},
	}
	storages := []struct {
		name  string
		store func(*gittest.Repo)
	}{
		{"loose", func(*gittest.Repo) {}},
		{"ofs-deltas", func(r *gittest.Repo) { r.Git("repack", "-adfq", "--depth=50", "--window=50") }},
		{"ref-deltas", func(r *gittest.Repo) {
			r.Git("-c", "repack.useDeltaBaseOffset=false", "-c", "pack.writeReverseIndex=true", "repack", "-adfq", "--depth=10")
		}},
		{"packed-then-loose", func(r *gittest.Repo) {
			r.Git("repack", "-adfq")
			r.Commit("after the pack", "", map[string]string{"late.env": "TOKEN_SECRET=late\n", "NOTES": "late notes\n"})
		}},
	}
	for _, hc := range histories {
		r := hc.build(t)
		for _, sc := range storages {
			if testing.Short() && sc.name != "ofs-deltas" {
				continue
			}
			t.Run(hc.name+"/"+sc.name, func(t *testing.T) {
				sc.store(r)
				want := mustScan(t, r.Dir, Options{}, referenceReader)
				got := mustScan(t, r.Dir, Options{})
				if !got.hist.Stats().InProcess || want.hist.Stats().InProcess {
					t.Fatalf("in-process: %v and %v", got.hist.Stats().InProcess, want.hist.Stats().InProcess)
				}
				if len(want.findings) < 2 {
					t.Fatalf("the history holds secrets, found %v", summary(want.findings))
				}
				if g, w := summary(got.findings), summary(want.findings); !slices.Equal(g, w) {
					t.Fatalf("in-process:\n%s\ncat-file:\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
				}
				if g, w := authors(got.findings), authors(want.findings); !slices.Equal(g, w) {
					t.Fatalf("authors %v, want %v", g, w)
				}
				if g, w := skipSummary(got.stats), skipSummary(want.stats); !slices.Equal(g, w) {
					t.Fatalf("in-process skipped:\n%s\ncat-file:\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
				}
				gs, ws := got.hist.Stats(), want.hist.Stats()
				if gs.Commits != ws.Commits || gs.Blobs != ws.Blobs || gs.BlobBytes != ws.BlobBytes {
					t.Fatalf("stats %+v, want %+v", gs, ws)
				}
				t.Logf("%d findings; in-process %+v, %d bytes matched; cat-file %d bytes", len(got.findings), gs, got.stats.Bytes, want.stats.Bytes)
			})
		}
	}
}

// authors lists the author and commit of each finding, sorted.
func authors(fs []vigil.Finding) []string {
	var out []string
	for _, f := range fs {
		if c := f.Origin.Commit; c != nil {
			out = append(out, c.SHA+" "+c.Author+" "+c.Email+" "+c.Date.String())
		}
	}
	slices.Sort(out)
	return out
}

// TestInprocFallsBack checks that the repositories the in-process reader
// leaves to git are still scanned whole, through cat-file: a SHA-256
// repository and a partial clone (a promisor pack).
func TestInprocFallsBack(t *testing.T) {
	g := fakecred.New(31)
	key := "AKIA" + g.String(fakecred.Upper+fakecred.Digits, 16)
	t.Run("sha256", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "repo")
		if _, err := gittest.Try("", nil, "init", "-q", "-b", "main", "--object-format=sha256", dir); err != nil {
			t.Skipf("git cannot make a SHA-256 repository: %v", err)
		}
		if err := os.WriteFile(filepath.Join(dir, "aws.ini"), []byte("aws_access_key_id = "+key+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		gittest.Run(t, dir, "add", "-A")
		gittest.Run(t, dir, "commit", "-qm", "one")
		gittest.Run(t, dir, "repack", "-adq")
		res := mustScan(t, dir, Options{})
		if res.hist.Stats().InProcess || len(res.byRule("aws-access-key-id")) != 1 {
			t.Fatalf("in-process %v, findings %v", res.hist.Stats().InProcess, summary(res.findings))
		}
	})
	t.Run("promisor", func(t *testing.T) {
		r := gittest.New(t)
		r.Commit("one", "", map[string]string{"aws.ini": "aws_access_key_id = " + key + "\n"})
		r.Git("repack", "-adq")
		packs, _ := filepath.Glob(filepath.Join(r.Dir, ".git", "objects", "pack", "*.pack"))
		if err := os.WriteFile(strings.TrimSuffix(packs[0], ".pack")+".promisor", nil, 0o644); err != nil {
			t.Fatal(err)
		}
		res := mustScan(t, r.Dir, Options{})
		if res.hist.Stats().InProcess || len(res.byRule("aws-access-key-id")) != 1 {
			t.Fatalf("in-process %v, findings %v", res.hist.Stats().InProcess, summary(res.findings))
		}
	})
}

// TestInprocAlternates checks that a clone sharing its objects with
// another repository (objects/info/alternates) is read in-process, with
// the same findings as through cat-file.
func TestInprocAlternates(t *testing.T) {
	r := branchyHistory(t)
	r.Git("repack", "-adq")
	clone := filepath.Join(t.TempDir(), "shared")
	gittest.Run(t, "", "clone", "-q", "--shared", "--no-checkout", r.Dir, clone)
	gittest.Run(t, clone, "fetch", "-q", "origin", "+refs/tags/*:refs/tags/*")
	want := mustScan(t, clone, Options{}, referenceReader)
	got := mustScan(t, clone, Options{})
	if !got.hist.Stats().InProcess {
		t.Fatal("a clone with alternates was not read in-process")
	}
	if g, w := summary(got.findings), summary(want.findings); !slices.Equal(g, w) || len(w) == 0 {
		t.Fatalf("in-process:\n%s\ncat-file:\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
	}
}
