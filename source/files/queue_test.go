package files

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
)

func TestJobQueueArchivesFirst(t *testing.T) {
	for _, prefer := range []bool{true, false} {
		q := newJobQueue(prefer, 1)
		for _, n := range []string{"a.go", "lib.jar", "b.txt", "data.tar.gz", "c.md"} {
			if !q.put(context.Background(), job{name: n}) {
				t.Fatal("put refused")
			}
		}
		q.close()
		var got []string
		q.each(func(j job) { got = append(got, j.name) })
		want := []string{"lib.jar", "data.tar.gz", "a.go", "b.txt", "c.md"}
		if !prefer {
			want = []string{"a.go", "lib.jar", "b.txt", "data.tar.gz", "c.md"}
		}
		if !slices.Equal(got, want) {
			t.Errorf("prefer=%v: order %q, want %q", prefer, got, want)
		}
	}
}

func TestJobQueuePutCancelled(t *testing.T) {
	q := &jobQueue{archives: make(chan job), plain: make(chan job)}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if q.put(ctx, job{name: "a.go"}) {
		t.Error("put on a full queue with a cancelled context succeeded")
	}
}

func TestArchiveName(t *testing.T) {
	for name, want := range map[string]bool{
		"x/lib.JAR": true, "a.tar.gz": true, "a.tgz": true, "t.bz2": true, "w.whl": true,
		"main.go": false, "gz": false, "README": false, "archive.txt": false,
	} {
		if got := archiveName(name); got != want {
			t.Errorf("archiveName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestJobQueueManyReaders(t *testing.T) {
	q := newJobQueue(true, 1)
	want := map[string]bool{}
	go func() {
		for i := range 300 {
			name := fmt.Sprintf("f%d.go", i)
			if i%3 == 0 {
				name = fmt.Sprintf("a%d.zip", i)
			}
			q.put(context.Background(), job{name: name})
		}
		q.close()
	}()
	for i := range 300 {
		if i%3 == 0 {
			want[fmt.Sprintf("a%d.zip", i)] = true
		} else {
			want[fmt.Sprintf("f%d.go", i)] = true
		}
	}
	var mu sync.Mutex
	got := map[string]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q.each(func(j job) {
				mu.Lock()
				got[j.name]++
				mu.Unlock()
			})
		}()
	}
	wg.Wait()
	for name := range want {
		if got[name] != 1 {
			t.Errorf("%s read %d times, want once", name, got[name])
		}
	}
	if len(got) != len(want) {
		t.Errorf("read %d distinct jobs, want %d", len(got), len(want))
	}
}
