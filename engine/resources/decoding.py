"""Documents -> typed resources, with every kind- and schema-layer problem as a diagnostic.

This is what the kube-apiserver decides before Istio's webhook sees anything: is the
apiVersion/kind served, is the object well-formed (metadata.name, strict fields, types,
enums, required fields, durations, oneOf). An object with such an error is rejected and
takes no further part, as on a real cluster; all its errors are reported, not the first.
One exception: an object whose spec breaks only value rules (CEL, formats, minimums, oneOf) or
leaves a required field out still decodes into a typed resource (a missing field is absent, as
Go's zero value is), kept apart in `schema_rejected`, because `istioctl analyze` does not run the
CRD schema and would show Istio's webhook verdict on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine import messages
from engine.diagnostics import Diagnostic, Layer, Level
from engine.loading import Document
from engine.resources import kinds
from engine.resources.envelope import ObjectMeta, Resource
from engine.resources.decoder import Decoder, Problem

_PROBLEM_CODE = {"unknown": "MD0020", "type": "MD0021", "enum": "MD0022", "required": "MD0023", "invalid": "MD0024"}

# A document without apiVersion/kind whose keys say what it is part of (DESIGN: fragments
# get a message naming what they belong to). Checked in order; first hit wins.
_FRAGMENTS: tuple[tuple[frozenset, str], ...] = (
    (frozenset({"hosts", "http"}), "the spec of a VirtualService (put it under `spec:` of a "
                                   "networking.istio.io/v1 VirtualService)"),
    (frozenset({"host", "subsets"}), "the spec of a DestinationRule (put it under `spec:`)"),
    (frozenset({"host", "trafficPolicy"}), "the spec of a DestinationRule (put it under `spec:`)"),
    (frozenset({"route"}), "an HTTP route of a VirtualService: the `route:` list belongs under "
                           "`spec.http[]` of a VirtualService"),
    (frozenset({"destination"}), "a route destination of a VirtualService (`spec.http[].route[]`)"),
    (frozenset({"match"}), "an HTTP route of a VirtualService (`spec.http[]`)"),
    (frozenset({"retries"}), "an HTTP route of a VirtualService (`spec.http[]`)"),
    (frozenset({"labels"}), "object metadata: pod labels belong under `metadata.labels` of a Pod, or "
                            "`spec.template.metadata.labels` of a Deployment"),
    (frozenset({"mtls"}), "the spec of a PeerAuthentication (put it under `spec:`)"),
    (frozenset({"subsets"}), "the spec of a DestinationRule (put it under `spec:`)"),
    (frozenset({"trafficPolicy"}), "the spec of a DestinationRule (put it under `spec:`)"),
    (frozenset({"servers"}), "the spec of a Gateway (put it under `spec:`)"),
    (frozenset({"rules"}), "the spec of an AuthorizationPolicy (put it under `spec:`)"),
)


# Problem kinds that leave a well-typed spec: a value breaks a CEL/format/minimum/oneOf rule, or a
# required field is absent. Unknown fields, wrong types and enums do not decode (nor parse in istioctl).
_VALUE_RULES = frozenset({"invalid", "required"})


@dataclass
class Decoded:
    resources: list[Resource] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Refused by the API server for value rules only (see module doc): typed, never admitted.
    schema_rejected: list[Resource] = field(default_factory=list)


def decode_documents(documents: list[Document], *, default_namespace: str = "default") -> Decoded:
    out = Decoded()
    order = 0
    for doc in documents:
        for data, prefix in _objects_of(doc, out.diagnostics):
            resource, admitted = _decode_object(doc, data, prefix, order, default_namespace, out.diagnostics)
            order += 1
            if resource is not None:
                (out.resources if admitted else out.schema_rejected).append(resource)
    out.resources = _last_definition_wins(out.resources, out.diagnostics)
    return out


def _objects_of(doc: Document, sink: list[Diagnostic]):
    """Yield (object, path prefix); `kind: List` expands to its items as kubectl does."""
    data = doc.data
    if not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else f"a {type(data).__name__} scalar"
        sink.append(messages.make("MD0003", f"document {doc.index + 1} is {what}, not an object; kubectl "
                                  "expects a mapping with apiVersion, kind and metadata",
                                  layer=Layer.YAML, file=doc.file, line=doc.line))
        return
    if data.get("kind") == "List" or str(data.get("kind", "")).endswith("List") and "items" in data:
        items = data.get("items") or []
        if not isinstance(items, list):
            sink.append(messages.make("MD0021", "items: must be a list", layer=Layer.SCHEMA,
                                      file=doc.file, line=doc.line_of("items"), path="items"))
            return
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield item, f"items[{i}]"
            else:
                sink.append(messages.make("MD0003", f"items[{i}] is not an object", layer=Layer.YAML,
                                          file=doc.file, line=doc.line_of(f"items[{i}]")))
        return
    yield data, ""


def _decode_object(doc: Document, data: dict, prefix: str, order: int, default_ns: str,
                   sink: list[Diagnostic]) -> tuple[Resource | None, bool]:
    """(resource, admitted). A resource that is not admitted broke only value rules."""
    def at(path: str) -> str:
        return f"{prefix}.{path}" if prefix and path else (prefix or path)

    line = doc.line_of(prefix) if prefix else doc.line
    api_version, kind = data.get("apiVersion"), data.get("kind")
    if not api_version or not kind:
        sink.append(_fragment(data, doc, line, api_version, kind))
        return None, False
    info = kinds.lookup(str(api_version), str(kind))
    meta_raw = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    name_hint = meta_raw.get("name") or "<unnamed>"
    if info is None:
        if str(kind) not in kinds.IGNORED_KUBE_KINDS:  # valid Kubernetes kinds with no part in the mesh
            sink.append(_unknown_kind(str(api_version), str(kind), name_hint, doc, line))
        return None, False
    namespace = "" if not info.namespaced else str(meta_raw.get("namespace") or default_ns)
    if namespace:
        origin = f"{kind} {namespace}/{name_hint}"
    else:   # a nameless meshdrill object (Traffic, Topology) is its kind alone, as Resource.ref says
        origin = f"{kind} {meta_raw['name']}" if meta_raw.get("name") else str(kind)

    decoder = Decoder()
    meta = decoder.decode_object(ObjectMeta, data.get("metadata", {}), ("metadata",)) \
        if data.get("metadata") is not None else ObjectMeta()
    spec = None
    if info.spec is not None:
        spec_data = data.get(info.spec_field)
        if spec_data is None and info.spec_required:
            decoder.problem("required", (info.spec_field,), f"{info.spec_field}: Required value")
            # the webhook (istioctl analyze) still judges the empty spec Go would see
            spec = Decoder().decode_object(info.spec, {}, (info.spec_field,))
        elif spec_data is None and info.kind not in ("Namespace",):
            spec_data = {}
        if spec_data is not None:
            spec = decoder.decode_object(info.spec, spec_data, (info.spec_field,))
    allowed_top = {"apiVersion", "kind", "metadata", "spec", "status"}
    for key in data:
        if key not in allowed_top and not (info.spec is None and info.kind != "Namespace"):
            decoder.problem("unknown", (str(key),), f'strict decoding error: unknown field "{key}"'
                            + (' (did you mean "spec"?)' if str(key).lower().startswith("spec") else ""))
    problems = list(decoder.problems)
    if meta is None:
        meta = ObjectMeta()
    if not meta.name and not meta.generate_name and info.group != kinds.MESHDRILL:
        problems.append(Problem("required", "metadata.name", "metadata.name: Required value: name or "
                                "generateName is required"))
    for problem in problems:
        sink.append(messages.make(_PROBLEM_CODE[problem.kind], problem.message, layer=Layer.SCHEMA,
                                  origin=origin, file=doc.file, line=doc.line_of(at(problem.path)),
                                  path=problem.path))
    if any(p.kind not in _VALUE_RULES or not p.path.startswith(info.spec_field) for p in problems) \
            or (problems and info.group == kinds.MESHDRILL):
        return None, False
    if not info.simulated and not problems:
        sink.append(messages.make("MD0011", f"{kind} is loaded and checked for its apiVersion and metadata, "
                                  "but meshdrill does not simulate its effect on traffic",
                                  origin=origin, file=doc.file, line=line))
    lines = doc.lines if not prefix else {k[len(prefix) + 1:]: v for k, v in doc.lines.items()
                                          if k.startswith(prefix + ".")}
    resource = Resource(api_version=str(api_version), kind=str(kind), name=meta.name or meta.generate_name or "",
                        namespace=namespace, labels=dict(meta.labels), annotations=dict(meta.annotations),
                        spec=spec, file=doc.file, line=line, order=order, lines=lines, simulated=info.simulated)
    return resource, not problems


def _fragment(data: dict, doc: Document, line: int, api_version, kind) -> Diagnostic:
    keys = set(map(str, data))
    for needed, what in _FRAGMENTS:
        if needed <= keys:
            return messages.make("MD0004", f"this document is not an object but a fragment: it looks like {what}",
                                 layer=Layer.YAML, file=doc.file, line=line)
    missing = " and ".join(n for n, v in (("apiVersion", api_version), ("kind", kind)) if not v)
    return messages.make("MD0003", f"{missing} not set: a Kubernetes object needs apiVersion, kind and metadata",
                         layer=Layer.YAML, file=doc.file, line=line)


def _unknown_kind(api_version: str, kind: str, name: str, doc: Document, line: int) -> Diagnostic:
    group, version = kinds.split_api_version(api_version)
    known = kinds.BY_KIND.get(kind)
    text = f'no matches for kind "{kind}" in version "{api_version}"'
    if known:
        served = ", ".join(f"{i.group + '/' if i.group else ''}{v}" for i in known for v in i.versions)
        text += f"; {kind} is served as {served}"
        if group == "authentication.istio.io":
            text += " (authentication.istio.io Policy/MeshPolicy were removed in Istio 1.6)"
    else:
        import difflib
        close = difflib.get_close_matches(kind, list(kinds.BY_KIND), n=1, cutoff=0.7)
        if close:
            text += f' (did you mean "{close[0]}"?)'
        text += f". Supported: {kinds.supported_summary()}"
    return messages.make("MD0010", text, layer=Layer.KIND, origin=f"{kind} {name}", file=doc.file, line=line)


def _last_definition_wins(resources: list[Resource], sink: list[Diagnostic]) -> list[Resource]:
    """Like `kubectl apply` of a sequence: a second object with the same key replaces the first."""
    latest: dict[tuple, Resource] = {}
    for res in resources:
        if res.kind in kinds.ADDITIVE_KINDS:
            latest[(res.kind, id(res))] = res
            continue
        if res.key in latest:
            sink.append(messages.make("MD0012", res.ref, res.reference(), origin=res.ref,
                                      file=latest[res.key].file, line=latest[res.key].line, level=Level.WARNING))
        latest[res.key] = res
    return sorted(latest.values(), key=lambda r: r.order)
