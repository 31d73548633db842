"""The grade view, rendered to text exactly as a learner sees it."""

from __future__ import annotations

import io

from engine import messages
from engine.grading.grader import CheckResult, Grade
from trainer.render.grade import grade_view, list_view, reflow
from trainer.render.theme import make_console


def render(renderable) -> str:
    screen = io.StringIO()
    make_console(file=screen, width=140).print(renderable)
    return screen.getvalue()


def test_failed_grade_shows_observed_expected_counterexample_and_findings():
    finding = messages.make("IST0130", "#1", "route without matches defined before",
                            origin="VirtualService default/reviews", file="a.yaml", line=9)
    grade = Grade("t", [
        CheckResult("accepted", "every object you submit is accepted", True, "everything accepted", "-"),
        CheckResult("jason-v2", "stream 'jason': 100% of requests reach reviews version=v2", False,
                    "0% (0/300)", "100%", "request 0 went to reviews-v1-0 (200)",
                    ("rule 0 of VirtualService default/reviews matches (a.yaml:7)",)),
    ], findings=[finding])
    assert render(grade_view(grade)) == (
        "FAIL  1/2 checks · score 50%\n"
        "  ✓ accepted  every object you submit is accepted\n"
        "  ✗ jason-v2  stream 'jason': 100% of requests reach reviews version=v2\n"
        "      observed 0% (0/300); expected 100%\n"
        "      e.g. request 0 went to reviews-v1-0 (200):\n"
        "        - rule 0 of VirtualService default/reviews matches (a.yaml:7)\n"
        "  findings (istioctl analyze):\n"
        "    Warning [IST0130] (VirtualService default/reviews a.yaml:9) VirtualService rule #1 not used "
        "(route without matches defined before).\n")


def test_passed_grade_is_short():
    grade = Grade("t", [CheckResult("ok", "stream 'main': status 200 for 100% of requests", True, "100%", "100%")])
    assert render(grade_view(grade)) == ("PASS  1/1 checks · score 100%\n"
                                         "  ✓ ok  stream 'main': status 200 for 100% of requests\n")


def test_reflow_joins_prose_and_keeps_list_items():
    text = "Do this\nand that:\n- one\n- two\n  continued\n\nNext paragraph\nhere.\n"
    assert reflow(text) == "Do this and that:\n- one\n- two continued\n\nNext paragraph here."


def test_simulator_uncertainty_is_said_once():
    from engine.simulation.result import SimulationResult, StreamResult

    note = "connection-pool overflow counts come from a one-worker model"
    streams = [StreamResult(i, "a", "b", 1, uncertain=[note]) for i in range(2)]
    grade = Grade("t", [CheckResult("ok", "d", True, "x", "y")], result=SimulationResult(streams=streams))
    assert render(grade_view(grade)).count(f"note: {note}") == 1


def test_exercise_list_fits_80_columns_with_ids_whole_and_titles_wrapped_under_the_title():
    from trainer.exercises import shipped_exercises

    exercises = sorted(shipped_exercises(), key=lambda e: e.level)
    screen = io.StringIO()
    make_console(file=screen, width=80).print(list_view(exercises, {exercises[0].id: "passed"}))
    lines = [line.rstrip() for line in screen.getvalue().splitlines()]
    assert lines[0] == f"Hands-on exercises ({len(exercises)})"
    assert lines[1].split() == ["lvl", "id", "status", "title"]
    assert max(map(len, lines)) <= 80 and "…" not in "\n".join(lines)
    first = lines[2].split()
    assert first[:3] == [str(exercises[0].level), exercises[0].id, "passed"]
    title_column = lines[1].index("title")
    for line in lines[2:]:                       # continuation lines hold title words only
        if not line[:title_column].strip():
            assert line[title_column] != " "
    ids = {line.split()[1] for line in lines[2:] if line[:title_column].strip()}
    assert ids == {e.id for e in exercises}


def test_at_80_columns_wrapped_checks_and_services_hang_under_their_text():
    from engine.grading.grader import start_of
    from trainer.exercises import exercise
    from trainer.render.grade import sheet_view

    chosen = exercise("canary-10")
    screen = io.StringIO()
    make_console(file=screen, width=80).print(sheet_view(chosen, start_of(chosen)))
    lines = [line.rstrip() for line in screen.getvalue().splitlines()]
    service = next(i for i, line in enumerate(lines) if line.startswith("  service default/reviews"))
    assert lines[service + 1] == "          app=reviews,version=v2 ×1"
    accepted = next(i for i, line in enumerate(lines) if line.startswith("  • accepted: "))
    assert lines[accepted + 1] == "    webhook)"
