"""Mesh indexes and host helpers (istio-semantics §2, §3.1; api virtual_service.proto `hosts`)."""

import pytest

from engine.config import load_config_text
from engine.mesh import build_mesh
from engine.mesh.hosts import HostIndex, exported_to, matches, resolve


@pytest.mark.parametrize("host,namespace,expected", [
    ("reviews", "foo", "reviews.foo.svc.cluster.local"),          # §2: the config's namespace
    ("reviews.default.svc.cluster.local", "foo", "reviews.default.svc.cluster.local"),   # FQDN as is
    ("reviews.default", "foo", "reviews.default"),                # a dotted name is taken literally
    ("*.example.com", "foo", "*.example.com"),
    ("*", "foo", "*"),
    ("Reviews", "foo", "reviews.foo.svc.cluster.local"),
])
def test_resolve_short_names_against_the_config_namespace(host, namespace, expected):
    assert resolve(host, namespace) == expected


@pytest.mark.parametrize("pattern,host,expected", [
    ("*.example.com", "a.example.com", True),
    ("*.example.com", "a.b.example.com", True),                   # Envoy suffix wildcard
    ("*.example.com", "example.com", False),
    ("*", "anything.org", True),
    ("a.example.com", "a.example.com", True),
    ("a.example.com", "b.example.com", False),
    ("*.example.com", "*.a.example.com", True),                   # a wider wildcard covers a narrower one
    ("*.a.example.com", "*.example.com", False),
])
def test_wildcard_matching(pattern, host, expected):
    assert matches(pattern, host) is expected


@pytest.mark.parametrize("export,owner,client,expected", [
    ((), "default", "foo", True),          # empty = everywhere (default exportTo *)
    (("*",), "default", "foo", True),
    ((".",), "default", "default", True),
    ((".",), "default", "foo", False),
    (("foo",), "default", "foo", True),
    (("bar",), "default", "foo", False),
    (("~",), "default", "default", False),
])
def test_export_to(export, owner, client, expected):
    assert exported_to(export, owner, client) is expected


def test_host_index_returns_most_specific_first_then_oldest():
    index = HostIndex()
    index.add("*", "any")
    index.add("*.svc.cluster.local", "svc")
    index.add("reviews.default.svc.cluster.local", "old")
    index.add("reviews.default.svc.cluster.local", "new")
    index.add("ratings.default.svc.cluster.local", "other")
    found = [item for _, item in index.lookup("reviews.default.svc.cluster.local")]
    assert found == ["old", "new", "svc", "any"]
    assert [item for _, item in index.lookup("unrelated.org")] == ["any"]


CONFIG = """
apiVersion: meshdrill/v1
kind: Topology
spec:
  services:
    - {name: reviews, ports: [{name: http, port: 9080}], workloads: [{labels: {version: v1}}]}
---
apiVersion: v1
kind: Service
metadata: {name: hidden, namespace: default, annotations: {networking.istio.io/exportTo: "."}}
spec: {selector: {app: hidden}, ports: [{name: http, port: 80}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: two-hosts, namespace: foo}
spec:
  hosts: [reviews, reviews.default.svc.cluster.local]
  http: [{route: [{destination: {host: reviews.default.svc.cluster.local}}]}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: dr, namespace: default}
spec: {host: "*.default.svc.cluster.local"}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec: {mtls: {mode: STRICT}}
---
apiVersion: meshdrill/v1
kind: Traffic
spec:
  seed: 7
  backends: [{namespace: default, selector: {app: reviews}, errorRate: 0.5}]
  streams: [{from: default/reviews, to: "reviews:9080"}]
"""


def test_build_mesh_indexes_config_by_host_and_namespace():
    mesh = build_mesh(load_config_text(CONFIG, "m.yaml"))
    vs_hosts = {h for h, _ in mesh.virtual_services.items()}
    assert vs_hosts == {"reviews.foo.svc.cluster.local", "reviews.default.svc.cluster.local"}
    assert [r.name for _, r in mesh.destination_rules.lookup("reviews.default.svc.cluster.local")] == ["dr"]
    assert [r.name for r in mesh.peer_authentications["istio-system"]] == ["default"]
    assert mesh.seed == 7 and len(mesh.streams) == 1 and mesh.backends[0].error_rate == 0.5
    assert mesh.stream_reference(mesh.streams[0]).startswith("m.yaml:")


def test_service_export_to_annotation_hides_a_service_from_other_namespaces():
    mesh = build_mesh(load_config_text(CONFIG, "m.yaml"))
    assert mesh.service("hidden.default.svc.cluster.local", "default") is not None
    assert mesh.service("hidden.default.svc.cluster.local", "foo") is None


def test_rejected_objects_are_not_in_the_mesh():
    bad = CONFIG + """
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bad, namespace: default}
spec: {hosts: [ratings], http: [{route: [{destination: {host: ratings}, weight: -1}]}]}
"""
    cs = load_config_text(bad, "m.yaml")
    assert cs.rejected
    mesh = build_mesh(cs)
    assert not mesh.virtual_services.lookup("ratings.default.svc.cluster.local")
