"""Reading YAML input: files, folders, stdin -> documents with line numbers for every field.

Safe loading only. Bounded: input size, document count, nesting depth and alias expansion
(a billion-laughs document fails fast, before anything is expanded). Problems are values
(diagnostics) except when the input as a whole cannot be read (EngineError).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from engine import messages
from engine.diagnostics import Diagnostic, Layer
from engine.errors import EngineError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same result, faster


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 5 * 1024 * 1024
    max_documents: int = 20_000
    max_depth: int = 64
    # Expanded node count allowed per document, relative to its unique nodes (aliases may
    # legitimately reuse small anchors; exponential reuse is an attack).
    max_alias_expansion: int = 10
    min_alias_budget: int = 20_000


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Document:
    """One YAML document: plain data plus the line of every path inside it."""

    file: str
    index: int                    # position of the document in its file
    line: int                     # first line of the document's content
    data: object
    lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def line_of(self, path: str) -> int:
        return nearest_line(self.lines, path, self.line)


def nearest_line(lines: dict[str, int], path: str, default: int) -> int:
    """Line of `path` (`spec.http[0].route`), or of its nearest ancestor that has one."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return default


@dataclass
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def read_paths(paths: list[str], *, stdin=None, limits: Limits = DEFAULT_LIMITS) -> list[tuple[str, str]]:
    """Expand -f arguments like kubectl: files, folders (recursive *.yaml|*.yml), '-' for stdin."""
    sources: list[tuple[str, str]] = []
    total = 0
    for arg in paths:
        if arg == "-":
            stream = stdin if stdin is not None else sys.stdin
            text = stream.read(limits.max_bytes + 1)
            sources.append(("<stdin>", text))
            total += len(text.encode("utf-8", "replace"))
        else:
            for path in _expand(Path(arg)):
                size = path.stat().st_size
                total += size
                if total > limits.max_bytes:
                    break
                sources.append((str(path), _read_text(path)))
        if total > limits.max_bytes:
            raise EngineError(f"input is larger than the limit of {limits.max_bytes // (1024 * 1024)} MiB",
                              file=arg, code="MD0002", hint="split it or pass fewer files")
    return sources


def _expand(path: Path) -> list[Path]:
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        if not found:
            raise EngineError("folder holds no *.yaml or *.yml files", file=str(path), code="MD0001",
                              hint="give a YAML file or a folder of them")
        return found
    if not path.exists():
        raise EngineError("no such file or folder", file=str(path), code="MD0001", hint="check the path")
    return [path]


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise EngineError("not UTF-8 text", file=str(path), line=line, code="MD0001",
                          hint="save the file as UTF-8") from None


def load_paths(paths: list[str], *, stdin=None, limits: Limits = DEFAULT_LIMITS) -> LoadResult:
    result = LoadResult()
    for name, text in read_paths(paths, stdin=stdin, limits=limits):
        part = load_text(text, name, limits=limits)
        result.documents += part.documents
        result.diagnostics += part.diagnostics
        if len(result.documents) > limits.max_documents:
            raise EngineError(f"more than {limits.max_documents} YAML documents", file=name, code="MD0002",
                              hint="split the input")
    return result


def load_text(text: str, filename: str = "<input>", *, limits: Limits = DEFAULT_LIMITS) -> LoadResult:
    """Parse a multi-document YAML text. Syntax errors become one diagnostic (file:line:column)."""
    result = LoadResult()
    if len(text.encode("utf-8", "replace")) > limits.max_bytes:
        result.diagnostics.append(messages.make(
            "MD0002", f"input is larger than the limit of {limits.max_bytes // (1024 * 1024)} MiB",
            layer=Layer.YAML, file=filename, line=1))
        return result
    aliases = "&" in text
    try:
        for index, node in enumerate(yaml.compose_all(text, Loader=_Loader)):
            if index >= limits.max_documents:
                result.diagnostics.append(messages.make(
                    "MD0002", f"more than {limits.max_documents} YAML documents; the rest is ignored",
                    layer=Layer.YAML, file=filename, line=node.start_mark.line + 1))
                break
            if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
                continue  # empty documents are skipped, as kubectl does
            doc = _convert_document(node, filename, index, limits, result.diagnostics, aliases)
            if doc is not None:
                result.documents.append(doc)
    except yaml.YAMLError as exc:
        result.diagnostics.append(_syntax_error(exc, filename))
    except RecursionError:
        result.diagnostics.append(messages.make(
            "MD0002", f"YAML nested deeper than {limits.max_depth} levels", layer=Layer.YAML, file=filename))
    return result


