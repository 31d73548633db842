"""`meshdrill analyze` output in istioctl's three formats (istioctl/pkg/util/formatting/formatter.go).

log: one line per finding, `Level [CODE] (Kind ns/name file:line) message`, the level word in
bold red (Error) or yellow (Warning) on a terminal. json: `json.MarshalIndent(msgs, "", "\t")` of
`{code, documentationUrl, level, message, origin, reference}` (Go sorts the keys and escapes <, >
and &). yaml: the same keys through sigs.k8s.io/yaml (sorted keys).
"""

from __future__ import annotations

import json

from engine.diagnostics import Diagnostic, Level
from engine.simulation.result import finding_to_istioctl

LEVEL_STYLES = {Level.ERROR: "bold red", Level.WARNING: "yellow", Level.INFO: ""}
DOCS = "https://istio.io/latest/docs/reference/config/analysis"
TARGET = "all namespaces"      # we emulate `istioctl analyze -A`


def as_json(findings: list[Diagnostic]) -> str:
    text = json.dumps([finding_to_istioctl(d) for d in findings], indent="\t", sort_keys=True,
                      ensure_ascii=False)
    # Go's encoding/json escapes HTML characters by default.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def as_yaml(findings: list[Diagnostic]) -> str:
    import yaml

    return yaml.safe_dump([finding_to_istioctl(d) for d in findings], sort_keys=True,
                          default_flow_style=False, allow_unicode=True, width=1 << 20)


def log_line(d: Diagnostic):
    """One finding as rich Text: istioctl colours only the level word."""
    from rich.text import Text

    line = Text()
    line.append(str(d.level), style=LEVEL_STYLES[d.level])
    line.append(d.render()[len(str(d.level)):])
    return line


def print_log(console, findings: list[Diagnostic]) -> None:
    for d in findings:
        console.print(log_line(d), soft_wrap=True)


def success_line() -> str:
    return f"\u2714 No validation issues found when analyzing {TARGET}."


def failure_lines() -> str:
    return (f"Error: Analyzers found issues when analyzing {TARGET}.\n"
            f"See {DOCS} for more information about causes and resolutions.")
