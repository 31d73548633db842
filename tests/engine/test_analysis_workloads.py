"""Analyzers that look at workloads: gateways, sidecars, injection, service ports. Both directions.

Rows follow istio's fixtures in pkg/config/analysis/analyzers/testdata (gateway-no-workload,
gateway-correct-port, gateway-custom-ingressgateway*, conflicting-gateways, sidecar-selector,
sidecar-default-selector, injection, service-no-port-name, service-port-name) and analyzers_test.go.
"""

import pytest

from engine.analysis import analyze
from engine.analysis.analyzers import ANALYZERS
from engine.config import load_config_text


def run(name: str, text: str) -> list[str]:
    analyzer = next(a for a in ANALYZERS if a.name == name)
    config = load_config_text(text, "t.yaml")
    config.rejected, config.notes = [], []      # only what this analyzer says
    return [d.render() for d in analyze(config, analyzers=(analyzer,))]


def gateway(name, selector="istio: ingressgateway", port=8080, hosts="'*'", ns="default"):
    return (f"apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
            f"spec:\n  selector:\n    {selector}\n  servers:\n  - port: {{number: {port}, name: http, protocol: HTTP}}\n"
            f"    hosts: [{hosts}]\n---\n")


def pod(name, ns="default", labels="app: x", containers="[{name: app, image: app}]", extra=""):
    return (f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels: {{{labels}}}\n"
            f"{extra}spec:\n  containers: {containers}\n---\n")


def namespace(name, labels=""):
    meta_labels = f"  labels: {{{labels}}}\n" if labels else ""
    return f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n{meta_labels}---\n"


PORTS = "gateway.IngressGatewayPortAnalyzer"


@pytest.mark.parametrize("text, expected", [
    # gateway-no-workload: selector matches no pod anywhere
    (gateway("httpbin-gateway", selector="istio: ingress-gateway"),
     ['Error [IST0101] (Gateway default/httpbin-gateway t.yaml:8) Referenced selector not found: '
      '"istio=ingress-gateway"']),
    # default ingress gateway: Service 80->8080, 443->8443; the Service port and the targetPort both count
    (gateway("bookinfo-gateway", port=8080), []),
    (gateway("bookinfo-gateway", port=80), []),
    (gateway("bookinfo-gateway", port=8443), []),
    # gateway-no-port: 8004 is neither
    (gateway("httpbin-gateway", port=8004),
     ['Warning [IST0162] (Gateway default/httpbin-gateway t.yaml:8) The gateway is listening on a target port '
      '(port 8004) that is not defined in the Service associated with its workload instances (Pod selector '
      'istio=ingressgateway). If you need to access the gateway port through the gateway Service, it will not '
      'be available.']),
    # gateway-custom-ingressgateway-translation: Gateway port = Service port, targetPort elsewhere
    (pod("my-gw", ns="custom", labels="myapp: private-ingressgateway")
     + "apiVersion: v1\nkind: Service\nmetadata:\n  name: my-gw\n  namespace: custom\nspec:\n"
       "  selector: {myapp: private-ingressgateway}\n  ports:\n  - {name: http2, port: 80, targetPort: 8003}\n---\n"
     + gateway("httpbin-gateway", selector="myapp: private-ingressgateway", port=80), []),
    # -badport-notarget: no targetPort, the port differs
    (pod("my-gw", ns="custom", labels="myapp: private-ingressgateway")
     + "apiVersion: v1\nkind: Service\nmetadata:\n  name: my-gw\n  namespace: custom\nspec:\n"
       "  selector: {myapp: private-ingressgateway}\n  ports:\n  - {name: http2, port: 8003}\n---\n"
     + gateway("httpbin-gateway", selector="myapp: private-ingressgateway", port=80),
     ['Warning [IST0162] (Gateway default/httpbin-gateway t.yaml:27) The gateway is listening on a target port '
      '(port 80) that is not defined in the Service associated with its workload instances (Pod selector '
      'myapp=private-ingressgateway). If you need to access the gateway port through the gateway Service, it '
      'will not be available.']),
    # gateway-custom-ingressgateway: own pod + Service exposing the port
    (pod("my-gw", ns="custom", labels="myapp: private-ingressgateway")
     + "apiVersion: v1\nkind: Service\nmetadata:\n  name: my-gw\n  namespace: custom\nspec:\n"
       "  selector: {myapp: private-ingressgateway}\n  ports:\n  - {name: http2, port: 80, targetPort: 8004}\n---\n"
     + gateway("httpbin-gateway", selector="myapp: private-ingressgateway", port=8004), []),
])
def test_gateway_ports(text, expected):
    assert run(PORTS, text) == expected