def _syntax_error(exc: yaml.YAMLError, filename: str) -> Diagnostic:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    reason = f"{problem} ({context})" if context else problem
    if mark is not None:
        reason = f"line {mark.line + 1} column {mark.column + 1}: {reason}"
        return messages.make("MD0001", reason, layer=Layer.YAML, file=filename, line=mark.line + 1)
    return messages.make("MD0001", reason, layer=Layer.YAML, file=filename)


class _Abort(Exception):
    def __init__(self, diagnostic: Diagnostic):
        self.diagnostic = diagnostic


def _convert_document(root, filename, index, limits, sink, aliases: bool = True) -> Document | None:
    try:
        if aliases:  # without an anchor (`&`) in the text no node can be shared: nothing to check
            _check_expansion(root, limits, filename)
        lines: dict[str, int] = {}
        data = _Converter(filename, lines, limits.max_depth).convert(root, "", 0)
    except _Abort as abort:
        sink.append(abort.diagnostic)
        return None
    return Document(file=filename, index=index, line=root.start_mark.line + 1, data=data, lines=lines)


def _check_expansion(root, limits: Limits, filename: str) -> None:
    """Reject exponential alias reuse before expanding anything (memoised subtree sizes)."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise _Abort(messages.make("MD0002", "recursive YAML alias", layer=Layer.YAML, file=filename,
                                       line=node.start_mark.line + 1))
        if depth > limits.max_depth:
            raise _Abort(messages.make("MD0002", f"YAML nested deeper than {limits.max_depth} levels",
                                       layer=Layer.YAML, file=filename, line=node.start_mark.line + 1))
        active.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                total += size(k, depth + 1) + size(v, depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                total += size(item, depth + 1)
        active.discard(key)
        sizes[key] = total
        return total

    expanded = size(root, 0)
    budget = max(limits.min_alias_budget, limits.max_alias_expansion * len(sizes))
    if expanded > budget:
        raise _Abort(messages.make(
            "MD0002", f"YAML aliases expand to {expanded:,} nodes from {len(sizes):,} (limit {budget:,}); "
                      "refusing to expand (billion-laughs protection)",
            layer=Layer.YAML, file=filename, line=root.start_mark.line + 1))


_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
_SCALARS = yaml.SafeLoader("")   # only its stateless scalar constructors are used
_PLAIN = (int, float, bool, str, type(None))


class _Converter:
    """Node graph -> plain Python data, recording the line of every path (`spec.http[0].route`)."""

    def __init__(self, filename: str, lines: dict[str, int], max_depth: int):
        self.filename, self.lines, self.max_depth = filename, lines, max_depth

    def convert(self, node, path: str, depth: int):
        lines = self.lines
        if path not in lines:
            lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth + 1)
        if isinstance(node, yaml.SequenceNode):
            if depth + 1 > self.max_depth:
                self._too_deep(node)
            return [self.convert(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _too_deep(self, node):
        raise _Abort(messages.make("MD0002", f"YAML nested deeper than {self.max_depth} levels", layer=Layer.YAML,
                                   file=self.filename, line=node.start_mark.line + 1))

    def _mapping(self, node, path: str, depth: int) -> dict:
        if depth > self.max_depth:
            self._too_deep(node)
        out: dict = {}
        seen: dict[object, int] = {}
        merged: dict = {}
        prefix = f"{path}." if path else ""
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                for source in (value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]):
                    value = self.convert(source, path, depth)
                    if isinstance(value, dict):
                        for k, v in value.items():
                            merged.setdefault(k, v)
                continue
            key = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise _Abort(messages.make("MD0005", str(key), seen[key], layer=Layer.YAML, file=self.filename,
                                           line=line, path=f"{prefix}{key}"))
            seen[key] = line
            child = f"{prefix}{key}"
            self.lines[child] = line
            out[key] = self.convert(value_node, child, depth)
        for k, v in merged.items():
            out.setdefault(k, v)
        return out

    @staticmethod
    def _scalar(node):
        if node.tag == _STR_TAG:
            return node.value
        construct = _SCALARS.yaml_constructors.get(node.tag)
        if construct is None:
            return node.value            # unknown or custom tag: keep the text
        value = construct(_SCALARS, node)
        if not isinstance(value, _PLAIN) or (isinstance(value, float) and value != value):
            return node.value            # timestamps, binary, .nan: strings, as YAML->JSON does for kubectl
        return value
