"""`meshdrill simulate`: formats, --explain, --seed, stdin and exit codes."""

import json

from click.testing import CliRunner

from trainer.cli import cli

MESH = """
apiVersion: meshdrill/v1
kind: Topology
spec:
  namespaces: [{name: default, injection: true}]
  services:
    - name: httpbin
      namespace: default
      ports: [{name: http, port: 8000}]
      workloads: [{labels: {app: httpbin, version: v1}, replicas: 2}]
  clients: [{name: sleep, namespace: default, labels: {app: sleep}}]
---
apiVersion: meshdrill/v1
kind: Traffic
spec:
  seed: 3
  backends: [{namespace: default, selector: {app: httpbin}, errorRate: 0.5, errorStatus: 500}]
  streams:
    - {from: default/sleep, to: "httpbin:8000", requests: 200}
"""


def invoke(*args, input=None):
    return CliRunner().invoke(cli, ["simulate", *args], input=input)


def test_json_output_is_the_contract_and_the_seed_changes_it(tmp_path):
    path = tmp_path / "mesh.yaml"
    path.write_text(MESH)
    first = invoke("-f", str(path), "-o", "json")
    assert first.exit_code == 0, first.output
    data = json.loads(first.output)
    assert list(data) == ["rejected", "findings", "streams"]
    s = data["streams"][0]
    assert set(s) >= {"index", "from", "to", "requests", "destinations", "expected", "status", "flags", "tls",
                      "attempts", "mirrored", "latency_ms"}
    assert sum(s["status"].values()) == 200 and s["from"] == "default/sleep"
    assert invoke("-f", str(path), "-o", "json").output == first.output
    assert invoke("-f", str(path), "-o", "json", "--seed", "4").output != first.output


def test_table_from_stdin_with_explain():
    result = invoke("-f", "-", "--explain", "5", input=MESH)
    assert result.exit_code == 0, result.output
    assert "Stream 0: default/sleep -> httpbin:8000 (200 requests)" in result.output
    assert "Request 5" in result.output and "result" in result.output


def test_missing_file_is_one_line_and_exit_2(tmp_path):
    result = invoke("-f", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_everything_rejected_prints_the_rejections_and_exits_2():
    bad = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec: {hosts: [a]}\n"
    result = invoke("-f", "-", input=bad)
    assert result.exit_code == 2
    text = " ".join(result.output.split())                          # the console wraps at 80 columns
    assert "Rejected" in text and "http, tcp or tls must be provided" in text
    assert text.endswith("meshdrill: error: every object was rejected; nothing to simulate")
