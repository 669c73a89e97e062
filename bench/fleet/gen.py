#!/usr/bin/env python3
"""Generates N bare repositories DIR/r1.git … DIR/rN.git with git
fast-import: COMMITS commits each over a few dozen files, with a
GitHub-format token (made up here, with a valid checksum) added in every
20th commit. Usage: gen.py DIR N COMMITS"""
import io, os, random, string, subprocess, sys, zlib

B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase

def token(r):
    body = "".join(r.choice(string.ascii_letters + string.digits) for _ in range(30))
    n, c = zlib.crc32(body.encode()), ""
    for _ in range(6):
        c = B62[n % 62] + c
        n //= 62
    return "ghp_" + body + c

def stream(seed, commits):
    r = random.Random(seed)
    out = io.BytesIO()
    files = {f"src/mod{i}.py": [f"# module {i}\n"] for i in range(40)}
    words = ["alpha", "beta", "gamma", "delta", "value", "config", "return", "items", "count"]
    for c in range(commits):
        path = r.choice(sorted(files))
        lines = files[path]
        for _ in range(r.randint(3, 12)):
            lines.insert(r.randint(0, len(lines)), "x_%d = %s(%d)\n" % (r.randint(0, 1 << 30), r.choice(words), r.randint(0, 999)))
        if c % 20 == 19:
            lines.append('GITHUB_TOKEN = "%s"\n' % token(r))
        data = "".join(lines).encode()
        msg = b"commit %d\n" % c
        ts = 1700000000 + c * 60
        out.write(b"commit refs/heads/main\n")
        out.write(b"committer Bench <bench@example.com> %d +0000\n" % ts)
        out.write(b"data %d\n%s" % (len(msg), msg))
        out.write(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))
    out.write(b"done\n")
    return out.getvalue()

def main():
    root, n, commits = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for i in range(1, n + 1):
        d = os.path.join(root, "r%d.git" % i)
        subprocess.run(["git", "init", "-q", "--bare", d], check=True)
        subprocess.run(["git", "-C", d, "fast-import", "--quiet"], input=stream(i, commits), check=True)
        subprocess.run(["git", "-C", d, "symbolic-ref", "HEAD", "refs/heads/main"], check=True)

main()
