"""Rich views of hands-on exercises: the list, the task sheet, and a grade with its feedback.

Pure functions from engine values (Exercise, Grade) to renderables; styles in render/theme.py.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from engine.diagnostics import Level
from engine.grading.checks import describe
from engine.grading.exercise import Exercise
from engine.grading.grader import Grade, Start, published_checks

MAX_FINDINGS = 3
STATUS_STYLE = {"new": "md.dim", "passed": "md.correct", "failed": "md.wrong", "due": "md.almost"}


def list_view(exercises: list[Exercise], status: dict[str, str]) -> Table:
    """One line per exercise when the title fits; at 80 columns a long title wraps under itself.

    No borders and no domain column: the id (what `exercise start` needs) and the status stay
    whole, and the title gets every column left over."""
    table = Table(title=f"Hands-on exercises ({len(exercises)})", title_justify="left", title_style="md.title",
                  header_style="md.title", box=None, padding=(0, 1), collapse_padding=True,
                  pad_edge=False, expand=False)
    table.add_column("lvl", justify="right", no_wrap=True)
    table.add_column("id", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("title", overflow="fold", ratio=1)
    for e in exercises:
        state = status.get(e.id, "new")
        table.add_row(str(e.level), e.id, Text(state, style=STATUS_STYLE[state]), e.title)
    return table


def hanging(prefix: Text | str, body: Text | str) -> Table:
    """`prefix body`, with the body's wrapped lines under the body, not under the prefix
    (an 80-column terminal wraps most check descriptions and service lines)."""
    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(prefix, body)
    return grid


def checks_view(exercise: Exercise) -> Group:
    lines: list = [Text("What is checked (after your YAML is applied to the cluster):", style="md.title")]
    for check in published_checks(exercise):
        lines.append(hanging(Text("  • ", style="md.dim"),
                             Text.assemble((f"{check.id}: ", "md.option"), describe(check))))
    return Group(*lines)


def reflow(text: str) -> str:
    """Block-scalar prose -> paragraphs the terminal can wrap; `- ` items keep their own line."""
    paragraphs = []
    for block in text.strip().split("\n\n"):
        lines: list[str] = []
        for line in block.splitlines():
            stripped = line.strip()
            if lines and not stripped.startswith("- ") and not line.startswith("    "):
                lines[-1] += " " + stripped
            else:
                lines.append(line.rstrip())
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def cluster_view(start: Start, cluster_text: str = "") -> Group:
    """The starting cluster: mesh settings, workloads, the Istio config already applied, traffic."""
    lines = [Text("Cluster", style="md.title")]
    for res in start.config.resources:
        if res.kind == "Topology":
            lines += _topology_lines(res.spec)
    applied = [doc.strip("\n") for doc in cluster_text.split("\n---\n") if "kind: Topology" not in doc]
    if applied:
        lines.append(Text("Istio config already applied", style="md.title"))
        lines.append(Text("\n---\n".join(applied), style="md.snippet"))
    lines.append(Text("Traffic used to grade", style="md.title"))
    traffic = next(r for r in start.config.resources if r.kind == "Traffic").spec
    for i, stream in enumerate(traffic.streams):
        extra = "".join(f" {k}: {v}" for k, v in stream.headers.items())
        extra += f" path {stream.path}" if stream.path else ""
        extra += f" via {stream.via}" if stream.via else ""
        extra += f" ×{stream.concurrency} concurrent" if stream.concurrency else ""
        lines.append(Text(f"  {stream.name or i}: {stream.from_} → {stream.to}, {stream.requests or 100} "
                          f"requests{extra}"))
    for b in traffic.backends:
        where = b.host or f"{b.namespace or 'default'} {','.join(f'{k}={v}' for k, v in b.selector.items())}"
        how = []
        if b.error_rate:
            how.append(f"{b.error_rate:.0%} answer {b.error_status or 503}")
        if b.latency:
            how.append(f"latency {b.latency}")
        if b.path:
            how.append(f"for {b.path}")
        lines.append(Text(f"  backend {where}: {', '.join(how) or 'healthy'}", style="md.dim"))
    return Group(*lines)


def _topology_lines(topo) -> list:
    lines = []
    mesh = topo.mesh_config
    if mesh and mesh.outbound_traffic_policy and mesh.outbound_traffic_policy.mode:
        lines.append(Text(f"  mesh: outboundTrafficPolicy {mesh.outbound_traffic_policy.mode}"))
    if mesh and mesh.enable_auto_mtls is False:
        lines.append(Text("  mesh: auto mTLS off"))
    injected = {ns.name: ns.injection for ns in topo.namespaces}
    for ns in topo.namespaces:
        lines.append(Text(f"  namespace {ns.name}" + (" (sidecars injected)" if ns.injection else " (no sidecars)")))
    for svc in topo.services:
        ns = svc.namespace or "default"
        ports = ", ".join(f"{p.name or 'port'} {p.port}" + (f"→{p.target_port}" if p.target_port else "")
                          for p in svc.ports)
        pods = []
        for w in svc.workloads:
            # Pods carry app=<service> (the Service's selector) besides their own labels; answers
            # select them by it (PeerAuthentication, AuthorizationPolicy), so the sheet says so.
            labels = ",".join(f"{k}={v}" for k, v in ({"app": svc.name} | dict(w.labels)).items())
            sidecar = w.sidecar if w.sidecar is not None else injected.get(ns)
            pods.append(f"{labels} ×{w.replicas if w.replicas is not None else 1}"
                        + ("" if sidecar else " no sidecar"))
        lines.append(hanging("  service ", f"{ns}/{svc.name} ({ports}): {'; '.join(pods)}"))
    for c in topo.clients:
        ns = c.namespace or "default"
        sidecar = c.sidecar if c.sidecar is not None else injected.get(ns)
        sa = f", service account {c.service_account}" if c.service_account else ""
        lines.append(Text(f"  client {ns}/{c.name}" + ("" if sidecar else " (no sidecar)") + sa))
    for h in topo.external_hosts:
        lines.append(Text(f"  external host {h.host} ports {', '.join(map(str, h.ports)) or 80}"))
    return lines


def sheet_view(exercise: Exercise, start: Start, *, starter: bool = True) -> Group:
    """`exercise show`: the task, the cluster, what is checked, and the starter."""
    parts: list = [Text(f"{exercise.title}  [{exercise.id} · level {exercise.level} · {exercise.domain}]",
                        style="md.title"),
                   Text(reflow(exercise.prompt)), Text(""), cluster_view(start, exercise.cluster), Text(""),
                   checks_view(exercise)]
    if starter:
        parts += [Text(""), Text("Starter", style="md.title"), Text(exercise.starter.rstrip(), style="md.snippet")]
    return Group(*parts)


def grade_view(grade: Grade, *, findings: bool = True) -> Group:
    verdict = ("PASS", "md.correct") if grade.passed else ("FAIL", "md.wrong")
    passed = sum(r.passed for r in grade.results)
    parts: list = [Text.assemble(verdict, f"  {passed}/{len(grade.results)} checks · score {grade.score:.0%}")]
    for d in grade.rejected:
        parts.append(hanging("  rejected: ", Text(f"{d.reference + ': ' if d.reference else ''}{d.message}",
                                                  style="md.wrong")))
    for r in grade.results:
        mark = ("✓", "md.correct") if r.passed else ("✗", "md.wrong")
        parts.append(hanging(Text.assemble("  ", mark, " "), Text.assemble((r.id, "md.option"), f"  {r.description}")))
        if not r.passed:
            parts.append(hanging("      ", Text(f"observed {r.observed}; expected {r.expected}", style="md.warn")))
            if r.counterexample:
                parts.append(hanging("      ", Text(f"e.g. {r.counterexample}" + (":" if r.because else ""),
                                                    style="md.dim")))
                parts += [hanging("        - ", Text(step, style="md.dim")) for step in r.because]
    # Where the simulator models Istio with known uncertainty, say so next to the grade.
    notes = dict.fromkeys(note for s in (grade.result.streams if grade.result else ()) for note in s.uncertain)
    parts += [Text(f"  note: {note}", style="md.dim") for note in notes]
    # What istioctl analyze and the webhook's warnings say about the resulting cluster: often the why.
    notable = [d for d in grade.findings if d.level <= Level.WARNING and d not in grade.rejected]
    if findings and notable and not grade.passed:
        parts.append(Text("  findings (istioctl analyze):", style="md.title"))
        parts += [hanging("    ", Text(d.render(), style="md.warn")) for d in notable[:MAX_FINDINGS]]
        if len(notable) > MAX_FINDINGS:
            parts.append(Text(f"    … and {len(notable) - MAX_FINDINGS} more (`meshdrill analyze`)", style="md.dim"))
    return Group(*parts)


def syntax_error_view(grade: Grade) -> Text:
    d = grade.syntax_error
    return Text(f"{d.reference}: {d.message} (fix the YAML and save again)", style="md.wrong")
