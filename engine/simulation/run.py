"""`simulate()`: admitted config in, one `SimulationResult` out (the `simulate -o json` contract).

mesh (engine.mesh.build_mesh) -> per stream: routing's Plan (engine.simulation.routing) ->
execution (executor.py). Rejected objects take no part, as on a real cluster, and are reported
with the findings of `istioctl analyze` for the same objects.
"""

from __future__ import annotations

import random

from engine.config import ConfigSet
from engine.diagnostics import Diagnostic
from engine.errors import EngineError
from engine.resources.meshdrill import Stream
from engine.simulation.executor import Load, execute
from engine.simulation.result import SimulationResult

DEFAULT_SEED = 1
DEFAULT_REQUESTS = 100


def simulate(config: ConfigSet, *, seed: int | None = None, explain: int | None = None) -> SimulationResult:
    """Run every Traffic stream of `config`. Same config + same seed = the same result, always.

    The seed is `seed`, else the Traffic's `seed`, else 1. Each stream gets its own generator
    drawn from that one seed in stream order, so a stream's result does not depend on how many
    requests the streams before it sent.
    """
    from engine.mesh import build_mesh                      # lazily: routing may be built later
    from engine.simulation.routing import plan_stream

    result = SimulationResult(rejected=list(config.rejected), findings=findings(config))
    mesh = build_mesh(config)
    if seed is None:
        seed = mesh.traffic.seed if mesh.traffic.seed is not None else DEFAULT_SEED
    master = random.Random(seed)
    for index, stream in enumerate(mesh.streams):
        rng = random.Random(master.getrandbits(64))
        plan = plan_stream(mesh, stream)
        load = load_of(stream, mesh.stream_reference(stream, "rate"))
        result.streams.append(execute(plan, load, rng, index=index, from_=stream.from_, to=stream.to,
                                      explain=explain))
    return result


def findings(config: ConfigSet) -> list[Diagnostic]:
    """What `istioctl analyze` says about the same objects (it includes the admission warnings),
    minus the rejections, which `rejected` already lists."""
    try:
        from engine.analysis import analyze
    except ImportError:                                     # analysis not built: the warnings alone
        return list(config.notes)
    rejected = set(config.rejected)
    return [d for d in analyze(config) if d not in rejected]


def load_of(stream: Stream, rate_reference: str = "") -> Load:
    """fortio's knobs: -n requests (default 100), -c concurrency (default 1), -qps rate or max."""
    return Load(requests=DEFAULT_REQUESTS if stream.requests is None else stream.requests,
                concurrency=stream.concurrency or 1, rate=_rate(stream.rate, rate_reference))


def _rate(rate: int | str | None, reference: str) -> float | None:
    if rate is None or (isinstance(rate, str) and rate.strip().lower() == "max"):
        return None
    try:
        value = float(rate)
    except ValueError:
        value = -1.0
    if value > 0:
        return value
    file, _, line = reference.rpartition(":")
    raise EngineError(f'rate must be requests per second (> 0) or "max", not {rate!r}',
                      file=file or None, line=int(line) if line.isdigit() else None,
                      hint='write e.g. rate: 100, or rate: max')