CONFLICTS = "gateway.ConflictingGatewayAnalyzer"


def test_conflicting_gateways_reported_on_each():
    """conflicting-gateways.yaml: same selector, port and an identical host on both."""
    text = gateway("alpha", hosts="foo.bar, baz.bar") + gateway("beta", hosts="foo.bar")
    assert run(CONFLICTS, text) == [
        "Error [IST0145] (Gateway default/alpha t.yaml:1) Conflict with gateways default/beta "
        "(workload selector istio=ingressgateway, port 8080, hosts foo.bar,baz.bar).",
        "Error [IST0145] (Gateway default/beta t.yaml:13) Conflict with gateways default/alpha "
        "(workload selector istio=ingressgateway, port 8080, hosts foo.bar).",
    ]


def test_overlapping_selectors_on_the_same_pod_conflict():
    """The default ingress gateway pod carries both istio=ingressgateway and app=istio-ingressgateway."""
    both = "istio: ingressgateway\n    app: istio-ingressgateway"
    text = gateway("alpha", hosts="foo.bar") + gateway("beta", selector=both, hosts="foo.bar")
    assert [line.split(") ", 1)[0] for line in run(CONFLICTS, text)] == [
        "Error [IST0145] (Gateway default/alpha t.yaml:1", "Error [IST0145] (Gateway default/beta t.yaml:13"]


@pytest.mark.parametrize("text", [
    gateway("alpha", hosts="foo.bar") + gateway("beta", hosts="baz.bar"),          # disjoint hosts
    gateway("alpha", hosts="foo.bar") + gateway("beta", hosts="'*.bar'"),          # wildcards are not duplicates
    gateway("alpha", hosts="foo.bar") + gateway("beta", hosts="foo.bar", port=9090),  # other port
    gateway("alpha", hosts="foo.bar") + gateway("beta", hosts="foo.bar", selector="istio: egressgateway"),
])
def test_gateways_without_conflict(text):
    assert run(CONFLICTS, text) == []


SIDECARS = "sidecar.SelectorAnalyzer"


def sidecar(name, selector=None, ns="default"):
    sel = f"  workloadSelector:\n    labels: {{{selector}}}\n" if selector else ""
    return (f"apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
            f"spec:\n{sel}  egress:\n  - hosts: ['./*']\n---\n")


def test_sidecar_selector_rows():
    text = (pod("ratings-v1", labels="app: ratings, version: v1")
            + sidecar("maps-to-nonexistent", "app: bogus")
            + sidecar("maps-to-different-ns", "app: ratings", ns="other")
            + sidecar("dupe-1", "app: ratings") + sidecar("dupe-2", "version: v1"))
    out = run(SIDECARS, text)
    assert out == [
        'Error [IST0101] (Sidecar default/maps-to-nonexistent t.yaml:17) Referenced selector not found: "app=bogus"',
        'Error [IST0101] (Sidecar other/maps-to-different-ns t.yaml:28) Referenced selector not found: "app=ratings"',
        'Error [IST0110] (Sidecar default/dupe-1 t.yaml:35) The Sidecars [dupe-1 dupe-2] in namespace "default" '
        'select the same workload pod "ratings-v1", which can lead to undefined behavior.',
        'Error [IST0110] (Sidecar default/dupe-2 t.yaml:46) The Sidecars [dupe-1 dupe-2] in namespace "default" '
        'select the same workload pod "ratings-v1", which can lead to undefined behavior.',
    ]


