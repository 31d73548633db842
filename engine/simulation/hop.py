"""One proxy hop being planned: who decides, which listener, what the request looks like.

A stream has one hop from a sidecar client, or two from outside (gateway, then the gateway's
outbound hop to the backend, which is planned like a sidecar client in the gateway's namespace).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.mesh.mesh import Mesh
from engine.resources.meshdrill import Backend
from engine.simulation.matching import HttpFacts, Source
from engine.simulation.plan import TraceStep
from engine.simulation.sender import Sender


@dataclass
class Hop:
    mesh: Mesh
    sender: Sender
    port: int                      # the listener (request) port
    facts: HttpFacts
    app_tls: bool = False          # the app itself speaks TLS (https://, tls ports)
    http: bool = True              # the hop carries HTTP (False: TCP/TLS, no HTTP attributes)
    gateway_names: frozenset[str] = frozenset({"mesh"})
    backends: tuple[Backend, ...] = ()
    rule_reference: str = ""       # file:line of the matched rule, "" for a default route
    depth: int = 0                 # gateway hops chained after the first proxy
    trace: list[TraceStep] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)

    @property
    def namespace(self) -> str:
        return self.sender.namespace

    @property
    def source(self) -> Source:
        return Source(self.sender.namespace, self.sender.labels, self.gateway_names, self.port)

    def step(self, stage: str, detail: str, reference: str = "") -> None:
        self.trace.append(TraceStep(stage, detail, reference))

    def doubt(self, text: str) -> None:
        if text and text not in self.uncertain:
            self.uncertain.append(text)

    def hash_source(self) -> dict[str, str]:
        """Values a consistentHash key can take from this stream's requests."""
        out = {f"header:{k}": v for k, v in self.facts.headers.items()}
        out |= {f"query:{k}": v for k, v in self.facts.query.items()}
        for part in self.facts.headers.get("cookie", "").split(";"):
            name, eq, value = part.strip().partition("=")
            if eq:
                out[f"cookie:{name}"] = value
        out["source"] = self.sender.pod.name if self.sender.pod else self.sender.ref
        return out
