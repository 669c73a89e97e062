// Command githubapi serves the repositories bench/fleet/gen.py made
// (DIR/r1.git … DIR/rN.git, cloned over file://) as the GitHub
// organisation "bench", through the fake GitHub API the fleet's tests
// use (fleet/enumerate/enumeratetest: pagination, rate-limit headers,
// pushed_at). Every repository's pushed_at is two hours before the
// start; POST /_bench/push?repo=rK moves rK's to now, as a push to
// GitHub does. It prints the API's URL and serves until killed.
//
// Usage: githubapi DIR N
package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/vigilsec/vigil/fleet/enumerate/enumeratetest"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: githubapi DIR N")
		os.Exit(2)
	}
	dir, err := filepath.Abs(os.Args[1])
	n, err2 := strconv.Atoi(os.Args[2])
	if err != nil || err2 != nil || n <= 0 {
		fmt.Fprintln(os.Stderr, "githubapi: want a directory and a number of repositories")
		os.Exit(2)
	}
	api := enumeratetest.NewGitHub()
	defer api.Close()
	start := time.Now().UTC().Add(-2 * time.Hour)
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("r%d", i)
		api.Add(enumeratetest.Repo{Owner: "bench", Name: name, CloneURL: "file://" + filepath.Join(dir, name+".git"), PushedAt: start})
	}
	push := http.NewServeMux()
	push.HandleFunc("POST /_bench/push", func(w http.ResponseWriter, r *http.Request) {
		api.Push("bench", r.URL.Query().Get("repo"), time.Now().UTC())
		w.WriteHeader(http.StatusNoContent)
	})
	fake := api.Config.Handler
	api.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/_bench/push" {
			push.ServeHTTP(w, r)
			return
		}
		fake.ServeHTTP(w, r)
	})
	fmt.Println(api.URL)
	select {}
}
