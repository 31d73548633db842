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
from engine.config import load_config, load_config_text

FIXTURES = Path(__file__).parent / "fixtures" / "analysis"

# Istio analyzer, by the Go type analyzers_test.go names -> the meshdrill analyzers that emulate it.
EMULATED_BY = {
    "deprecation.FieldAnalyzer": ("deprecation.DeprecationAnalyzer",),
    "gateway.IngressGatewayPortAnalyzer": ("gateway.IngressGatewayPortAnalyzer",),
    "gateway.ConflictingGatewayAnalyzer": ("gateway.ConflictingGatewayAnalyzer",),
    "gateway.CertificateAnalyzer": ("gateway.CertificateAnalyzer",),
    "gateway.SecretAnalyzer": ("gateway.SecretAnalyzer",),
    "sidecar.SelectorAnalyzer": ("sidecar.SelectorAnalyzer", "sidecar.DefaultSelectorAnalyzer"),
    "virtualservice.ConflictingMeshGatewayHostsAnalyzer": ("virtualservice.ConflictingMeshGatewayHostsAnalyzer",),
    "virtualservice.DestinationHostAnalyzer": ("virtualservice.DestinationHostAnalyzer",),
    "virtualservice.DestinationRuleAnalyzer": ("virtualservice.DestinationRuleAnalyzer",),
    "virtualservice.GatewayAnalyzer": ("virtualservice.GatewayAnalyzer",),
    "virtualservice.JWTClaimRouteAnalyzer": ("virtualservice.JWTClaimRouteAnalyzer",),
    "injection.Analyzer": ("injection.Analyzer",),
    "service.PortNameAnalyzer": ("service.PortNameAnalyzer",),
    "deployment.ServiceAssociationAnalyzer": ("deployment.MultiServiceAnalyzer",),
    "authz.AuthorizationPoliciesAnalyzer": ("auth.AuthorizationPoliciesAnalyzer",),
    "destinationrule.CaCertificateAnalyzer": ("destinationrule.CaCertificateAnalyzer",),
    "serviceentry.ProtocolAddressesAnalyzer": ("serviceentry.Analyzer",),
    "destinationrule.PodNotSelectedAnalyzer": ("destinationrule.SubsetSelectPodAnalyzer",),
}


@dataclass(frozen=True)
class Case:
    name: str                               # the test case name in analyzers_test.go
    files: tuple[str, ...]
    analyzer: str                           # Istio's analyzer
    expected: tuple[tuple[str, str], ...]   # (code, origin), in any order


def case(name, files, analyzer, *expected):
    return Case(name, tuple(files.split()), analyzer, tuple(expected))


