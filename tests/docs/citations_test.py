#!/usr/bin/env python3
"""Every document the code cites exists in the repository, with the cited section.

Scans the sources, tests, benchmarks, scripts, schema and contracts for citations such as
`doc/wire.md 3.4`, `doc/pm.md 2.1-2.4`, `doc/wire.md sections 3 and 4`, `doc/wire.md 3
"Result signature"` or `doc/wire.md "Conventions"`, and fails, naming file and line, when the
document is missing, a numbered section has no heading (`## 3.` / `### 3.4`), or a quoted
section name appears in no heading. A citation of a doc/ file without a section only needs the
file. A citation without the `doc/` prefix is a problem too: it points nowhere in a clone.
And every file path the docs (doc/*.md, README.md) name in backquotes must exist.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCAN = ["src", "tests", "bench", "scripts", "proto", "contracts", "cmake", "CMakeLists.txt",
        "Makefile", "README.md", ".ci"]
SUFFIXES = {".h", ".cc", ".py", ".js", ".sol", ".proto", ".txt", ".cmake", ".md", ""}
CITATION = re.compile(
    r'doc/([a-z]+\.md)'                                   # the document
    r'((?:\s*(?:,|and|-|–|sections?|§)?\s*\d+(?:\.\d+)*)*)'  # numbered sections, lists, ranges
    r'(?:,?\s*"([^"]+)")?')                               # an optional quoted section name
PATH = re.compile(r'`((?:src|tests|scripts|bench|proto|contracts|tools)/[\w./-]*\w)`')
BARE = re.compile(r'(?<![/\w.])(wire|pm|transcode|ops|ai)\.md\b')


def headings(doc):
    numbers, names = set(), []
    for line in doc.read_text(encoding="utf-8").splitlines():
        m = re.match(r'#{2,4}\s+(\d+(?:\.\d+)*)\.?\s*(.*)', line)
        if m:
            numbers.add(m.group(1))
            names.append(m.group(2))
        elif line.startswith("##"):
            names.append(line.lstrip("#").strip())
    return numbers, names


def files():
    for entry in SCAN:
        path = ROOT / entry
        if path.is_file():
            yield path
        elif path.is_dir():
            for p in sorted(path.rglob("*")):
                if p.is_file() and p.suffix in SUFFIXES and "node_modules" not in p.parts:
                    yield p


def main():
    problems, count = [], 0
    cache = {}
    for path in files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for lineno, line in enumerate(text.splitlines(), 1):
            for m in BARE.finditer(line):
                problems.append(f"{path.relative_to(ROOT)}:{lineno}: cite doc/{m.group(0)}")
            for m in CITATION.finditer(line):
                count += 1
                where = f"{path.relative_to(ROOT)}:{lineno}"
                doc = ROOT / "doc" / m.group(1)
                if not doc.is_file():
                    problems.append(f"{where}: doc/{m.group(1)} does not exist")
                    continue
                numbers, names = cache.setdefault(doc, headings(doc))
                for number in re.findall(r'\d+(?:\.\d+)*', m.group(2) or ""):
                    if number not in numbers:
                        problems.append(f"{where}: doc/{m.group(1)} has no section {number}")
                name = m.group(3)
                if name and not any(name.lower() in h.lower() for h in names):
                    problems.append(f'{where}: doc/{m.group(1)} has no section "{name}"')
    # The docs name files too (doc/architecture.md maps steps and threads to files).
    for doc in sorted((ROOT / "doc").glob("*.md")) + [ROOT / "README.md"]:
        for lineno, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
            for m in PATH.finditer(line):
                count += 1
                if not (ROOT / m.group(1)).exists():
                    where = f"{doc.relative_to(ROOT)}:{lineno}"
                    problems.append(f"{where}: {m.group(1)} does not exist")
    for p in problems:
        print(p)
    print(f"{count} citations checked, {len(problems)} problems")
    return 1 if problems or count == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