def test_sidecar_default_selector():
    """Reported at the object's first line: sidecar/selector.go reports IST0111 without an ErrorLine."""
    text = sidecar("has-conflict-1", ns="ns2") + sidecar("has-conflict-2", ns="ns2") + sidecar("alone", ns="ns1") \
        + sidecar("with-selector", "app: x", ns="ns2")
    assert run("sidecar.DefaultSelectorAnalyzer", text) == [
        'Error [IST0111] (Sidecar ns2/has-conflict-1 t.yaml:1) The Sidecars [has-conflict-1 has-conflict-2] in '
        'namespace "ns2" have no workload selector, which can lead to undefined behavior.',
        'Error [IST0111] (Sidecar ns2/has-conflict-2 t.yaml:10) The Sidecars [has-conflict-1 has-conflict-2] in '
        'namespace "ns2" have no workload selector, which can lead to undefined behavior.',
    ]


INJECTION = "injection.Analyzer"


def test_injection_rows():
    text = (namespace("bar") + namespace("foo", "istio-injection: enabled")
            + namespace("off", "istio-injection: disabled") + namespace("rev", "istio.io/rev: canary")
            + namespace("istio-system") + namespace("amb", "istio.io/dataplane-mode: ambient")
            + pod("noninjectedpod", ns="foo")
            + pod("injectedpod", ns="foo", containers="[{name: app, image: a}, {name: istio-proxy, image: proxyv2}]")
            + pod("optout", ns="foo", labels="sidecar.istio.io/inject: 'false'")
            + pod("hostnet", ns="foo", containers="[{name: app, image: a}]\n  hostNetwork: true")
            + pod("elsewhere", ns="bar"))
    assert run(INJECTION, text) == [
        "Warning [IST0103] (Pod foo/noninjectedpod t.yaml:35) The pod foo/noninjectedpod is missing the Istio proxy. "
        "This can often be resolved by restarting or redeploying the workload.",
        "Info [IST0102] (Namespace bar t.yaml:4) The namespace is not enabled for Istio injection. Run 'kubectl "
        "label namespace bar istio-injection=enabled' to enable it, or 'kubectl label namespace bar "
        "istio-injection=disabled' to explicitly mark it as not needing injection.",
    ]


def test_a_revision_label_alone_injects():
    """injection.go: `istio.io/rev` without `istio-injection` marks the namespace injected (IST0103 applies);
    with both labels it is IST0123 and the pods are not checked."""
    text = (namespace("rev", "istio.io/rev: canary") + namespace("both", "istio-injection: enabled, istio.io/rev: canary")
            + pod("bare", ns="rev") + pod("bare", ns="both"))
    assert [line.split(")")[0] for line in run(INJECTION, text)] == [
        "Warning [IST0103] (Pod rev/bare t.yaml:13", "Warning [IST0123] (Namespace both t.yaml:7"]


def test_namespace_of_pods_exists_without_an_object():
    """In a live cluster a namespace holding pods exists; one that holds only config is not invented."""
    deployment = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: sleep\n  namespace: legacy\nspec:\n"
                  "  selector: {matchLabels: {app: sleep}}\n  template:\n    metadata: {labels: {app: sleep}}\n"
                  "    spec: {containers: [{name: sleep, image: curl}]}\n")
    assert run(INJECTION, deployment) == [
        "Info [IST0102] (Namespace legacy) The namespace is not enabled for Istio injection. Run 'kubectl "
        "label namespace legacy istio-injection=enabled' to enable it, or 'kubectl label namespace legacy "
        "istio-injection=disabled' to explicitly mark it as not needing injection."]
    assert run(INJECTION, sidecar("s", ns="lonely")) == []


PORT_NAMES = "service.PortNameAnalyzer"


def service(name, ports, ns="my-namespace1", labels="", selector=""):
    meta = f"  labels: {{{labels}}}\n" if labels else ""
    return (f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {ns}\n{meta}spec:\n"
            f"  selector: {{{selector or 'app: ' + name}}}\n  ports:\n" + "".join(f"  - {p}\n" for p in ports) + "---\n")