# schema.ValidationAnalyzer re-runs the validating webhook: in meshdrill that is admission (layer webhook).
SCHEMA_VS = "schema.ValidationAnalyzer.VirtualService"
GW_PORTS, GW_CONFLICT = "gateway.IngressGatewayPortAnalyzer", "gateway.ConflictingGatewayAnalyzer"
SIDECAR = "sidecar.SelectorAnalyzer"
VS_CONFLICT, VS_HOSTS = "virtualservice.ConflictingMeshGatewayHostsAnalyzer", "virtualservice.DestinationHostAnalyzer"
VS_RULES, VS_GATEWAYS = "virtualservice.DestinationRuleAnalyzer", "virtualservice.GatewayAnalyzer"
CA, SE = "destinationrule.CaCertificateAnalyzer", "serviceentry.ProtocolAddressesAnalyzer"
PODS = "destinationrule.PodNotSelectedAnalyzer"
NOT_IN_GATEWAY = tuple(("IST0132", f"VirtualService default/{name}") for name in (
    "testing-service-02-test-01", "testing-service-02-test-02", "testing-service-02-test-03",
    "testing-service-03-test-04"))

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
    # --- gateway.SecretAnalyzer (gatewaySecretValidations, IST0161 on certificate contents, is not emulated)
    case("gatewaySecret", "gateway-secrets.yaml", "gateway.SecretAnalyzer",
         ("IST0101", "Gateway default/defaultgateway-bogusCredentialName"),
         ("IST0101", "Gateway default/customgateway-wrongnamespace"), ("IST0101", "Gateway default/bogusgateway")),
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
    # --- virtualservice.* ---------------------------------------------------------------------------
    case("virtualServiceConflictingMeshGatewayHosts", "virtualservice_conflictingmeshgatewayhosts.yaml", VS_CONFLICT,
         *(("IST0109", f"VirtualService {ref}") for ref in (
             "team3/ratings", "team4/ratings", "foo/ratings", "bar/ratings", "foo/productpage",
             "foo/bogus-productpage", "team2/ratings"))),
    case("virtualServiceConflictingMeshGatewayHostsWithExportTo",
         "virtualservice_conflictingmeshgatewayhosts_with_exportto.yaml", VS_CONFLICT,
         *(("IST0109", f"VirtualService {ref}") for ref in (
             "foo/productpage", "bar/productpage", "foo/productpage-c", "bar/productpage-c", "foo/productpage-d",
             "bar/productpage-d"))),
    # Istio's table lists reviews-bogushost twice; the fixture it reads (and destinationhosts.go) give one
    # destination, hence one message: the table must come from a later fixture with a second bad host.
    case("virtualServiceDestinationHosts", "virtualservice_destinationhosts.yaml", VS_HOSTS,
         ("IST0101", "VirtualService default/reviews-bogushost"),
         ("IST0101", "VirtualService default/reviews-bookinfo-other"),
         ("IST0101", "VirtualService default/reviews-mirror-bogushost"),
         ("IST0101", "VirtualService default/reviews-bogusport"),
         ("IST0112", "VirtualService default/reviews-2port-missing"),
         ("IST0101", "VirtualService istio-system/cross-namespace-details"),
         ("IST0101", "VirtualService hello/hello-export-to-bogus")),
    case("virtualServiceDestinationRules", "virtualservice_destinationrules.yaml", VS_RULES,
         ("IST0101", "VirtualService default/reviews-bogussubset"),
         ("IST0101", "VirtualService default/reviews-mirror-bogussubset")),
    case("virtualServiceGateways", "virtualservice_gateways.yaml", VS_GATEWAYS,
         ("IST0101", "VirtualService default/httpbin-bogus"), ("IST0132", "VirtualService default/cross-test"),
         ("IST0132", "VirtualService default/httpbin-bogus"), ("IST0132", "VirtualService default/httpbin")),
    case("virtualServiceJWTClaimRoute", "virtualservice_jwtclaimroute.yaml", "virtualservice.JWTClaimRouteAnalyzer",
         ("IST0149", "VirtualService default/foo")),
    case("virtualServiceInternalGatewayRef", "virtualservice_internal_gateway_ref.yaml", VS_GATEWAYS,
         ("IST0165", "VirtualService default/httpbin")),
    case("host defined in virtualservice not found in the gateway", "virtualservice_host_not_found_gateway.yaml",
         VS_GATEWAYS, *NOT_IN_GATEWAY),
    case("host defined in virtualservice not found in the gateway(beta version)",
         "virtualservice_host_not_found_gateway_beta.yaml", VS_GATEWAYS, *NOT_IN_GATEWAY),
    case("host defined in virtualservice not found in the gateway with ns",
         "virtualservice_host_not_found_gateway_with_ns_prefix.yaml", VS_GATEWAYS,
         ("IST0132", "VirtualService default/testing-service-01-test-01")),
    case("host defined in virtualservice not found in the gateway with ns(beta version)",
         "virtualservice_host_not_found_gateway_with_ns_prefix_beta.yaml", VS_GATEWAYS,
         ("IST0132", "VirtualService default/testing-service-01-test-01")),
    # --- injection.Analyzer, service.PortNameAnalyzer, deployment.ServiceAssociationAnalyzer ------------
    # (the multi-ns-1..3 namespaces of the current fixture are not in the version we could read)
    case("istioInjection", "injection.yaml", "injection.Analyzer",
         ("IST0102", "Namespace bar"), ("IST0103", "Pod default/noninjectedpod"), ("IST0123", "Namespace busted")),
    case("portNameNotFollowConvention", "service-no-port-name.yaml", "service.PortNameAnalyzer",
         ("IST0118", "Service my-namespace1/my-service1"), ("IST0118", "Service my-namespace1/my-service1"),
         ("IST0118", "Service my-namespace2/my-service2")),
    case("namedPort", "service-port-name.yaml", "service.PortNameAnalyzer"),
    case("unnamedPortInSystemNamespace", "service-no-port-name-system-namespace.yaml", "service.PortNameAnalyzer"),
    case("ExternalNameServiceTypeInvalidPortName", "incorrect-port-name-external-name-service-type.yaml",
         "service.PortNameAnalyzer", ("IST0150", "Service nginx-ns/nginx"), ("IST0150", "Service nginx-ns2/nginx-svc2"),
         ("IST0150", "Service nginx-ns3/nginx-svc3")),
    case("ExternalNameServiceTypeValidPortName", "correct-port-name-external-name-service-type.yaml",
         "service.PortNameAnalyzer"),
    case("serviceMultipleDeployments", "deployment-multi-service.yaml", "deployment.ServiceAssociationAnalyzer",
         ("IST0116", "Deployment bookinfo/multiple-svc-multiple-prot"),
         ("IST0116", "Deployment bookinfo/multiple-without-port"),
         ("IST0137", "Deployment bookinfo/conflicting-ports")),
    case("deploymentMultiServicesInDifferentNamespace", "deployment-multi-service-different-ns.yaml",
         "deployment.ServiceAssociationAnalyzer"),
    case("serviceWithNoSelector", "deployment-service-no-selector.yaml", "deployment.ServiceAssociationAnalyzer"),
    # --- authz.AuthorizationPoliciesAnalyzer ----------------------------------------------------------
    case("authorizationpolicies", "authorizationpolicies.yaml", "authz.AuthorizationPoliciesAnalyzer",
         ("IST0127", "AuthorizationPolicy istio-system/meshwide-httpbin-v1"),
         ("IST0127", "AuthorizationPolicy httpbin-empty/httpbin-empty-namespace-wide"),
         ("IST0127", "AuthorizationPolicy httpbin/httpbin-nopods"),
         ("IST0101", "AuthorizationPolicy httpbin/httpbin-bogus-ns"),
         ("IST0101", "AuthorizationPolicy httpbin/httpbin-bogus-ns"),
         ("IST0101", "AuthorizationPolicy httpbin/httpbin-bogus-not-ns"),
         ("IST0101", "AuthorizationPolicy httpbin/httpbin-bogus-not-ns"),
         ("IST0127", "AuthorizationPolicy test-ambient/no-workload")),
    # --- destinationrule.CaCertificateAnalyzer --------------------------------------------------------
    case("destinationrule with no cacert, simple at destinationlevel", "destinationrule-simple-destination.yaml",
         CA, ("IST0128", "DestinationRule default/db-tls")),
    case("destinationrule with no cacert, mutual at destinationlevel", "destinationrule-mutual-destination.yaml",
         CA, ("IST0128", "DestinationRule default/db-mtls")),
    case("destinationrule with no cacert, simple at portlevel", "destinationrule-simple-port.yaml",
         CA, ("IST0129", "DestinationRule default/db-tls")),
    case("destinationrule with credentialname, simple at destinationlevel, no workloadSelector",
         "destinationrule-simple-destination-credentialname.yaml", CA, ("IST0128", "DestinationRule default/db-tls")),
    case("destinationrule with credentialname, simple at destinationlevel, workloadSelector",
         "destinationrule-simple-destination-credentialname-selector.yaml", CA),
    case("destinationrule with credentialname, simple at portlevel, no workloadSelector",
         "destinationrule-simple-port-credentialname.yaml", CA, ("IST0129", "DestinationRule default/db-tls")),
    case("destinationrule with credentialname, simple at portlevel, workloadSelector",
         "destinationrule-simple-port-credentialname-selector.yaml", CA),
    case("destinationrule with no cacert, mutual at portlevel", "destinationrule-mutual-port.yaml",
         CA, ("IST0129", "DestinationRule default/db-mtls")),
    case("destinationrule with no cacert, mutual at destinationlevel and simple at port level",
         "destinationrule-compound-simple-mutual.yaml", CA,
         ("IST0128", "DestinationRule default/db-mtls"), ("IST0129", "DestinationRule default/db-mtls")),
    case("destinationrule with no cacert, simple at destinationlevel and mutual at port level",
         "destinationrule-compound-mutual-simple.yaml", CA,
         ("IST0129", "DestinationRule default/db-mtls"), ("IST0128", "DestinationRule default/db-mtls")),
    case("destinationrule with both cacerts", "destinationrule-with-ca.yaml", CA),
    # --- serviceentry.ProtocolAddressesAnalyzer, gateway.CertificateAnalyzer --------------------------
    # (the variant with a mesh config enabling ISTIO_META_DNS_AUTO_ALLOCATE is not emulated: our
    # Topology meshConfig has no proxyMetadata)
    case("missing Addresses and Protocol in Service Entry", "serviceentry-missing-addresses-protocol.yaml", SE,
         ("IST0134", "ServiceEntry default/service-entry-test-03"),
         ("IST0134", "ServiceEntry default/service-entry-test-04"),
         ("IST0134", "ServiceEntry default/service-entry-test-07")),
    case("ServiceEntry Addresses Required Lowercase Protocol", "serviceentry-address-required-lowercase.yaml", SE,
         ("IST0134", "ServiceEntry default/address-missing-lowercase")),
    case("ServiceEntry Addresses Required Uppercase Protocol", "serviceentry-address-required-uppercase.yaml", SE,
         ("IST0134", "ServiceEntry default/address-missing-uppercase")),
    case("certificate duplication in Gateway", "gateway-duplicate-certificate.yaml", "gateway.CertificateAnalyzer",
         ("IST0138", "Gateway istio-system/gateway-01-test-01"), ("IST0138", "Gateway istio-system/gateway-02-test-01"),
         ("IST0138", "Gateway istio-system/gateway-01-test-02"), ("IST0138", "Gateway default/gateway-01-test-03")),
    # --- destinationrule.PodNotSelectedAnalyzer (Metadata name destinationrule.SubsetSelectPodAnalyzer) ---
    case("DestinationRuleWithFakeHost", "destinationrule-with-fake-host.yaml", PODS,
         ("IST0174", "DestinationRule default/fake-host")),
    case("DestinationRuleSubsetsNotSelectPods", "destinationrule-subsets-not-select-pods.yaml", PODS,
         ("IST0173", "DestinationRule default/subsets-not-select-pods")),
    case("DestinationRuleSubsetsWithTopologyLabels", "destinationrule-subsets-with-topology-labels.yaml", PODS),
    case("DestinationRuleEmptyTopologyLabels", "destinationrule-empty-topology-labels.yaml", PODS,
         ("IST0173", "DestinationRule default/empty-topology-labels")),
    # --- schema.ValidationAnalyzer (the webhook's warnings IST0130/IST0131) ------------------------------
    case("dupmatches", "virtualservice_dupmatches.yaml virtualservice_overlappingmatches.yaml", SCHEMA_VS,
         *(("IST0130", f"VirtualService {ref}") for ref in (
             "default/duplicate-match", "foo/sample-foo-cluster01", "default/duplicate-tcp-match",
             "default/duplicate-empty-tcp", "none/tls-routing")),
         *(("IST0131", f"VirtualService {ref}") for ref in (
             "default/almost-duplicate-match", "default/duplicate-match", "default/almost-duplicate-tcp-match",
             "default/duplicate-tcp-match", "none/tls-routing-almostmatch", "none/tls-routing",
             "default/non-method-get", "default/overlapping-in-single-match", "default/overlapping-in-two-matches",
             "default/overlapping-mathes-with-different-methods"))),
    case("Route Rule no effect on Ingress", "virtualservice_route_rule_no_effects_ingress.yaml", VS_HOSTS,
         ("IST0140", "VirtualService default/testing-service-01-test-01")),
]


