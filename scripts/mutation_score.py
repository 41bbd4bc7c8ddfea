"""Print the mutation score of a mutmut run, leaving out the equivalent mutants we accept.

Usage: mutation_score.py STATS_JSON SURVIVORS_TXT EQUIVALENTS_TXT

A mutant that times out counts as detected (the tests noticed the change); one with no test
counts as surviving. Equivalent mutants (the program behaves the same) are listed with the
reason in EQUIVALENTS_TXT, one ``name  # reason`` per line; only those that did survive are
taken out of the total. Exits 1 below the goal.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

GOAL = 90.0


def main(stats_path: str, survivors_path: str, equivalents_path: str) -> int:
    stats = json.loads(Path(stats_path).read_text())
    survivors = {
        line.split(":")[0].strip()
        for line in Path(survivors_path).read_text().splitlines()
        if line.strip().endswith(("survived", "no tests"))
    }
    accepted = {
        line.split("#")[0].strip()
        for line in Path(equivalents_path).read_text().splitlines()
        if line.split("#")[0].strip()
    }
    equivalent = survivors & accepted
    detected = stats["killed"] + stats["timeout"]
    counted = stats["total"] - stats["skipped"] - len(equivalent)
    score = 100.0 * detected / counted if counted else 0.0
    print(
        f"mutation: {detected} of {counted} mutants detected, score {score:.1f} % "
        f"(goal {GOAL:.0f} %; {stats['survived']} survived, {stats['no_tests']} without a test, "
        f"{len(equivalent)} accepted as equivalent and left out)"
    )
    for name in sorted(survivors - accepted):
        print(f"  survived: {name}")
    return 0 if score >= GOAL else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
