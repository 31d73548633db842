"""networking.istio.io (v1alpha3, v1beta1, v1: one schema), one module per istio/api proto file.

Sources: api:networking/v1alpha3/{virtual_service,destination_rule,gateway,service_entry,sidecar}.proto
and the generated CRD schema (`kubernetes/customresourcedefinitions.gen.yaml`). This module only
re-exports them so that callers can name every networking type from one place.
"""

from engine.resources.common import Destination, LabelSelector, Percent, PortSelector, StringMatch, WorkloadSelector
from engine.resources.virtual_service import (
    Delegate, FaultAbort, FaultDelay, HTTPBody, HTTPDirectResponse, HTTPFaultInjection, HTTPMatchRequest,
    HTTPMirrorPolicy, HTTPRedirect, HTTPRetry, HTTPRewrite, HTTPRoute, HTTPRouteDestination, HeaderOperations,
    Headers, L4MatchAttributes, RedirectPortSelection, RegexRewrite, RouteDestination, TCPRoute,
    TLSMatchAttributes, TLSRoute, VirtualService)
from engine.resources.destination_rule import (
    ClientTLSSettings, ConnectionPoolSettings, ConsistentHashLB, DestinationRule, H2UpgradePolicy,
    HTTP2KeepAlive, HTTPCookie, HTTPSettings, LoadBalancerSettings, OutlierDetection, PortTrafficPolicy,
    SimpleLB, Subset, TCPSettings, TLSMode, TrafficPolicy, WarmupConfiguration)
from engine.resources.gateway import Gateway, Port, Server, ServerTLSMode, ServerTLSSettings, TLSProtocol
from engine.resources.service_entry import Location, Resolution, ServiceEntry, ServicePort, WorkloadEntrySpec
from engine.resources.sidecar import (
    CaptureMode, IstioEgressListener, IstioIngressListener, OutboundMode, OutboundTrafficPolicy, Sidecar,
    SidecarPort)

__all__ = [
    "CaptureMode", "ClientTLSSettings", "ConnectionPoolSettings", "ConsistentHashLB", "Delegate",
    "Destination", "DestinationRule", "FaultAbort", "FaultDelay", "Gateway", "H2UpgradePolicy",
    "HTTP2KeepAlive", "HTTPBody", "HTTPCookie", "HTTPDirectResponse", "HTTPFaultInjection",
    "HTTPMatchRequest", "HTTPMirrorPolicy", "HTTPRedirect", "HTTPRetry", "HTTPRewrite", "HTTPRoute",
    "HTTPRouteDestination", "HTTPSettings", "HeaderOperations", "Headers", "IstioEgressListener",
    "IstioIngressListener", "L4MatchAttributes", "LabelSelector", "LoadBalancerSettings", "Location",
    "OutboundMode", "OutboundTrafficPolicy", "OutlierDetection", "Percent", "Port", "PortSelector",
    "PortTrafficPolicy", "RedirectPortSelection", "RegexRewrite", "Resolution", "RouteDestination", "Server",
    "ServerTLSMode", "ServerTLSSettings", "ServiceEntry", "ServicePort", "Sidecar", "SidecarPort", "SimpleLB",
    "StringMatch", "Subset", "TCPRoute", "TCPSettings", "TLSMatchAttributes", "TLSMode", "TLSProtocol",
    "TLSRoute", "TrafficPolicy", "VirtualService", "WarmupConfiguration", "WorkloadEntrySpec",
    "WorkloadSelector",
]
