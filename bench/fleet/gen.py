#!/usr/bin/env python3
"""Generates N bare repositories DIR/r1.git … DIR/rN.git, fast: one
'git fast-import' writes every history into one object store
(DIR/objects.git, a branch per repository), and each repository is a
bare repository of its own whose refs point into that store through
objects/info/alternates (as a hosting service keeps forks). No git
process runs per repository.

Each history has COMMITS commits over forty files, seeded by the
repository's number, with a GitHub-format token (made up here, with a
valid checksum) added in every 20th commit: no two repositories share a
token. A push to one repository writes into its own object directory
and leaves the others alone.

Usage: gen.py DIR N COMMITS"""
import os, random, string, subprocess, sys, zlib

B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
WORDS = ["alpha", "beta", "gamma", "delta", "value", "config", "return", "items", "count"]


def token(r):
    body = "".join(r.choice(string.ascii_letters + string.digits) for _ in range(30))
    n, c = zlib.crc32(body.encode()), ""
    for _ in range(6):
        c = B62[n % 62] + c
        n //= 62
    return "ghp_" + body + c


def history(out, repo, commits):
    """Writes one repository's history to the fast-import stream."""
    r = random.Random(repo)
    files = {"src/mod%d.py" % i: ["# module %d of repository %d\n" % (i, repo)] for i in range(40)}
    names = sorted(files)
    for c in range(commits):
        path = r.choice(names)
        lines = files[path]
        for _ in range(r.randint(3, 12)):
            lines.insert(r.randint(0, len(lines)), "x_%d = %s(%d)\n" % (r.randint(0, 1 << 30), r.choice(WORDS), r.randint(0, 999)))
        if c % 20 == 19:
            lines.append('GITHUB_TOKEN = "%s"\n' % token(r))
        data = "".join(lines).encode()
        msg = b"commit %d\n" % c
        out.write(b"commit refs/heads/r%d\n" % repo)
        out.write(b"committer Bench <bench@example.com> %d +0000\n" % (1700000000 + c * 60))
        out.write(b"data %d\n%s" % (len(msg), msg))
        out.write(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def main():
    root, n, commits = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    store = os.path.join(root, "objects.git")
    subprocess.run(["git", "init", "-q", "--bare", store], check=True)
    fi = subprocess.Popen(["git", "-C", store, "fast-import", "--quiet", "--active-branches=2"], stdin=subprocess.PIPE)
    for i in range(1, n + 1):
        history(fi.stdin, i, commits)
    fi.stdin.write(b"done\n")
    fi.stdin.close()
    if fi.wait() != 0:
        sys.exit("git fast-import failed")
    tips = subprocess.run(["git", "-C", store, "for-each-ref", "--format=%(refname:strip=2) %(objectname)", "refs/heads/"],
                          check=True, capture_output=True, text=True).stdout.split("\n")
    objects = os.path.abspath(os.path.join(store, "objects"))
    for line in filter(None, tips):
        name, oid = line.split()
        d = os.path.join(root, name + ".git")
        for sub in ("objects/info", "objects/pack", "refs/heads", "refs/tags"):
            os.makedirs(os.path.join(d, sub))
        write(os.path.join(d, "HEAD"), "ref: refs/heads/main\n")
        write(os.path.join(d, "config"), "[core]\n\trepositoryformatversion = 0\n\tbare = true\n")
        write(os.path.join(d, "objects/info/alternates"), objects + "\n")
        write(os.path.join(d, "refs/heads/main"), oid + "\n")


main()
