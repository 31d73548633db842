"""Grading a 10,000-request exercise end to end, as a ratio to a baseline measured in the same run.

Baseline: `yaml.safe_load_all` of the same YAML texts the grader reads (cluster, traffic, answer):
the cost of merely parsing the input. Each case grades the reference solution (every check
passes) and a known wrong answer (checks fail, so counter-examples are searched with traced
re-runs), with the exercise's traffic scaled to 10,000 requests per stream. "cold" clears the
admitted starting cluster first (a fresh `meshdrill grade` process); medians are printed.
Target: well under a second per grade.

    .venv/bin/python bench/grade.py [--runs 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import re

import yaml

from _common import median_seconds
from engine.grading import grader
from engine.grading.exercise import find_exercise
from trainer.exercises import shipped_exercises

CASES = ("canary-10", "retries-flaky-backend", "outlier-detection-bad-pod", "circuit-breaker-pool",
         "progressive-delivery-strict")
REQUESTS = 10_000


def scaled(exercise):
    return dataclasses.replace(exercise, traffic=re.sub(r"requests: \d+", f"requests: {REQUESTS}", exercise.traffic))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    exercises = shipped_exercises()
    print(f"{'exercise':30} {'answer':8} {'requests':>8} {'baseline':>9} {'cold':>9} {'warm':>9} {'ratio':>7}")
    worst = 0.0
    for name in CASES:
        exercise = scaled(find_exercise(exercises, name))
        streams = sum(1 for _ in re.finditer(r"requests: ", exercise.traffic))
        for label, answer in (("solution", exercise.solution), ("wrong", exercise.wrong_answers[0].yaml)):
            texts = (exercise.cluster, exercise.traffic, answer)
            baseline = median_seconds(lambda: [list(yaml.safe_load_all(t)) for t in texts], runs)

            def cold():
                grader._STARTS.clear()
                grader.grade(exercise, [("answer.yaml", answer)])

            cold_s = median_seconds(cold, runs)
            warm_s = median_seconds(lambda: grader.grade(exercise, [("answer.yaml", answer)]), runs)
            worst = max(worst, cold_s)
            print(f"{name:30} {label:8} {streams * REQUESTS:>8} {baseline * 1e3:>7.1f}ms {cold_s * 1e3:>7.1f}ms "
                  f"{warm_s * 1e3:>7.1f}ms {cold_s / baseline:>6.1f}x")
    print(f"slowest cold grade: {worst * 1e3:.0f} ms (target: well under 1000 ms)")


if __name__ == "__main__":
    main()