def found(c: Case) -> list[tuple[str, str]]:
    config = load_config([str(FIXTURES / f) for f in c.files])
    if c.analyzer == SCHEMA_VS:
        return sorted((d.code, d.origin) for d in list(config.rejected) + list(config.notes)
                      if str(d.layer) == "webhook" and d.origin.startswith("VirtualService "))
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
    assert {c.analyzer for c in CASES} <= set(EMULATED_BY) | {SCHEMA_VS}
    names = {a.name for a in ANALYZERS}
    assert {n for ours in EMULATED_BY.values() for n in ours} <= names


# --- the world around the fixtures: our default ingress gateway -------------------------------------

OWN_GATEWAY_SERVICE = """apiVersion: v1
kind: Service
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  ports:
  - {name: http2, port: 8080}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: %d, name: http, protocol: HTTP}
    hosts: ["*"]
"""


@pytest.mark.parametrize("port, expected", [(8080, []), (80, [("IST0162", "Gateway default/gw")])])
def test_an_input_ingress_gateway_service_replaces_the_default_one(port, expected):
    """`kubectl apply` of istio-system/istio-ingressgateway replaces the installed Service: its ports
    alone count (the default one's 80 must not hide the IST0162)."""
    config = load_config_text(OWN_GATEWAY_SERVICE % port, "gw.yaml")
    ports = tuple(a for a in ANALYZERS if a.name == GW_PORTS)
    assert [(d.code, d.origin) for d in analyze(config, analyzers=ports)] == expected


