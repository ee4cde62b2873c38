#!/usr/bin/env python3
"""Writes the hostile report shapes of docs/PERFORMANCE.md ("Hostile shapes (issue 11)").

Each file is the seed report (up to its first-level indicators) plus one shape: one line of
tens of thousands to millions of inline tables, 100,000-deep lists, a million findings, and
the largest shapes the loader still admits (just under `store::load::limits`).

Usage: python3 scripts/hostile_shapes.py OUT_DIR [NAME ...]   (standard library only)
Then, for example:
  /usr/bin/time -f '%e s %M KB' target/release/jixiao check OUT_DIR/ind40000.toml > /dev/null
  /usr/bin/time -f '%e s %M KB' target/release/jixiao check OUT_DIR/ind40000.toml --format json > /dev/null
"""

import os
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = open(os.path.join(HERE, "examples", "lusong-emergency-2023.toml"), encoding="utf-8").read()
# The seed up to (not including) its first [[score_sheet.groups]].
HEAD = "\n".join(SEED.split("\n")[:222]) + "\n"
GROUP = '[[score_sheet.groups]]\nname = "产出指标"\nweight = 40\n'
RICH = '{category="数量指标",name="x",target="1",actual="2",weight=1,score=2,deviation="无"}'


def inline(items):
    """A first-level indicator whose indicators are written inline on one line."""
    return HEAD + GROUP + "indicators = [" + ",".join(items) + "]\n"


SHAPES = {
    # One line of N inline indicators, each a C12 finding (no name, yet a score).
    **{f"ind{n}": (lambda n=n: inline(["{score=1}"] * n)) for n in (5000, 10000, 20000, 40000)},
    # One line of a million (3 MB) and of 5.5 million (16.5 MB) empty inline tables.
    "empty1m": lambda: inline(["{}"] * 1_000_000),
    "empty16m": lambda: inline(["{}"] * 5_500_000),
    # 1.6 million findings on one line (16 MB).
    "score16m": lambda: inline(["{score=1}"] * 1_600_000),
    # 100,000-deep lists and inline tables; 8 million-deep lists (16 MB).
    "deeparr": lambda: "junk = " + "[" * 100_000 + "]" * 100_000 + "\n" + HEAD,
    "deeptab": lambda: "junk = " + "{a=" * 100_000 + "1" + "}" * 100_000 + "\n" + HEAD,
    "deeparr16m": lambda: "junk = " + "[" * 8_000_000 + "]" * 8_000_000 + "\n" + HEAD,
    # 390,000 rows written as [[…]] headers (16.4 MB).
    "lines": lambda: HEAD + GROUP + "[[score_sheet.groups.indicators]]\nscore=1\n" * 390_000,
    # The largest shapes still admitted.
    "c-rows": lambda: inline(["{score=1}"] * 149_000),
    "c-richrows": lambda: inline([RICH] * 88_000),
    "c-headers": lambda: HEAD + GROUP + "[[score_sheet.groups.indicators]]\nscore=1\n" * 149_000,
    "c-keys": lambda: "".join(f"k{i}=1\n" for i in range(620_000)) + HEAD,
    "c-ints": lambda: "junk = [" + ",".join(["1"] * 620_000) + "]\n" + HEAD,
    "c-dotted": lambda: "".join(f"k{i}.a=1\n" for i in range(149_000)) + HEAD,
}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name in sys.argv[2:] or SHAPES:
        text = SHAPES[name]()
        path = os.path.join(out, name + ".toml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"{path}: {len(text.encode('utf-8')):,} bytes")


if __name__ == "__main__":
    main()
