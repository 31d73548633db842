"""Collecting webhook findings for one object, the way Istio's multierror does: all of them.

Istio's text is kept verbatim; the code says who speaks. Errors become IST0106 and warnings
IST0133, exactly what `istioctl analyze` prints for the webhook's verdict
(`pkg/config/analysis/analyzers/schema/validation.go`); the two analysis-aware warnings of
`analyzeUnreachableHTTPRules` become IST0130/IST0131. Every finding points at the YAML path
of the field it is about, and so at its line.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine import messages
from engine.diagnostics import Diagnostic, Layer
from engine.resources import Resource


class Report:
    def __init__(self, resource: Resource, layer: str = Layer.WEBHOOK) -> None:
        self.resource = resource
        self.layer = layer
        self.diagnostics: list[Diagnostic] = []
        self._seen: set[tuple] = set()

    def _add(self, code: str, path: str, *args) -> None:
        res = self.resource
        key = (code, path, args)
        if key in self._seen:   # istioctl prints a repeated message once (Go's multierror may repeat one)
            return
        self._seen.add(key)
        self.diagnostics.append(messages.make(code, *args, layer=self.layer, origin=res.ref, file=res.file,
                                              line=res.line_of(path), path=path))

    def error(self, path: str, text: str | None) -> None:
        """One webhook error (IST0106). `None` means "no error", so checks can be passed through."""
        if text:
            self._add("IST0106", path, text)

    def errors(self, path: str, texts: Iterable[str | None]) -> None:
        for text in texts:
            self.error(path, text)

    def warning(self, path: str, text: str | None) -> None:
        if text:
            self._add("IST0133", path, text)

    def unreachable(self, path: str, rule: str, reason: str) -> None:
        self._add("IST0130", path, rule, reason)

    def ineffective(self, path: str, rule: str, match: str, duplicate_of: str) -> None:
        self._add("IST0131", path, rule, match, duplicate_of)

    def code(self, code: str, path: str, text: str) -> None:
        """A finding with one of our own codes (meshdrill kinds), Istio's shape otherwise."""
        self._add(code, path, text)