def test_the_default_gateway_alone_adds_no_finding():
    """Istio's test world adds a dummy ingress gateway too; ours must not make findings of its own."""
    assert analyze(load_config_text("", "empty.yaml")) == []


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.name)
def test_no_finding_is_about_the_default_gateway(c: Case):
    """Whatever the fixture, nothing is reported about the ingress gateway we add to the cluster."""
    config = load_config([str(FIXTURES / f) for f in c.files])
    assert not [d for d in analyze(config) if "istio-system/istio-ingressgateway" in d.origin]


GATEWAY_DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: %s, namespace: %s}
spec:
  selector: {matchLabels: {istio: ingressgateway}}
  template:
    metadata: {labels: {istio: ingressgateway}}
    spec: {containers: [{name: istio-proxy, image: docker.io/istio/proxyv2:1.24.0}]}
---
"""


@pytest.mark.parametrize("name, namespace, default_pods", [
    ("my-ingress", "istio-ingress", 1),                 # another gateway: the default one stays
    ("istio-ingressgateway", "istio-system", 0),        # the same Deployment: it replaces the default one
])
def test_the_default_gateway_is_kept_unless_the_input_replaces_it(name, namespace, default_pods):
    """local.AddDefaultResources adds the dummy ingress gateway beside the fixture's own gateways."""
    from engine.mesh.build import build_inventory
    config = load_config_text(GATEWAY_DEPLOYMENT % (name, namespace), "gw.yaml")
    pods = build_inventory(list(config.resources)).pods
    assert sum(p.source is None for p in pods) == default_pods          # ours has no input object
    assert sum(p.workload == name for p in pods) == 1
