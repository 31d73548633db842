"""Every code, level and sentence the engine can say, in one table.

Istio's codes (IST*) copy `pkg/config/analysis/msg/messages.yaml` exactly: name, level and
template. Our own codes (MD*) cover what Istio says without a code (YAML errors, API-server
rejections) and teaching hints beyond istioctl. Checks call `make(...)` and never write a
code or sentence inline. Retired Istio codes are listed so that nobody reuses them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.diagnostics import Diagnostic, Layer, Level

E, W, I = Level.ERROR, Level.WARNING, Level.INFO


@dataclass(frozen=True)
class Message:
    code: str
    name: str
    level: Level
    template: str
    description: str


def _m(code, name, level, template, description):
    return code, Message(code, name, level, template, description)


MESSAGES: dict[str, Message] = dict([
    # --- Istio (istioctl analyze), same code, name, level and template ---------------------
    _m("IST0002", "Deprecated", W, "Deprecated: %s", "A feature that the configuration is depending on is now deprecated."),
    _m("IST0101", "ReferencedResourceNotFound", E, "Referenced %s not found: %q", "A resource being referenced does not exist."),
    _m("IST0102", "NamespaceNotInjected", I,
       "The namespace is not enabled for Istio injection. Run 'kubectl label namespace %s istio-injection=enabled' "
       "to enable it, or 'kubectl label namespace %s istio-injection=disabled' to explicitly mark it as not needing injection.",
       "A namespace is not enabled for Istio injection."),
    _m("IST0103", "PodMissingProxy", W,
       "The pod %s is missing the Istio proxy. This can often be resolved by restarting or redeploying the workload.",
       "A pod is missing the Istio proxy."),
    _m("IST0106", "SchemaValidationError", E, "Schema validation error: %v", "The resource has a schema validation error."),
    _m("IST0109", "ConflictingMeshGatewayVirtualServiceHosts", E,
       "The VirtualServices %s associated with mesh gateway define the same host %s which can lead to undefined behavior. "
       "This can be fixed by merging the conflicting VirtualServices into a single resource.",
       "Conflicting hosts on VirtualServices associated with mesh gateway"),
    _m("IST0110", "ConflictingSidecarWorkloadSelectors", E,
       "The Sidecars %v in namespace %q select the same workload pod %q, which can lead to undefined behavior.",
       "A Sidecar resource selects the same workloads as another Sidecar resource"),
    _m("IST0111", "MultipleSidecarsWithoutWorkloadSelectors", E,
       "The Sidecars %v in namespace %q have no workload selector, which can lead to undefined behavior.",
       "More than one sidecar resource in a namespace has no workload selector"),
    _m("IST0112", "VirtualServiceDestinationPortSelectorRequired", E,
       "This VirtualService routes to a service %q that exposes multiple ports %v. Specifying a port in the "
       "destination is required to disambiguate.",
       "A VirtualService routes to a service with more than one port exposed, but does not specify which to use."),
    _m("IST0118", "PortNameIsNotUnderNamingConvention", I,
       "Port name %s (port: %d, targetPort: %s) doesn't follow the naming convention of Istio port.",
       "Port name is not under naming convention. Protocol detection is applied to the port."),
    _m("IST0116", "DeploymentAssociatedToMultipleServices", W,
       "This deployment %s is associated with multiple services using port %d but different protocols: %v",
       "The resulting pods of a service mesh deployment can't be associated with multiple services using the "
       "same port but different protocols."),
    _m("IST0123", "NamespaceMultipleInjectionLabels", W,
       "The namespace has more than one type of injection labels %v, which may lead to undefined behavior. "
       "Make sure only one injection label exists.",
       "A namespace has more than one type of injection labels"),
    _m("IST0127", "NoMatchingWorkloadsFound", W, "No matching workloads for this resource with the following labels: %s",
       "There aren't workloads matching the resource labels"),
    _m("IST0128", "NoServerCertificateVerificationDestinationLevel", W,
       "DestinationRule %s in namespace %s has TLS mode set to %s but no caCertificates are set to validate server "
       "identity for host: %s",
       "Server certificate verification is disabled at the destination level."),
    _m("IST0129", "NoServerCertificateVerificationPortLevel", W,
       "DestinationRule %s in namespace %s has TLS mode set to %s but no caCertificates are set to validate server "
       "identity for host: %s at port number:%d",
       "Server certificate verification is disabled at the port level."),
    _m("IST0130", "VirtualServiceUnreachableRule", W, "VirtualService rule %v not used (%s).",
       "A VirtualService rule will never be used because a previous rule uses the same match."),
    _m("IST0131", "VirtualServiceIneffectiveMatch", I, "VirtualService rule %v match %v is not used (duplicate/overlapping match in rule %v).",
       "A VirtualService rule match duplicates a match in a previous rule."),
    _m("IST0132", "VirtualServiceHostNotFoundInGateway", W,
       "one or more host %v defined in VirtualService %s not found in Gateway %s.",
       "Host defined in VirtualService not found in Gateway."),
    _m("IST0133", "SchemaWarning", W, "Schema validation warning: %v", "The resource has a schema validation warning."),
    _m("IST0134", "ServiceEntryAddressesRequired", W, "ServiceEntry addresses are required for this protocol.",
       "Virtual IP addresses are required for ports serving TCP (or unset) protocol"),
    _m("IST0137", "DeploymentConflictingPorts", W,
       "This deployment %s is associated with multiple services %v using targetPort %q but different ports: %v.",
       "Two services selecting the same workload with the same targetPort MUST refer to the same port."),
    _m("IST0138", "GatewayDuplicateCertificate", W,
       "Duplicate certificate in multiple gateways %v may cause 404s if clients re-use HTTP2 connections.",
       "Duplicate certificate in multiple gateways may cause 404s if clients re-use HTTP2 connections."),
    _m("IST0140", "IngressRouteRulesNotAffected", W,
       "Subset in virtual service %s has no effect on ingress gateway %s requests",
       "Route rules have no effect on ingress gateway requests"),
    _m("IST0145", "ConflictingGateways", E,
       "Conflict with gateways %s (workload selector %s, port %s, hosts %v).",
       "Gateway should not have the same selector, port and matched hosts of server"),
    _m("IST0149", "JwtClaimBasedRoutingWithoutRequestAuthN", E,
       "The virtual service uses the JWT claim based routing (key: %s) but found no request authentication for the "
       "gateway (%s) pod (%s). The request authentication must first be applied for the gateway pods to validate "
       "the JWT token and make the claims available for routing.",
       "Virtual service using JWT claim based routing without request authentication."),
    _m("IST0150", "ExternalNameServiceTypeInvalidPortName", W,
       "Port name for ExternalName service is invalid. Proxy may prevent tcp named ports and unmatched traffic "
       "for ports serving TCP protocol from being forwarded correctly.",
       "Proxy may prevent tcp named ports and unmatched traffic for ports serving TCP protocol from being "
       "forwarded correctly for ExternalName services."),
    _m("IST0162", "GatewayPortNotDefinedOnService", W,
       "The gateway is listening on a target port (port %d) that is not defined in the Service associated with its "
       "workload instances (Pod selector %s). If you need to access the gateway port through the gateway Service, "
       "it will not be available.",
       "Gateway port not exposed by service"),
    _m("IST0165", "ReferencedInternalGateway", W,
       "Gateway reference in VirtualService %s is to an implementation-generated internal Gateway: %s",
       "VirtualServices should not reference internal Gateways."),
    _m("IST0167", "IneffectivePolicy", W, "The policy has no impact: %s.",
       "The policy applied has no impact."),
    _m("IST0173", "DestinationRuleSubsetNotSelectPods", E,
       "The Subset %s defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).",
       "Subset not selecting any Pods."),
    _m("IST0174", "UnknownDestinationRuleHost", W,
       "The host %s defined in the DestinationRule does not match any services in the mesh.",
       "Destination Rule host not found in the mesh"),
    # --- meshdrill: what Istio and Kubernetes say without a code ----------------------------
    _m("MD0001", "YamlSyntaxError", E, "YAML syntax error: %s", "The file is not valid YAML."),
    _m("MD0002", "InputLimitExceeded", E, "%s", "The input exceeds a safety limit (size, documents, depth, aliases)."),
    _m("MD0003", "NotAnObject", E, "%s", "A YAML document is not a Kubernetes object (a mapping with apiVersion and kind)."),
    _m("MD0004", "ObjectFragment", E, "%s", "A YAML document is a fragment of an object, not an object."),
    _m("MD0005", "DuplicateKey", E, "mapping key %q already defined at line %d", "A YAML mapping repeats a key."),
    _m("MD0010", "UnknownKind", E, "%s", "No CRD or built-in type serves this apiVersion/kind."),
    _m("MD0011", "PartiallyModeledKind", I, "%s", "A kind that meshdrill loads and validates but does not simulate."),
    _m("MD0012", "DuplicateObject", W, "%s defined more than once; the later definition (%s) replaces the earlier one",
       "Two documents define the same kind, namespace and name."),
    _m("MD0020", "UnknownField", E, "%s", "The API server's strict field validation rejects unknown fields."),
    _m("MD0021", "InvalidType", E, "%s", "A field has the wrong JSON type for the CRD schema."),
    _m("MD0022", "UnsupportedValue", E, "%s", "An enum field has a value the CRD schema does not list."),
    _m("MD0023", "RequiredValue", E, "%s", "A required field is missing."),
    _m("MD0024", "InvalidValue", E, "%s", "A CEL or format rule of the CRD schema rejects the value."),
    _m("MD0030", "InvalidTopology", E, "%s", "A meshdrill/v1 Topology that cannot describe a cluster."),
    _m("MD0031", "InvalidTraffic", E, "%s", "A meshdrill/v1 Traffic whose streams or backends cannot be run."),
    # --- meshdrill: teaching hints beyond istioctl (Istio has no analyzer for these) --------
    _m("MD0101", "StrictRejectsPlaintextClient", W, "%s", "STRICT mTLS rejects a client that has no sidecar."),
    _m("MD0102", "SubsetOutsideRoute", I, "%s", "Subset traffic policy only applies when a VirtualService routes to the subset."),
    _m("MD0103", "ShortHostOtherNamespace", W, "%s", "A short host name resolves in the config's namespace, not the service's."),
    _m("MD0104", "VirtualServiceShadowed", W, "%s", "Sidecars do not merge VirtualServices for one host: the oldest wins."),
    _m("MD0105", "DestinationRuleTlsMismatch", W, "%s", "A DestinationRule TLS mode that the server side will refuse."),
    _m("MD0106", "IgnoredByPlaintextClient", I, "%s", "A client without a sidecar ignores VirtualService and DestinationRule."),
    _m("MD0107", "RootSelectorPeerAuthentication", W, "%s", "A PeerAuthentication with a selector in the root namespace."),
    # --- meshdrill: grading hands-on exercises ---------------------------------------------
    _m("MD0201", "SubmissionKindNotAllowed", E,
       "%s is part of the exercise's cluster, not of an answer: submit Istio configuration only (networking.istio.io, security.istio.io)",
       "An exercise answer may only hold Istio configuration; the topology and traffic are fixed."),
    # --- meshdrill: traffic streams that name nothing ----------------------------------------
    _m("MD0301", "UnknownStreamEndpoint", E, "stream %s %q names no %s in the topology",
       "A Traffic stream's `from` or `via` names no workload of the topology."),
])

# Retired by Istio; never emit them (analyzers.md §3). A meta-test keeps this honest.
RETIRED = frozenset({"IST0104", "IST0105", "IST0113", "IST0114", "IST0115", "IST0117", "IST0119",
                     "IST0120", "IST0121", "IST0122"})

DOC_URL = "https://istio.io/latest/docs/reference/config/analysis/{code}/?ref=istioctl-analyze"


def documentation_url(code: str) -> str:
    return DOC_URL.format(code=code.lower()) if code.startswith("IST") else ""


_VERB = re.compile(r"%(.)", re.S)


def render(template: str, *args) -> str:
    """Go's fmt verbs as istioctl prints them: %s %d %v plain, %q double-quoted, %% a percent sign."""
    values = iter(args)

    def verb(match: re.Match) -> str:
        if match.group(1) == "%":
            return "%"
        arg = next(values)
        return _go_quote(arg) if match.group(1) == "q" else _go_value(arg)

    return _VERB.sub(verb, template)


def _go_value(arg) -> str:
    if isinstance(arg, (list, tuple)):
        return "[" + " ".join(_go_value(a) for a in arg) + "]"
    return str(arg)


def _go_quote(arg) -> str:
    return '"' + str(arg).replace("\\", "\\\\").replace('"', '\\"') + '"'


def make(code: str, *args, layer: str = Layer.ANALYSIS, origin: str = "", file: str | None = None,
         line: int | None = None, path: str = "", level: Level | None = None) -> Diagnostic:
    """Build a diagnostic from the table. `level` overrides only where Istio itself varies it."""
    message = MESSAGES[code]
    return Diagnostic(code=code, level=level if level is not None else message.level,
                      message=render(message.template, *args), layer=layer, origin=origin,
                      file=file, line=line, path=path)
