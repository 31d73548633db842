"""Host and label helpers (istio agent/validation_test.go TestValidateWildcardDomain,
TestValidateFQDN, TestValidateNamespaceSlashWildcardHostname; host/name_test.go)."""

import pytest

from engine.validation import hosts


@pytest.mark.parametrize("domain,expected", [
    ("", "empty domain name not allowed"),
    ("x" * 256, f'domain name "{"x" * 256}" too long (max 255)'),
    ("x" * 63, None),
    ("*", None),
    ("*.bar.com", None),
    ("*foo", None),
    ("*foo.bar.com", None),
    ("*-foo.bar.com", None),
    ("foo.*.com", 'domain name "*.com" invalid (label "*" invalid)'),
    ("foo*.bar.com", 'domain name "foo*.bar.com" invalid (label "foo*" invalid)'),
    ("1.1.1.1", 'domain name "1.1.1" invalid (top level domain "1" cannot be all-numeric)'),
    ("Reviews.Example.COM", None),          # case-insensitive, unlike Kubernetes names
    ("istio.io.", None),                    # a trailing dot is allowed
    ("under_score.com", 'domain name "under_score.com" invalid (label "under_score" invalid)'),
])
def test_wildcard_domain(domain, expected):
    assert hosts.wildcard_domain(domain) == expected


@pytest.mark.parametrize("host,gateway,expected", [
    ("ns1/foo.com", True, []),
    ("*/foo.com", True, []),
    ("./foo.com", True, []),
    ("foo.com", True, []),
    ("10.0.0.1", True, []),                 # a gateway may list an IP
    ("foo", True, ["short names (non FQDN) are not allowed"]),
    ("~/foo.com", True, ['invalid namespace value "~" in gateway']),
    ("~/foo.com", False, []),
    ("foo.com", False, ["host must be of form namespace/dnsName"]),
    ("ns/*bar.com", False, ['partial wildcard "*bar.com" not allowed']),
])
def test_namespace_slash_host(host, gateway, expected):
    assert hosts.namespace_slash_host(host, gateway) == expected


@pytest.mark.parametrize("a,b,matches,subset", [
    ("foo.com", "foo.com", True, True),
    ("*.foo.com", "*.com", True, True),
    ("*.com", "*.foo.com", True, False),
    ("a.foo.com", "*.foo.com", True, True),
    ("*.foo.com", "a.foo.com", True, False),
    ("foo.com", "bar.com", False, False),
])
def test_host_matching(a, b, matches, subset):
    assert hosts.host_matches(a, b) is matches
    assert hosts.host_subset_of(a, b) is subset


@pytest.mark.parametrize("value,expected", [
    ("10.0.0.0/8", None), ("2001:db8::/32", None), ("10.0.0.1", None),
    ("10.0.0.0/33", "10.0.0.0/33 is not a valid CIDR block"), ("nope", "nope is not a valid IP"),
])
def test_ip_subnet(value, expected):
    assert hosts.ip_subnet(value) == expected
