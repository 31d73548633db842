"""`meshdrill grade ID FILE... [-o json]`: exit 0 pass, 1 fail, 2 bad input."""

from __future__ import annotations

import json

from click.testing import CliRunner

from engine.grading.exercise import find_exercise
from trainer.exercises import shipped_exercises
from trainer.app import App
from trainer.cli import cli
from trainer.render.theme import make_console

CANARY = find_exercise(shipped_exercises(), "canary-10")


def grade(tmp_path, *args):
    app = App(home=tmp_path / "home", console=make_console(width=200))
    return CliRunner().invoke(cli, ["grade", *args], obj=app)


def test_pass_exits_0_and_lists_every_check(tmp_path):
    answer = tmp_path / "vs.yaml"
    answer.write_text(CANARY.solution)
    result = grade(tmp_path, "canary-10", str(answer))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("PASS  4/4 checks · score 100%")
    assert "✓ v2-share  stream 'main': between 7% and 13% of requests reach reviews version=v2" in result.output


def test_fail_exits_1_with_observed_expected_and_counterexample(tmp_path):
    answer = tmp_path / "vs.yaml"
    answer.write_text(CANARY.wrong_answers[0].yaml)
    result = grade(tmp_path, "canary-10", str(answer))
    assert result.exit_code == 1
    assert "✗ v2-share" in result.output and "observed 90% (1800/2000); expected between 7% and 13%" in result.output
    rule = next(line for line in result.output.splitlines() if "rule 0 of VirtualService default/reviews" in line)
    assert rule.endswith(f"({answer}:7)")        # the counter-example points at the answer's rule


def test_several_files_and_json(tmp_path):
    dr = tmp_path / "dr.yaml"
    dr.write_text("apiVersion: networking.istio.io/v1beta1\nkind: DestinationRule\nmetadata: {name: extra}\n"
                  "spec: {host: reviews, trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}}\n")
    vs = tmp_path / "vs.yaml"
    vs.write_text(CANARY.solution)
    result = grade(tmp_path, "canary-10", str(vs), str(dr), "-o", "json")
    data = json.loads(result.output)
    assert result.exit_code == 0 and data["passed"] and data["score"] == 1.0
    assert [c["id"] for c in data["checks"]] == ["accepted", "v2-share", "v1-share", "ok"]


def test_rejected_object_fails_with_istio_message_and_line(tmp_path):
    answer = tmp_path / "vs.yaml"
    answer.write_text(CANARY.solution.replace("weight: 10", "weight: -10"))
    result = grade(tmp_path, "canary-10", str(answer))
    assert result.exit_code == 1
    assert f"rejected: {answer}:" in result.output and "weight" in result.output


def test_bad_input_exits_2(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: [oops\n")
    syntax = grade(tmp_path, "canary-10", str(broken))
    assert syntax.exit_code == 2 and f"{broken}:2: YAML syntax error" in syntax.output
    missing = grade(tmp_path, "canary-10", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2 and "no such file" in missing.output
    unknown = grade(tmp_path, "no-such-exercise", str(broken))
    assert unknown.exit_code == 2 and "no exercise with id 'no-such-exercise'" in unknown.output


def test_unreadable_answers_are_one_line_that_names_the_file_and_never_mentions_f(tmp_path):
    missing = grade(tmp_path, "canary-10", str(tmp_path / "nope.yaml"))
    assert missing.output == f"meshdrill: error: {tmp_path / 'nope.yaml'}: no such file or folder (check the path)\n"
    binary = tmp_path / "answer.yaml"
    binary.write_bytes(b"\xff\xfe\x00binary")
    result = grade(tmp_path, "canary-10", str(binary))
    assert result.exit_code == 2 and result.output.count("\n") == 1 and "answer.yaml:1: not UTF-8" in result.output
    folder = grade(tmp_path, "canary-10", str(tmp_path))
    assert folder.exit_code == 2 and "is a directory" in folder.output and "Traceback" not in folder.output
