// Command genhashes writes N random SHA-1 hashes in the Pwned Passwords
// "ordered by hash" format (HASH:COUNT, CRLF, sorted) to stdout, streaming,
// in constant memory. It is benchmark input, not real breach data.
//
//	go run ./bench/passphrase/genhashes -n 10000000 > hashes.txt
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
)

func main() {
	n := flag.Uint64("n", 1_000_000, "number of hashes")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *n == 0 {
		fmt.Fprintln(os.Stderr, "genhashes: -n must be positive")
		os.Exit(2)
	}
	rng := rand.New(rand.NewPCG(*seed, 2))
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	// The first 8 bytes of hash i lie in [i*step, (i+1)*step): strictly
	// increasing, so the output is sorted without holding it.
	step := ^uint64(0) / *n
	var d [20]byte
	line := make([]byte, 0, 64)
	for i := uint64(0); i < *n; i++ {
		binary.BigEndian.PutUint64(d[:8], i*step+rng.Uint64N(step))
		binary.BigEndian.PutUint64(d[8:16], rng.Uint64())
		binary.BigEndian.PutUint32(d[16:], rng.Uint32())
		line = line[:40]
		hex.Encode(line, d[:])
		for j, c := range line {
			if c >= 'a' {
				line[j] = c - 'a' + 'A'
			}
		}
		line = append(line, ':')
		// Counts fall off like real ones: most hashes were seen a few times.
		line = strconv.AppendUint(line, 1+uint64(1/(rng.Float64()+1e-6)), 10)
		line = append(line, '\r', '\n')
		if _, err := w.Write(line); err != nil {
			fmt.Fprintln(os.Stderr, "genhashes:", err)
			os.Exit(1)
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "genhashes:", err)
		os.Exit(1)
	}
}
