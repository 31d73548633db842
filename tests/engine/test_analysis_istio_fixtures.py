"""Istio's own analyzer fixtures, re-typed, with the expectations of its test table.

Source: istio/istio `pkg/config/analysis/analyzers/analyzers_test.go` (`testGrid`) and the files it
names under `pkg/config/analysis/analyzers/testdata/`, copied into tests/engine/fixtures/analysis/
(kinds meshdrill does not model, such as EnvoyFilter, are left out and say so in the file). Istio
runs each analyzer alone on the fixture plus its default ingress gateway (AddTestReaderKubeSource,
runtime kinds kept, then AddDefaultResources), and compares (message type, origin) pairs as a
multiset. We run the meshdrill analyzers that emulate that Istio analyzer, on `analyze()`'s own
cluster (the input plus our default ingress gateway), and compare the same pairs: exactly what
the Istio test lists, nothing more from that analyzer. A fixture object without a namespace is in
`default`, where `kubectl apply` puts it (Istio's test prints it without one).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from engine.analysis import analyze
from engine.analysis.analyzers import ANALYZERS
from engine.config import load_config

FIXTURES = Path(__file__).parent / "fixtures" / "analysis"

# Istio analyzer (Metadata().Name) -> the meshdrill analyzers that emulate it.
EMULATED_BY = {
    "deprecation.FieldAnalyzer": ("deprecation.DeprecationAnalyzer",),
    "gateway.IngressGatewayPortAnalyzer": ("gateway.IngressGatewayPortAnalyzer",),
    "gateway.ConflictingGatewayAnalyzer": ("gateway.ConflictingGatewayAnalyzer",),
    "gateway.CertificateAnalyzer": ("gateway.CertificateAnalyzer",),
    "sidecar.SelectorAnalyzer": ("sidecar.SelectorAnalyzer", "sidecar.DefaultSelectorAnalyzer"),
}


@dataclass(frozen=True)
class Case:
    name: str                               # the test case name in analyzers_test.go
    files: tuple[str, ...]
    analyzer: str                           # Istio's analyzer
    expected: tuple[tuple[str, str], ...]   # (code, origin), in any order


def case(name, files, analyzer, *expected):
    return Case(name, tuple(files.split()), analyzer, tuple(expected))


GW_PORTS, GW_CONFLICT = "gateway.IngressGatewayPortAnalyzer", "gateway.ConflictingGatewayAnalyzer"
SIDECAR = "sidecar.SelectorAnalyzer"

CASES = [
    case("deprecation", "deprecation.yaml", "deprecation.FieldAnalyzer",
         ("IST0002", "VirtualService foo/productpage"), ("IST0002", "Sidecar default/no-selector")),
    # --- gateway.IngressGatewayPortAnalyzer ------------------------------------------------------
    case("gatewayNoWorkload", "gateway-no-workload.yaml", GW_PORTS,
         ("IST0101", "Gateway default/httpbin-gateway")),
    case("gatewayBadPort", "gateway-no-port.yaml", GW_PORTS, ("IST0162", "Gateway default/httpbin-gateway")),
    case("gatewayCorrectPort", "gateway-correct-port.yaml", GW_PORTS),
    case("gatewayCustomIngressGateway", "gateway-custom-ingressgateway.yaml", GW_PORTS),
    case("gatewayCustomIngressGatewayBadPort", "gateway-custom-ingressgateway-badport.yaml", GW_PORTS,
         ("IST0162", "Gateway default/httpbin-gateway")),
    case("gatewayCustomIngressGatewayBadPortWithoutTarget", "gateway-custom-ingressgateway-badport-notarget.yaml",
         GW_PORTS, ("IST0162", "Gateway default/httpbin-gateway")),
    case("gatewayCustomIngressGatewayTranslation", "gateway-custom-ingressgateway-translation.yaml", GW_PORTS),
    case("gatewayServiceMatchPod", "gateway-custom-ingressgateway-svcselector.yaml", GW_PORTS,
         ("IST0162", "Gateway default/httpbin8002-gateway")),
    # --- gateway.ConflictingGatewayAnalyzer ------------------------------------------------------
    case("conflicting gateways detect", "conflicting-gateways.yaml", GW_CONFLICT,
         ("IST0145", "Gateway default/alpha"), ("IST0145", "Gateway default/beta")),
    case("gateways with different port are non-conflicting", "gateway-different-port.yaml", GW_CONFLICT),
    case("conflicting gateways with multiple port declarations", "conflicting-gateways-multiple-ports.yaml",
         GW_CONFLICT, ("IST0145", "Gateway default/alpha"), ("IST0145", "Gateway default/beta")),
    case("conflicting gateways detect by sub selector", "conflicting-gateways-subSelector.yaml", GW_CONFLICT,
         ("IST0145", "Gateway default/alpha"), ("IST0145", "Gateway default/beta")),
    case("conflicting gateways detect: no port", "conflicting-gateways-invalid-port.yaml", GW_CONFLICT),
    case("Analyze conflicting gateway with list type", "analyze-list-type.yaml", GW_CONFLICT,
         ("IST0145", "Gateway default/alpha"), ("IST0145", "Gateway default/alpha-l"),
         ("IST0145", "Gateway default/beta-l")),
    # --- sidecar.SelectorAnalyzer (which now also holds the default-selector check) ---------------
    case("sidecarDefaultSelector", "sidecar-default-selector.yaml", SIDECAR,
         ("IST0111", "Sidecar ns2/has-conflict-2"), ("IST0111", "Sidecar ns2/has-conflict-1"),
         ("IST0167", "Sidecar ns-ambient/namespace-scoped"), ("IST0167", "Sidecar ns-ambient/pod-scoped")),
    case("sidecarSelector", "sidecar-selector.yaml", SIDECAR,
         ("IST0101", "Sidecar default/maps-to-nonexistent"), ("IST0101", "Sidecar other/maps-to-different-ns"),
         ("IST0110", "Sidecar default/dupe-1"), ("IST0110", "Sidecar default/dupe-2"),
         ("IST0110", "Sidecar default/overlap-1"), ("IST0110", "Sidecar default/overlap-2")),
]


def found(c: Case) -> list[tuple[str, str]]:
    config = load_config([str(FIXTURES / f) for f in c.files])
    config.rejected, config.notes = [], []       # only what the analyzers say
    ours = tuple(a for a in ANALYZERS if a.name in EMULATED_BY[c.analyzer])
    return sorted((d.code, d.origin) for d in analyze(config, analyzers=ours))


@pytest.mark.parametrize("c", CASES, ids=lambda c: f"{c.analyzer}:{c.name}")
def test_istio_fixture(c: Case):
    assert found(c) == sorted(c.expected)


def test_every_fixture_file_is_used():
    used = {f for c in CASES for f in c.files}
    assert sorted(p.name for p in FIXTURES.glob("*.yaml")) == sorted(used)


def test_the_emulating_analyzers_exist():
    names = {a.name for a in ANALYZERS}
    assert {n for ours in EMULATED_BY.values() for n in ours} <= names
