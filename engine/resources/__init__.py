"""Typed Istio, Kubernetes and meshdrill resources, decoded with kube-apiserver strictness."""

from engine.resources.decoding import Decoded, decode_documents
from engine.resources.envelope import Resource

__all__ = ["Decoded", "Resource", "decode_documents"]
