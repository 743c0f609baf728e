"""The command-line flow of issue 22 on real music the model never trained on: scan 150
Grekow clips into a fresh library, answer `ask`'s 20 questions with `tag` (the clips' labels
play the person), then `list --json` shows the rest adjusted; prints how many untagged
files had the labelled quarter before and after.

    .venv/bin/python scripts/learning_flow.py [--clips 150] [--answers 20] [--work DIR]

Grekow is evaluation only: nothing here trains the shipped model. Needs ../shared/data.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GREKOW = ROOT.parent / "shared" / "data" / "grekow"
WORDS = {"PV-PA": "happy", "NV-PA": "tense", "NV-NA": "sad", "PV-NA": "calm"}


def cli(data: Path, *args: str) -> str:
    command = [str(ROOT / ".venv" / "bin" / "ver-desktop"), "--data-dir", str(data), *args]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return done.stdout or done.stderr  # `tag` says what it did on stderr


def rows(text: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for line in text.splitlines():
        if line.strip():
            row = json.loads(line)
            found[Path(row["path"]).name] = row
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=150)
    parser.add_argument("--answers", type=int, default=20)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="learning-flow-"))
    music, data = work / "music", work / "data"
    music.mkdir(parents=True)
    with open(GREKOW / "labels.csv", encoding="utf-8") as handle:
        labels = list(csv.DictReader(handle))
    random.Random(7).shuffle(labels)
    truth = {}
    for row in labels[:args.clips]:
        source = next((GREKOW / "audio").glob(f"{row['id']}.*"))
        shutil.copy(source, music / source.name)
        truth[source.name] = row["quadrant"]
    print(cli(data, "--workers", "2", "scan", str(music)).strip().splitlines()[-2])
    before = rows(cli(data, "list", "--json"))
    asked = [json.loads(line) for line in cli(data, "ask", "--count", str(args.answers),
                                                "--json").splitlines() if line.strip()]
    for question in asked:
        said = cli(data, "tag", question["path"], WORDS[truth[Path(question["path"]).name]])
        print(said.strip().splitlines()[-1] if said.strip() else "(nothing said)")
    after = rows(cli(data, "list", "--json"))
    print(cli(data, "agreement").strip())
    untagged = [n for n, r in after.items() if not r["corrected"]]
    adjusted = [n for n in untagged if after[n]["adjusted"]]

    def right(found: dict[str, dict[str, Any]], names: list[str]) -> int:
        return sum(found[n]["quadrant"] == truth[n] for n in names)

    print(f"untagged files: {len(untagged)}; the labelled quarter before "
          f"{right(before, untagged)}, after {right(after, untagged)}")
    print(f"adjusted files: {len(adjusted)}; the labelled quarter before "
          f"{right(before, adjusted)}, after {right(after, adjusted)}")
    if args.work is None:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
