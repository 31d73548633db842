"""`meshdrill analyze`: istioctl's line format, JSON/YAML keys, thresholds and exit codes
(istioctl/pkg/analyze/analyze.go, istioctl/pkg/util/formatting/formatter.go, analyzers.md §2)."""

import json

import yaml
from click.testing import CliRunner

from trainer.cli import cli

VS = """apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - route:
    - destination:
        host: reviews
        subset: v3
"""
SVC = """apiVersion: v1
kind: Service
metadata:
  name: reviews
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
"""
GATEWAY_8004 = """apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: gw
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 8004, name: http, protocol: HTTP}
    hosts: ["*"]
"""
HOST_SUBSET = 'Error [IST0101] (VirtualService default/reviews {f}:10) Referenced host+subset in destinationrule not found: "reviews+v3"'
FAILED = ("Error: Analyzers found issues when analyzing all namespaces.\n"
          "See https://istio.io/latest/docs/reference/config/analysis for more information about causes and resolutions.\n")


def invoke(tmp_path, *docs, args=()):
    paths = []
    for i, doc in enumerate(docs):
        path = tmp_path / f"f{i}.yaml"
        path.write_text(doc)
        paths += ["-f", str(path)]
    return CliRunner().invoke(cli, ["analyze", *paths, *args])


def test_log_lines_closing_message_and_exit_79(tmp_path):
    result = invoke(tmp_path, VS, SVC)
    assert result.exit_code == 79
    assert result.stdout == HOST_SUBSET.format(f=tmp_path / "f0.yaml") + "\n"
    assert result.stderr == FAILED


def test_clean_input_says_so_on_stderr(tmp_path):
    result = invoke(tmp_path, SVC.replace("{app: reviews}", "{}").replace("http,", "http,"))
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == "\u2714 No validation issues found when analyzing all namespaces.\n"


def test_warnings_pass_the_default_threshold_but_fail_a_lower_one(tmp_path):
    ok = invoke(tmp_path, GATEWAY_8004)
    assert ok.exit_code == 0 and ok.stdout.startswith("Warning [IST0162] (Gateway default/gw ")
    assert ok.stderr == ""
    strict = invoke(tmp_path, GATEWAY_8004, args=["--failure-threshold", "Warning"])
    assert strict.exit_code == 79 and strict.stderr == FAILED


def test_output_threshold_filters_but_exit_code_uses_everything(tmp_path):
    result = invoke(tmp_path, VS, SVC, args=["--output-threshold", "Warning"])
    assert result.exit_code == 79 and "IST0101" in result.stdout
    hidden = invoke(tmp_path, GATEWAY_8004, args=["--output-threshold", "Error", "--failure-threshold", "Warning"])
    assert hidden.stdout == "" and hidden.exit_code == 79


def test_json_is_istioctls_array_and_exits_0(tmp_path):
    result = invoke(tmp_path, VS, SVC, args=["-o", "json"])
    assert result.exit_code == 0
    assert result.stdout.startswith("[\n\t{\n\t\t\"code\": \"IST0101\",")
    assert json.loads(result.stdout) == [{
        "code": "IST0101",
        "documentationUrl": "https://istio.io/latest/docs/reference/config/analysis/ist0101/?ref=istioctl-analyze",
        "level": "Error",
        "message": 'Referenced host+subset in destinationrule not found: "reviews+v3"',
        "origin": "VirtualService default/reviews",
        "reference": f"{tmp_path / 'f0.yaml'}:10",
    }]


def test_yaml_has_the_same_keys_and_empty_is_an_empty_list(tmp_path):
    result = invoke(tmp_path, VS, SVC, args=["-o", "yaml"])
    assert result.exit_code == 0
    (item,) = yaml.safe_load(result.stdout)
    assert sorted(item) == ["code", "documentationUrl", "level", "message", "origin", "reference"]
    empty = invoke(tmp_path, SVC, args=["-o", "json", "--output-threshold", "Error"])
    assert empty.stdout == "[]\n"
    assert invoke(tmp_path, SVC, args=["-o", "yaml", "--output-threshold", "Error"]).stdout == "[]\n"


def test_api_server_rejections_appear_with_md_codes(tmp_path):
    result = invoke(tmp_path, VS.replace("subset: v3", "subset: v3\n      weigth: 10"), SVC)
    assert result.exit_code == 79
    assert "Error [MD0020] (VirtualService default/reviews" in result.stdout


def test_bad_path_is_one_line_and_exit_2(tmp_path):
    result = CliRunner().invoke(cli, ["analyze", "-f", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "missing.yaml" in result.stderr and "Traceback" not in result.stderr


def test_stdin(tmp_path):
    result = CliRunner().invoke(cli, ["analyze", "-f", "-"], input=VS + "---\n" + SVC)
    assert result.exit_code == 79 and "Referenced host+subset" in result.stdout


def test_terminal_colours_only_the_level_word(monkeypatch):
    """istioctl colours the level: bold red Error, yellow Warning, plain Info (formatter.go colorPrefixes)."""
    import io

    from rich.console import Console

    from engine import messages
    from trainer.render.analysis import print_log

    monkeypatch.delenv("NO_COLOR", raising=False)
    found = [messages.make("IST0101", "host", "reviews", origin="VirtualService default/r"),
             messages.make("IST0102", "x", "x", origin="Namespace x")]
    out = io.StringIO()
    print_log(Console(file=out, force_terminal=True, color_system="standard", width=40), found)
    first, second = out.getvalue().splitlines()
    assert first.startswith("\x1b[1;31mError\x1b[0m [IST0101] (VirtualService default/r) Referenced host")
    assert second.startswith("Info [IST0102] (Namespace x) The namespace")     # long lines are not wrapped
    plain = io.StringIO()
    print_log(Console(file=plain, force_terminal=False, width=40), found)
    assert plain.getvalue().splitlines()[0] == 'Error [IST0101] (VirtualService default/r) Referenced host not found: "reviews"'