@pytest.mark.parametrize("ports, expected", [
    (["{port: 8080}"], ["Port name  (port: 8080, targetPort: 8080) doesn't follow the naming convention of Istio port."]),
    (["{name: foo, port: 8080, targetPort: 9080}"],
     ["Port name foo (port: 8080, targetPort: 9080) doesn't follow the naming convention of Istio port."]),
    (["{name: httpbin, port: 80}"],
     ["Port name httpbin (port: 80, targetPort: 80) doesn't follow the naming convention of Istio port."]),
    (["{name: http, port: 80}", "{name: grpc-web-x, port: 81}", "{name: HTTP2-alt, port: 82}",
      "{name: tcp-db, port: 83}", "{name: web, port: 84, appProtocol: http}", "{port: 3306}",
      "{name: dns, port: 5353, protocol: UDP}"], []),
])
def test_port_names(ports, expected):
    out = run(PORT_NAMES, service("my-service1", ports))
    assert [line.split(") ", 1)[1] for line in out] == expected


def test_port_names_skip_control_plane():
    assert run(PORT_NAMES, service("istiod", ["{port: 15010}"], ns="istio-system", labels="istio: pilot")) == []


def test_topology_namespaces_count_as_namespace_objects():
    topo = ("apiVersion: meshdrill/v1\nkind: Topology\nspec:\n  namespaces:\n  - {name: plain}\n"
            "  - {name: meshed, injection: true}\n  - {name: quiet, injection: false}\n")
    assert run(INJECTION, topo) == [
        "Info [IST0102] (Namespace plain) The namespace is not enabled for Istio injection. Run 'kubectl label "
        "namespace plain istio-injection=enabled' to enable it, or 'kubectl label namespace plain "
        "istio-injection=disabled' to explicitly mark it as not needing injection."]


def test_port_names_skip_services_of_istio_gateway_controllers():
    """service-port-name.yaml: waypoint and Gateway API Services are managed by Istio, not named by users."""
    for value in ("istio.io-mesh-controller", "istio.io-gateway-controller"):
        managed = service("waypoint", ["{name: mesh, port: 15008, appProtocol: hbone}"], ns="ambient",
                          labels=f"gateway.istio.io/managed: {value}")
        assert run(PORT_NAMES, managed) == []
    other = service("waypoint", ["{name: mesh, port: 15008}"], ns="ambient", labels="gateway.istio.io/managed: me")
    assert len(run(PORT_NAMES, other)) == 1


def test_topology_workloads_make_their_namespace_exist():
    topo = ("apiVersion: meshdrill/v1\nkind: Topology\nspec:\n  services:\n  - name: web\n    namespace: shop\n"
            "    ports: [{name: http, port: 80}]\n    workloads: [{labels: {version: v1}}]\n")
    assert [line.split(")")[0] for line in run(INJECTION, topo)] == ["Info [IST0102] (Namespace shop"]


def test_namespace_with_more_than_one_injection_label():
    """injection.yaml `busted` and `multi-ns-*`: IST0123 lists the labels that compete."""
    text = (namespace("busted", "istio-injection: enabled, istio.io/rev: canary")
            + namespace("quiet", "istio-injection: disabled, istio.io/rev: canary")
            + namespace("mixed", "istio.io/rev: canary, istio.io/dataplane-mode: ambient"))
    assert run(INJECTION, text) == [
        "Warning [IST0123] (Namespace busted t.yaml:1) The namespace has more than one type of injection labels "
        "[istio-injection=enabled istio.io/rev=canary], which may lead to undefined behavior. Make sure only one "
        "injection label exists.",
        "Warning [IST0123] (Namespace mixed t.yaml:13) The namespace has more than one type of injection labels "
        "[istio.io/rev=canary istio.io/dataplane-mode=ambient], which may lead to undefined behavior. Make sure "
        "only one injection label exists."]


DEPLOYMENTS = "deployment.MultiServiceAnalyzer"


