"""Load every content file and check it as a whole, reporting every problem at once.

A writer fixing content wants the full list with file and node named, not the first
exception; so nothing here raises until all files have been read and checked.
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from bot.content import callback
from bot.content.models import ID_PATTERN, FieldSpec, Flow, Node

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "content"
MAX_TEXT = 4096
MAX_LABEL = 40
#: Placeholders a text may use; see `bot.engine.render`.
PLACEHOLDERS = {"person", "Person", "days", "longest", "total"}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
#: What a placeholder can grow to, so the 4,096-character check holds after rendering.
_PLACEHOLDER_ROOM = 400
#: Flows the bot itself starts, so they must exist.
REQUIRED_FLOWS = ("menu", "welcome")


@dataclass(frozen=True)
class Problem:
    file: str
    node: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}" + (f" node '{self.node}'" if self.node else "")
        return f"{where}: {self.message}"


class ContentError(Exception):
    """Raised by `load_content` with every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Content:
    flows: dict[str, Flow]
    fields: dict[str, FieldSpec]
    version: str
    #: Which file each flow came from, for messages.
    files: dict[str, str] = field(default_factory=dict)

    def node(self, flow: str, node: str) -> Node | None:
        f = self.flows.get(flow)
        return f.nodes.get(node) if f else None


def load_content(root: Path = DEFAULT_ROOT) -> Content:
    """Load and validate `root`; raise `ContentError` listing every problem."""
    content, problems = check_content(root)
    if problems:
        raise ContentError(problems)
    return content


def check_content(root: Path = DEFAULT_ROOT) -> tuple[Content, list[Problem]]:
    problems: list[Problem] = []
    digest = hashlib.sha256()
    fields = _load_fields(root / "fields.yaml", problems, digest)
    flows: dict[str, Flow] = {}
    files: dict[str, str] = {}
    for path in sorted((root / "flows").glob("*.yaml")):
        name = str(path.relative_to(root.parent)) if root.parent in path.parents else path.name
        flow = _load_flow(path, name, problems, digest)
        if flow is None:
            continue
        if flow.id in flows:
            problems.append(Problem(name, None, f"flow id '{flow.id}' already used in "
                                                f"{files[flow.id]}"))
            continue
        flows[flow.id] = flow
        files[flow.id] = name
    version = digest.hexdigest()[: callback.VERSION_LENGTH]
    content = Content(flows=flows, fields=fields, version=version, files=files)
    if not problems:
        problems.extend(validate(content))
    return content, problems


def _read_yaml(path: Path, name: str, problems: list[Problem], digest: hashlib._Hash) -> object:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(name, None, f"cannot read: {exc.strerror}"))
        return None
    digest.update(raw)
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        problems.append(Problem(name, None, f"not valid YAML{where}"))
        return None


def _load_fields(path: Path, problems: list[Problem],
                 digest: hashlib._Hash) -> dict[str, FieldSpec]:
    data = _read_yaml(path, path.name, problems, digest)
    if not isinstance(data, dict):
        if data is not None or path.exists():
            problems.append(Problem(path.name, None, "must be a mapping of field name to spec"))
        return {}
    fields: dict[str, FieldSpec] = {}
    for name, spec in data.items():
        try:
            fields[str(name)] = FieldSpec.model_validate(spec)
        except ValidationError as exc:
            for err in exc.errors():
                problems.append(Problem(path.name, None, f"field '{name}': {_describe(err)}"))
    return fields


def _load_flow(path: Path, name: str, problems: list[Problem],
               digest: hashlib._Hash) -> Flow | None:
    data = _read_yaml(path, name, problems, digest)
    if data is None:
        return None
    try:
        return Flow.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = err["loc"]
            node = str(loc[1]) if len(loc) > 1 and loc[0] == "nodes" else None
            problems.append(Problem(name, node, _describe(err)))
        return None


def _describe(err: dict) -> str:
    loc = ".".join(str(p) for p in err["loc"])
    return f"{loc}: {err['msg']}" if loc else str(err["msg"])


def validate(content: Content) -> list[Problem]:
    """Cross-file rules: targets, reachability, ways forward, sizes, declared fields."""
    problems: list[Problem] = []
    for required in REQUIRED_FLOWS:
        if required not in content.flows:
            problems.append(Problem("content/flows", None, f"required flow '{required}' missing"))
    for name, spec in content.fields.items():
        problems.extend(_check_field(name, spec, content))
    for flow in content.flows.values():
        file = content.files.get(flow.id, flow.id)
        if flow.start not in flow.nodes:
            problems.append(Problem(file, None, f"start node '{flow.start}' does not exist"))
        for node_id, node in flow.nodes.items():
            problems.extend(Problem(file, node_id, m) for m in _check_node(flow, node_id, node,
                                                                           content))
        if flow.start in flow.nodes:
            for node_id in sorted(set(flow.nodes) - _reachable(flow)):
                problems.append(Problem(file, node_id, f"unreachable from start '{flow.start}'"))
    return problems