def deployment(name, labels, annotations=""):
    meta = f"      annotations: {{{annotations}}}\n" if annotations else ""
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: bookinfo\nspec:\n"
            f"  template:\n    metadata:\n{meta}      labels: {{{labels}}}\n    spec:\n"
            f"      containers: [{{name: app, image: app}}]\n---\n")


def test_services_disagreeing_about_a_deployment():
    """deployment-multi-service.yaml: same port with two protocols (IST0116), one targetPort behind two ports
    (IST0137); a Deployment outside the mesh, or Services in another namespace, say nothing."""
    ns = namespace("bookinfo", "istio-injection: enabled")
    protocols = (deployment("details-v1", "app: details, version: v1")
                 + service("details-tcp", ["{port: 9080, name: tcp, protocol: TCP}"], ns="bookinfo", selector="app: details")
                 + service("details-http", ["{port: 9080, name: http, protocol: HTTP}"], ns="bookinfo", selector="app: details"))
    assert run(DEPLOYMENTS, ns + protocols) == [
        "Warning [IST0116] (Deployment bookinfo/details-v1 t.yaml:10) This deployment details-v1 is associated with "
        "multiple services using port 9080 but different protocols: [bookinfo/details-http bookinfo/details-tcp]"]
    ports = (deployment("cp", "app: cp")
             + service("cp-1", ["{port: 9080, name: tcp, targetPort: 9080}"], ns="bookinfo", selector="app: cp")
             + service("cp-2", ["{port: 9090, name: http, targetPort: 9080}"], ns="bookinfo", selector="app: cp"))
    assert run(DEPLOYMENTS, ns + ports) == [
        "Warning [IST0137] (Deployment bookinfo/cp t.yaml:10) This deployment cp is associated with multiple services "
        '[bookinfo/cp-1 bookinfo/cp-2] using targetPort "9080" but different ports: [9080 9090].']
    assert run(DEPLOYMENTS, ns + protocols.replace("app: details, version: v1}", "app: details, version: v1}\n"
                                                   "      annotations: {sidecar.istio.io/inject: 'false'}")) == []
    assert run(DEPLOYMENTS, ns.replace("enabled", "disabled") + protocols) == []


CERTIFICATES = "gateway.CertificateAnalyzer"


def tls_gateway(name, ns, credential, selector="istio: ingressgateway"):
    return (f"apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n"
            f"  selector:\n    {selector}\n  servers:\n  - port: {{number: 443, name: https, protocol: HTTPS}}\n"
            f"    tls: {{mode: SIMPLE, credentialName: {credential}}}\n    hosts: [{name}.example.com]\n---\n")


def test_duplicate_certificates():
    """gateway-duplicate-certificate.yaml: same credentialName on overlapping selectors; a selector that is not a
    subset of the other's is not reported; different credentials say nothing."""
    internal = "istio: ingressgateway\n    type: internal"
    text = (tls_gateway("gw-01", "istio-system", "wildcard") + tls_gateway("gw-02", "istio-system", "wildcard")
            + tls_gateway("gw-03", "default", "other") + tls_gateway("gw-04", "istio-system", "other", internal)
            + tls_gateway("gw-05", "istio-system", "a") + tls_gateway("gw-06", "istio-system", "b"))
    assert run(CERTIFICATES, text) == [
        "Warning [IST0138] (Gateway default/gw-03 t.yaml:30) Duplicate certificate in multiple gateways "
        "[default/gw-03 istio-system/gw-04] may cause 404s if clients re-use HTTP2 connections.",
        "Warning [IST0138] (Gateway istio-system/gw-01 t.yaml:4) Duplicate certificate in multiple gateways "
        "[istio-system/gw-01 istio-system/gw-02] may cause 404s if clients re-use HTTP2 connections.",
        "Warning [IST0138] (Gateway istio-system/gw-02 t.yaml:17) Duplicate certificate in multiple gateways "
        "[istio-system/gw-02 istio-system/gw-01] may cause 404s if clients re-use HTTP2 connections."]