def _check_field(name: str, spec: FieldSpec, content: Content) -> Iterable[Problem]:
    if spec.kind in ("enum", "profile", "marks") and not spec.values:
        yield Problem("fields.yaml", None, f"field '{name}' ({spec.kind}) needs values")
    for value in spec.values:
        if not re.match(ID_PATTERN, value):
            yield Problem("fields.yaml", None, f"field '{name}' value '{value}' is not an id")
    for value, target in spec.explain.items():
        if value not in spec.values:
            yield Problem("fields.yaml", None, f"field '{name}' explains unknown '{value}'")
        flow_id, _, node_id = target.partition(".")
        if content.node(flow_id, node_id) is None:
            yield Problem("fields.yaml", None, f"field '{name}' explain target '{target}' "
                                               "does not exist")


def _edges(node: Node) -> list[str]:
    out = [b.go for b in node.buttons if b.go]
    for part in (node.scale, node.timer, node.checklist, node.input):
        if part is not None:
            out.append(part.go)
    return out


def _reachable(flow: Flow) -> set[str]:
    seen = {flow.start}
    queue = deque([flow.start])
    while queue:
        node = flow.nodes.get(queue.popleft())
        for target in _edges(node) if node else []:
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _check_node(flow: Flow, node_id: str, node: Node, content: Content) -> Iterable[str]:
    if not re.match(ID_PATTERN, node_id):
        yield "node id must be lower case letters, digits and _ (at most 32)"
    for target in _edges(node):
        if target not in flow.nodes:
            yield f"unknown target node '{target}'"
    for button in node.buttons:
        if button.flow and button.flow not in content.flows:
            yield f"button '{button.label}' starts unknown flow '{button.flow}'"
        if len(button.label) > MAX_LABEL:
            yield f"button label over {MAX_LABEL} characters: '{button.label[:50]}'"
        for fname, value in button.record.items():
            yield from _check_record(fname, value, ("enum", "profile", "country", "date", "time",
                                                    "monthday"), content)
    if node.scale:
        yield from _check_record(node.scale.record, None, ("scale",), content)
    if node.input:
        # A letter is never kept: its input records only an enum ("written").
        kinds = ("enum",) if node.input.kind == "letter" else (node.input.kind,)
        yield from _check_record(node.input.record, None, kinds, content)
    if node.checklist:
        spec = content.fields.get(node.checklist.field)
        if spec is None or spec.kind != "marks":
            yield f"checklist field '{node.checklist.field}' is not declared as marks"
        else:
            for item in node.checklist.items:
                if item.value not in spec.values:
                    yield (f"checklist value '{item.value}' not declared for "
                           f"'{node.checklist.field}'")
        for item in node.checklist.items:
            if len(item.label) + 2 > MAX_LABEL:
                yield f"checklist label over {MAX_LABEL - 2} characters: '{item.label[:50]}'"
    has_way = node.buttons or node.scale or node.timer or node.checklist or node.input
    if not has_way and not node.end:
        yield "dead end: no buttons, scale, timer or checklist, and not marked end: true"
    if not node.crisis_button and not any(b.action == "crisis" for b in node.buttons):
        yield "no route to crisis help: crisis_button is off and no button has action: crisis"
    for text in node.say:
        if len(text) + _PLACEHOLDER_ROOM > MAX_TEXT:
            yield f"text over {MAX_TEXT} characters (with room for placeholders): {len(text)}"
        for name in _PLACEHOLDER.findall(text):
            if name not in PLACEHOLDERS and not _is_list_placeholder(name, content):
                yield f"unknown placeholder '{{{name}}}'"
    key = callback.longest_key(len(node.buttons), node.scale is not None,
                               len(node.checklist.items) if node.checklist else 0)
    data = callback.CallbackData(flow.id, node_id, key, "x" * callback.VERSION_LENGTH).encode()
    if len(data.encode()) > callback.MAX_BYTES:
        yield f"callback data over {callback.MAX_BYTES} bytes: shorten the flow or node id"


def _is_list_placeholder(name: str, content: Content) -> bool:
    kind, _, fname = name.partition(":")
    spec = content.fields.get(fname)
    return kind == "list" and spec is not None and spec.kind == "marks"


def _check_record(fname: str, value: str | None, kinds: tuple[str, ...],
                  content: Content) -> Iterable[str]:
    spec = content.fields.get(fname)
    if spec is None:
        yield f"records undeclared field '{fname}'"
    elif spec.kind not in kinds:
        yield f"field '{fname}' is {spec.kind}, not {' or '.join(kinds)}"
    elif value is not None and spec.values and value not in spec.values:
        yield f"value '{value}' not declared for field '{fname}'"
