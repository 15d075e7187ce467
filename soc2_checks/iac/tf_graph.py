"""What a Terraform resource's rule may see beyond its own block: Checkov's resource graph.

AWS provider v4+ splits a bucket's settings into separate resources that point at the bucket
(``bucket = aws_s3_bucket.data.id``), and account-level settings (the account's S3 public
access block, EBS encryption by default) live in resources that point at nothing. Checkov
hands every Terraform check the graph it built for the scan (``check.graph``), in plain
``checkov`` runs and in ``soc2-checks iac`` alike, so joins read the graph's edges: they are
Terraform's own references, rendered through locals, module outputs and variables, and a
configuration that points at another bucket never links to this one.

The index is built once per graph (one pass over vertices and edges) and reused by every
check on every resource of the scan.
"""

from __future__ import annotations

import copy
import os
import re
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .instances import (
    Item,
    count_value,
    dynamic_items,
    each_instances,
    for_each_items,
    never_created,
    render_dynamic,
    resolver,
)
from .tf_expressions import (
    Partial,
    Unknown,
    UnknownValue,
    count_number,
    evaluate,
    evaluate_count,
    evaluate_for_each,
    evaluate_value,
    for_each_pairs,
    to_conf,
    with_optional_defaults,
)
from .tf_source import block_argument, dynamic_blocks, module_locals, nested_blocks
from .tf_source import forget as forget_sources
from .values import ABSENT, expand_dynamic, is_expression, raw, strip_interpolation

_MODULE_PREFIX = re.compile(r"^((?:module\.[^.\[]+(?:\[[^\]]*\])?\.)*)")
_INDEX_SUFFIX = re.compile(r"\[[^\]]*\]$")
_COUNT_INDEX = re.compile(r"\[(\d+)\]$")
_KEY_INDEX = re.compile(r'\["((?:[^"\\]|\\.)*)"\]$')
_UNRENDERED = re.compile(r"(?<![\w.])(?:var|local|count)\.[A-Za-z_]|\$\{")
_LAST_MODULE = re.compile(r"module\.([^.\[]+)(?:\[(?P<key>[^\]]*)\])?\.$")
_MODULE_LEVEL = re.compile(r"module\.[^.\[]+(?:\[(?P<key>[^\]]*)\])?\.")
_REFERENCE = re.compile(
    r"^(?P<type>[a-z][a-z0-9]*_[a-z0-9_]+)\.(?P<name>[A-Za-z_][\w-]*)(?P<index>\[[^\]]*\])?\.(?P<attr>[\w]+)"
)
_EACH = re.compile(r"^each\.(value|key)\b")
_LITERAL_INDEX = re.compile(r'^\[(\d+|"[^"$]*")\]$')
_MAX_HOPS = 12
ANY_PARTITION = "aws"
"""How an ARN's partition written as an expression is read: the rules judge every partition alike."""
_VARIABLE_TEXT = re.compile(r"^(?:\$\{\s*)?var\.([A-Za-z_][\w-]*)(?:\s*\})?$")
_META_ARGUMENTS = frozenset({"count", "for_each", "depends_on", "provider", "lifecycle", "provisioner"})

NAME_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "aws_s3_bucket": ("bucket",),
    "aws_iam_user": ("name",),
    "aws_iam_role": ("name",),
    "aws_iam_group": ("name",),
    "aws_config_configuration_recorder": ("name",),
    "aws_cloudwatch_event_rule": ("name",),
}
"""The attribute a literal reference to a resource of this type would match (a bucket named in
``bucket = "acme-logs"`` rather than referenced)."""


class TfBlock:
    """One resource (or data source) instance of the scan.

    A scan's index holds every block of the graph, but the checks read only some of them (the
    resources they judge and what links to those). Settling a block (its ``count`` and null or
    unresolved variables, which may copy its configuration) is therefore done on first read of
    ``conf``, ``absent`` or ``marked``, not for every block up front; only the index settling it
    writes them."""

    __slots__ = (
        "address",
        "type",
        "file",
        "root",
        "kind",
        "node",
        "module_prefix",
        "base",
        "_conf",
        "_absent",
        "_marked",
        "_exists",
        "_decided",
        "_items",
        "_count",
        "_resolve",
        "_pending",
    )

    def __init__(
        self,
        address: str,  # Checkov's address: module.a.aws_s3_bucket.logs[0]
        type: str,  # aws_s3_bucket
        conf: dict[str, Any],  # Checkov's list-wrapped configuration
        file: str = "",
        root: str = "",  # the root module's folder: account-level settings apply within it
        kind: str = "resource",  # "resource" | "data"
        node: Any = None,
    ) -> None:
        self.address = address
        self.type = type
        self.file = file
        self.root = root
        self.kind = kind
        self.node = node
        self.module_prefix: str = _MODULE_PREFIX.match(address).group(1)  # type: ignore[union-attr]
        self.base = _INDEX_SUFFIX.sub("", address)  # the address without its count/for_each key
        self._conf = conf
        self._absent = False
        self._marked = False
        self._exists: bool | None = None
        self._decided = False  # its existence was decided from the source, not Checkov's rendering
        self._items: list[Item] | None = None  # its for_each instances, where Checkov did not expand them
        self._count: int | None = None  # its count, where Checkov did not expand it and it reads count.index
        self._resolve: Callable[[str, str], Any] | None = None  # its module's var.x and local.x
        self._pending: TfIndex | None = None

    def __repr__(self) -> str:
        return f"TfBlock({self.address!r}, root={self.root!r})"

    def settle_with(self, index: TfIndex) -> None:
        """Have ``index`` settle this block before its configuration is first read."""
        self._pending = index

    def _ready(self) -> None:
        index, self._pending = self._pending, None
        if index is not None:
            index._settle(self, index._crumbs.get(id(self)))

    @property
    def conf(self) -> dict[str, Any]:
        if self._pending is not None:
            self._ready()
        return self._conf

    @property
    def marked(self) -> bool:
        """``conf`` is a copy with null and unresolved variables settled."""
        if self._pending is not None:
            self._ready()
        return self._marked

    @property
    def absent(self) -> bool:
        """Its ``count``, evaluated with the module call's variables, leaves no instance at
        its index."""
        if self._pending is not None:
            self._ready()
        return self._absent

    @property
    def exists(self) -> bool:
        if self._exists is None:
            self._exists = not self.absent and (self._decided or not never_created(self.conf))
        return self._exists

    @property
    def items(self) -> list[Item] | None:
        """The (each.key, each.value) pairs of a ``for_each`` Checkov left unexpanded, from the
        source or, failing that, from Checkov's rendering of a literal; None when unknown."""
        if self._pending is not None:
            self._ready()
        return self._items if self._items is not None else for_each_items(self._conf)

    def instances(self) -> list[tuple[Any, str, dict[str, Any]]]:
        """(each.key, address, configuration) of each instance: one per ``for_each`` key where
        the keys are known and the configuration reads ``each``, else (None, the block's address,
        its configuration)."""
        conf = self.conf
        if self._count is not None:
            return [(i, f"{self.address}[{i}]", self._count_instance(conf, i)) for i in range(self._count)]
        return each_instances(self.address, conf, self.items, self._resolve)

    def _count_instance(self, conf: dict[str, Any], index: int, expanded: bool = False) -> dict[str, Any]:
        """The configuration of instance ``index`` of a ``count``: each argument that reads
        ``count.index`` (or, in an instance Checkov expanded, that it left as expression text)
        evaluated from its source text. Checkov renders ``var.rules[var.ingress_rules
        [count.index]][0]`` only in part, and writes ``count.index`` as the string ``"0"``. An
        argument that cannot be evaluated keeps Checkov's text, which the adapters read as
        unknown."""
        out = dict(conf)
        out.pop("count", None)
        start, end = raw(conf, "__start_line__"), raw(conf, "__end_line__")
        if not (isinstance(start, int) and isinstance(end, int)) or self._resolve is None:
            return out
        for key, value in conf.items():
            if key.startswith("__") or key in _META_ARGUMENTS:
                continue
            text = repr(value)
            if "count.index" not in text and not (expanded and _UNRENDERED.search(text)):
                continue
            source = block_argument(self.file, start, end, key)
            if source is None:
                continue
            try:
                value = evaluate(source, self._resolve, {"count": {"index": index}})
            except Unknown:
                continue
            if isinstance(value, UnknownValue):
                continue
            out[key] = None if value is None else [to_conf(value)]  # null: as if not written
        return out


@dataclass(frozen=True)
class BlockRef:
    """A block an expression refers to (``data.aws_iam_policy_document.x.json``), for the
    reader of the value to resolve."""

    block: TfBlock


@dataclass
class Links:
    """Resources of one type that point at a given resource: ``certain`` point at it;
    ``uncertain`` point at something that cannot be resolved (it may be this resource)."""

    certain: list[TfBlock] = field(default_factory=list)
    uncertain: list[TfBlock] = field(default_factory=list)


class TfIndex:
    """Look-ups over one scan's Terraform blocks and the references between them.

    The index lives as long as Checkov's graph, inside Checkov's own process, so it is kept to
    few objects that the garbage collector tracks: a look-up whose key is nearly always unique
    maps to the block itself (a list only for the rare duplicates), and the vertices that are
    not blocks are described by plain strings."""

    def __init__(
        self,
        blocks: Iterable[TfBlock],
        edges: Iterable[tuple[Any, Any, str]] = (),
        kinds: dict[Any, str] | None = None,  # kind (variable, module, ...) and name of the vertices
        names: dict[Any, str] | None = None,  # that are not blocks
        out_edges: Callable[[Any], list[tuple[Any, str]]] | None = None,
    ) -> None:
        self.blocks: list[TfBlock] = list(blocks)
        self._vertices: dict[Any, TfBlock] = {b.node: b for b in self.blocks if b.node is not None}
        self._kind: dict[Any, str] = kinds if kinds is not None else {}
        self._name: dict[Any, str] = names if names is not None else {}
        self._out: dict[Any, list[tuple[Any, str]]] = defaultdict(list)
        for src, dst, label in edges:
            self._out[src].append((dst, label))
        self._out_edges = out_edges  # a graph's edges are read per vertex, when a join needs them
        self._by_conf: dict[int, TfBlock] = {id(b._conf): b for b in self.blocks}  # before settling
        self._by_address = _Lookup()
        self._by_base = _Lookup()  # keyed by root folder and address without instance key
        self._by_type: dict[str, list[TfBlock]] = defaultdict(list)
        for b in self.blocks:
            data = b.kind != "resource"
            self._by_address.add(f"data.{b.address}" if data else b.address, b)
            self._by_base.add(f"{b.root}\0{'data.' if data else ''}{b.base}", b)
            self._by_type[f"data.{b.type}" if data else b.type].append(b)
        self._of_type: dict[str, dict[str | None, list[TfBlock]]] = {}
        self._linked: set[str] = set()  # keys of the joins resolved so far
        self._links: dict[str, list[TfBlock]] = {}  # join key + target: linkers; join key: uncertain ones
        self._targets: dict[tuple[int, str, str], tuple[list[TfBlock], bool]] = {}
        self._unresolved: dict[str, bool] = {}  # variables without a value, by root folder and address
        self.providers: dict[tuple[str, str], Any] = {}
        self._by_name: dict[tuple[str, str], dict[str, list[TfBlock]]] = {}
        self._variables: dict[str, dict[str, Any]] = {}  # by root folder and address
        self._modules: dict[str, dict[str, Any]] = {}  # by root folder and address
        self._arguments: dict[str, tuple[bool, Any] | None] = {}  # module call arguments read from the source
        self._absent_levels: dict[str, bool] = {}  # module instances that their call does not create
        self._crumbs: dict[int, dict[str, Any]] = {}  # rendering breadcrumbs of the blocks that have them

    # -- construction ------------------------------------------------------------------

    @classmethod
    def from_graph(cls, graph: Any) -> TfIndex:
        """The index of one scan's graph; the source files are read afresh for it."""
        forget_sources()
        nodes, out_edges = graph_items(graph)
        blocks: list[TfBlock] = []
        kinds: dict[Any, str] = {}
        names: dict[Any, str] = {}
        providers: dict[tuple[str, str], Any] = {}
        variables: dict[str, dict[str, Any]] = {}
        modules: dict[str, dict[str, Any]] = {}
        breadcrumbs: list[tuple[TfBlock, dict[str, Any]]] = []
        folders: dict[int, str | None] = {}  # by module object, which Checkov's vertices share
        for node, attrs in nodes:
            kind = attrs.get("block_type_")
            address = attrs.get("__address__") or attrs.get("block_name_") or ""
            if kind in ("resource", "data"):
                conf = _inner_conf(attrs.get("config_"))
                rtype = str(attrs.get("resource_type") or "").removeprefix("data.")
                if conf is None or not rtype:
                    continue
                block = TfBlock(
                    address=address,
                    type=rtype,
                    conf=conf,
                    file=attrs.get("file_path_") or "",
                    root=_root_folder(attrs, folders),
                    kind=kind,
                    node=node,
                )
                blocks.append(block)
                crumbs = attrs.get("rendering_breadcrumbs_")
                if isinstance(crumbs, dict) and crumbs:
                    breadcrumbs.append((block, crumbs))
            else:
                kinds[node] = str(kind)
                names[node] = str(attrs.get("block_name_") or "")
                if kind in ("variable", "module"):
                    (variables if kind == "variable" else modules)[f"{_root_folder(attrs, folders)}\0{address}"] = attrs
                elif kind == "provider":
                    providers[(_root_folder(attrs, folders), str(attrs.get("block_name_") or ""))] = attrs.get("region")
        index = cls(blocks, kinds=kinds, names=names, out_edges=out_edges)
        index.providers = providers
        index._variables = variables
        index._modules = modules
        index._crumbs = {id(block): crumbs for block, crumbs in breadcrumbs}
        for block in blocks:
            block.settle_with(index)
        return index

    # -- look-ups ----------------------------------------------------------------------

    def find(
        self, address: str, scanned_file: str | None = None, start_line: Any = None, conf: Any = None
    ) -> TfBlock | None:
        """The block Checkov is checking. Several root folders may hold the same address (two
        environments calling one module); Checkov hands a check the very configuration object
        of the graph's vertex, which tells them apart."""
        if conf is not None:
            same = self._by_conf.get(id(conf))
            if same is not None:
                return same
        found = [b for b in self._by_address.get(address) if b.kind == "resource"]
        if len(found) > 1 and scanned_file:
            suffix = scanned_file.replace("\\", "/")
            narrowed = [b for b in found if b.file.replace("\\", "/").endswith(suffix)]
            found = narrowed or found
        if len(found) > 1 and start_line is not None:
            narrowed = [b for b in found if b.conf.get("__start_line__") == start_line]
            found = narrowed or found
        return found[0] if len(found) == 1 else None

    def of_type(self, rtype: str, root: str | None = None) -> list[TfBlock]:
        """Existing resources of one type, in one root module (``root``) or in the whole scan."""
        groups = self._of_type.get(rtype)
        if groups is None:  # grouped once per type: joins ask per resource
            groups = self._of_type[rtype] = {None: []}
            for b in self._by_type.get(rtype, ()):
                if b.exists:
                    groups.setdefault(b.root, []).append(b)
                    groups[None].append(b)
        return groups.get(root, [])

    def region(self, block: TfBlock) -> str | None:
        """The region of the provider configuration a resource uses, when written literally."""
        alias = raw(block.conf, "provider")
        name = strip_interpolation(alias) if isinstance(alias, str) else "aws"
        region = self.providers.get((block.root, name))
        if region is None and name == "aws":
            region = self.providers.get((block.root, "aws.default"))
        if isinstance(region, list) and len(region) == 1:
            region = region[0]
        return region if isinstance(region, str) and not is_expression(region) else None

    def follow(self, block: TfBlock, attribute: str) -> list[TfBlock]:
        """Blocks that an attribute of ``block`` refers to, through locals, variables and module
        outputs (``policy = data.aws_iam_policy_document.x.json``)."""
        if block.node is None:
            return []
        found: list[TfBlock] = []
        seen = {block.node}
        queue: deque[tuple[Any, int, str | None]] = deque()
        for dst, label in self._edges(block.node):
            if _label_matches(label, attribute) and dst not in seen:
                seen.add(dst)
                queue.append((dst, 1, None))
        while queue:
            node, hops, wanted = queue.popleft()
            block = self._vertices.get(node)
            if block is not None:
                found.append(block)
                continue
            kind = self._kind.get(node)
            if kind is None or hops >= _MAX_HOPS:
                continue
            for dst, label in self._edges(node):
                if dst in seen:
                    continue
                if wanted is not None and label != wanted:
                    continue
                nxt_wanted = None
                if kind == "variable" and self._kind.get(dst) == "module":
                    nxt_wanted = self._name[node].rsplit(".", 1)[-1]  # the module input that sets this variable
                seen.add(dst)
                queue.append((dst, hops + 1, nxt_wanted))
        return found

    def targets(self, linker: TfBlock, attribute: str, target_type: str) -> tuple[list[TfBlock], bool]:
        """The ``target_type`` resources that ``linker``'s ``attribute`` points at, and whether
        that is certain (False: the value cannot be resolved, so it may point anywhere). Kept:
        a join resolves every linker of a root, and the linker's own check asks again (a rule
        is judged with its group). The list must not be changed."""
        key = (id(linker), attribute, target_type)
        found = self._targets.get(key)
        if found is None:
            found = self._targets[key] = self._find_targets(linker, attribute, target_type)
        return found

    def _find_targets(self, linker: TfBlock, attribute: str, target_type: str) -> tuple[list[TfBlock], bool]:
        via_graph = [t for t in self.follow(linker, attribute) if t.kind == "resource" and t.type == target_type]
        if len(via_graph) > 1:
            # where count creates one of them (terraform-aws-security-group: this or this_name_prefix)
            existing = [t for t in via_graph if t.exists]
            if len(existing) == 1:
                return existing, True
            return self._chosen(linker, attribute, target_type, existing or via_graph)
        if via_graph:
            return via_graph, True
        value = raw(linker.conf, attribute)
        if value is ABSENT:
            return [], True
        values = value if isinstance(value, list) else [value]
        out: list[TfBlock] = []
        certain = True
        for v in values:
            found, sure = self._value_targets(linker, v, target_type)
            out.extend(found)
            certain = certain and sure
        return out, certain

    def _chosen(
        self, linker: TfBlock, attribute: str, target_type: str, candidates: list[TfBlock]
    ) -> tuple[list[TfBlock], bool]:
        """The graph links an attribute to every resource its expression names, those of both
        branches of ``var.primary ? aws_s3_bucket.a.id : aws_s3_bucket.b.id`` and every instance
        of ``aws_s3_bucket.this[0].id``: the value Checkov rendered says which it points at, and
        where it does not, it points at one of them, not at each."""
        value = raw(linker.conf, attribute)
        named: list[TfBlock] = []
        for v in value if isinstance(value, list) else [value]:
            found, sure = self._value_targets(linker, v, target_type)
            if not sure:
                return candidates, False
            named.extend(found)
        chosen = [t for t in candidates if t in named]
        return (chosen, True) if chosen else (candidates, False)

    def linked(self, target: TfBlock, linker_type: str, attribute: str) -> Links:
        """Resources of ``linker_type`` in the target's root module whose ``attribute`` points at it."""
        linkers = self.of_type(linker_type, target.root)
        if not linkers:
            return Links()
        key = f"{target.root}\0{linker_type}\0{attribute}\0{target.type}"
        if key not in self._linked:  # every linker of the root is resolved once, for all targets
            self._linked.add(key)
            for linker in linkers:
                found, sure = self.targets(linker, attribute, target.type)
                for t in found:  # one of several possible targets: it may point at each
                    self._links.setdefault(f"{key}\0{id(t)}" if sure else f"{key}\0{id(t)}\0?", []).append(linker)
                if not sure and not found:
                    self._links.setdefault(key, []).append(linker)
        return Links(
            certain=list(self._links.get(f"{key}\0{id(target)}", ())),
            uncertain=[*self._links.get(f"{key}\0{id(target)}\0?", ()), *self._links.get(key, ())],
        )

    def name_of(self, value: Any, linker: TfBlock, target_type: str) -> str | None:
        """The literal name of the resource a reference points at (for messages)."""
        if not isinstance(value, str):
            return None
        for t in self.resolve(linker, value, target_type):
            for attr in NAME_ATTRIBUTES.get(target_type, ("name",)):
                name = raw(t.conf, attr)
                if isinstance(name, str) and not is_expression(name):
                    return name
        return None

    def resolve(self, linker: TfBlock, value: Any, target_type: str) -> list[TfBlock]:
        """The resources a written value (a reference, or a literal name) designates."""
        return self._value_targets(linker, value, target_type)[0]

    # -- internals ---------------------------------------------------------------------

    def _edges(self, node: Any) -> list[tuple[Any, str]]:
        if self._out_edges is None:
            return self._out.get(node, [])
        return self._out_edges(node)  # not kept: read again from the graph when followed again

    def variable(self, name: str, prefix: str, root: str, depth: int = 0) -> tuple[bool, Any]:
        """A variable's value as seen from a module (``prefix``): (True, value) when it is
        known, null included; (False, None) when it has no value or only expression text.
        Inside a module, the value is the module call's argument as Checkov rendered it (the
        variable's own rendering can keep the module's default where the call passed a list of
        maps: terraform-aws-security-group), or the declared default when the call does not
        set it. Checkov replaces ``var.x`` inside a module by the caller's expression text, so
        a name that the module does not declare belongs to the caller. Variables are keyed by
        root folder too: two environments calling one module give it the same addresses."""
        if depth > 8:
            return False, None
        attrs = self._variables.get(f"{root}\0{prefix}{name}")
        if attrs is None:
            return self.variable(name, _parent_prefix(prefix), root, depth + 1) if prefix else (False, None)
        call = self._call(prefix, root) if prefix else None
        if call is not None and name in call:
            found = self._argument(call, name, prefix, root)
            if found is not None:
                value = found[1]
                if isinstance(value, (dict, list)):
                    value = with_optional_defaults(attrs.get("type"), value)
                return True, value
            value = call[name]
        elif "default" in attrs:
            value = attrs["default"]
        else:
            return False, None
        collection = str(attrs.get("type") or "").startswith(("list", "set", "tuple"))
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], (bool, int, float, str)):
            value = value if collection else value[0]  # Checkov's list around a single value
        if isinstance(value, str):
            m = _VARIABLE_TEXT.match(value.strip())
            if m and prefix:
                return self.variable(m.group(1), _parent_prefix(prefix), root, depth + 1)
            if is_expression(value):
                return False, None
        if isinstance(value, (dict, list)):
            value = with_optional_defaults(attrs.get("type"), value)
        return True, value

    def _argument(self, call: dict[str, Any], name: str, prefix: str, root: str) -> tuple[bool, Any] | None:
        """A module call's argument evaluated from its source text in the calling module, or
        None when that cannot be done. Checkov's rendering of the argument is not enough: it
        resolves ``local.create_db_instance`` and ``var.create_db_instance`` into each other
        (terraform-aws-rds' ``create_db_instance = false`` call kept its instance)."""
        key = f"{root}\0{prefix}{name}"
        if key in self._arguments:
            return self._arguments[key]
        self._arguments[key] = None  # a reference cycle ends here, unknown
        found: tuple[bool, Any] | None = None
        source = self._call_source(call, name, prefix, root)
        if source is not None:
            try:
                found = True, evaluate(*source)
            except Unknown:
                found = None
            if found is not None and isinstance(found[1], UnknownValue):
                found = None
        self._arguments[key] = found
        return found

    def _call_source(
        self, call: dict[str, Any], name: str, prefix: str, root: str
    ) -> tuple[str, Callable[[str, str], Any], dict[str, Any] | None] | None:
        """The text of a module call's argument ``name``, the resolver of the calling module
        (its variables and locals) and the instance's ``each`` or ``count.index`` where Checkov
        expanded the call (``module.sg["web"].``); None when the call does not set it."""
        start, end, path = raw(call, "__start_line__"), raw(call, "__end_line__"), call.get("file_path_")
        if not (isinstance(start, int) and isinstance(end, int) and isinstance(path, str)):
            return None
        text = block_argument(path, start, end, name)
        if text is None:
            return None
        resolve = self._scope(_parent_prefix(prefix), root, os.path.dirname(path), documents=False)
        return text, resolve, None if name in ("count", "for_each") else self._instance_scope(call, prefix, root)

    def _instance_scope(self, call: dict[str, Any], prefix: str, root: str) -> dict[str, Any] | None:
        """``count.index`` or ``each`` of the module instance ``prefix`` ends with; None when it
        has no key or its ``for_each`` cannot be known."""
        key = _LAST_MODULE.search(prefix).group("key")  # type: ignore[union-attr]
        if key is None:
            return None
        if key.isdigit():
            return {"count": {"index": int(key)}}
        found = self._argument(call, "for_each", prefix, root)
        items = for_each_pairs(found[1]) if found is not None and key.startswith('"') else None
        item = _item(items or [], _unescape(key[1:-1]))
        return None if item is None else {"each": {"key": item[0], "value": item[1]}}

    def _module_absent(self, block: TfBlock) -> bool:
        """True when a module call around the block creates no instance at the block's key:
        its ``count`` or ``for_each``, read from the caller's source, is zero or empty
        (``module "db" { count = var.enabled ? 1 : 0 }``, terraform-aws-modules' wrappers'
        ``for_each = var.items``), or has no instance at the key Checkov expanded. Checkov keeps
        such a module's resources, unexpanded, and they would be judged as if created."""
        prefix = block.module_prefix
        for m in _MODULE_LEVEL.finditer(prefix):
            level = prefix[: m.end()]
            key = f"{block.root}\0{level}"
            absent = self._absent_levels.get(key)
            if absent is None:
                absent = self._absent_levels[key] = self._level_absent(level, block.root, m.group("key"))
            if absent:
                return True
        return False

    def _level_absent(self, level: str, root: str, key: str | None) -> bool:
        call = self._call(level, root)
        if call is None:
            return False
        found = self._argument(call, "count", level, root)
        if found is not None:
            number = count_number(found[1])
            return number is not None and number <= (int(key) if key is not None and key.isdigit() else 0)
        found = self._argument(call, "for_each", level, root)
        items = for_each_pairs(found[1]) if found is not None else None
        if items is None:
            return False
        if key is None or not key.startswith('"'):
            return not items
        return _item(items, _unescape(key[1:-1])) is None

    def _call(self, prefix: str, root: str) -> dict[str, Any] | None:
        """The module call vertex of the innermost module of ``prefix`` (its arguments). Checkov
        keeps one vertex per instance of a call it expanded, named with its key (``sg["web"]``)."""
        m = _LAST_MODULE.search(prefix)
        if m is None:
            return None
        parent = _parent_prefix(prefix)
        if m.group("key") is not None:
            call = self._modules.get(f"{root}\0{parent}{m.group(1)}[{m.group('key')}]")
            if call is not None:
                return call
        return self._modules.get(f"{root}\0{parent}{m.group(1)}")

    def _settle(self, block: TfBlock, crumbs: dict[str, Any] | None) -> None:
        """What Checkov renders wrongly or leaves unrendered but the source settles: a ``count``
        that leaves no instance at this block's index (``this[0]`` of ``count = 0``), attributes
        set from a variable whose value is null (Terraform treats them as not set) or a plain
        value (Checkov sometimes leaves ``var.x`` in the second call of a module), and
        attributes fed by a variable with no value."""
        if block.module_prefix and self._module_absent(block):
            block._absent = True
            return
        number = self._source_count(block)
        if number is None:  # not in the source as one expression: Checkov's text, if any
            count = raw(block.conf, "count")
            if isinstance(count, str):
                number = count_value(count, lambda n: self.variable(n, block.module_prefix, block.root))
        else:
            block._decided = True
        if number is not None:
            m = _COUNT_INDEX.search(block.address)
            if number <= (int(m.group(1)) if m else 0):
                block._absent = True
                return
            if block._decided and m is None and "count.index" in repr(block.conf):
                block._count = number  # instances Checkov did not expand: read one by one
                block._resolve = self._resolver(block)
            elif block._decided and m is not None and _UNRENDERED.search(repr(block.conf)):
                block._resolve = self._resolver(block)  # an instance Checkov expanded, rendered in part
                block._conf = block._count_instance(block.conf, int(m.group(1)), expanded=True)
                block._marked = True
        elif self._settle_for_each(block):
            return
        values = self._variable_values(block.conf, block.module_prefix, block.root)
        if values:
            block._conf = _with_values(block.conf, values)
            block._marked = True
        if "dynamic" in block.conf:
            # Checkov expands dynamic blocks of the resource a check runs on, not of the
            # resources it links to: a bucket's linked configuration is read the same way
            if not block.marked:
                block._conf = copy.deepcopy(block.conf)
                block._marked = True
            self._render_dynamic(block)
            expand_dynamic(block.conf)
        if crumbs:
            self._mark_unresolved(block, crumbs)

    def _settle_for_each(self, block: TfBlock) -> bool:
        """Decide a ``for_each`` block's instances from the source; True when it is absent.
        Checkov renders a filtered collection as empty where the module call passed entries
        (terraform-aws-alb's ingress rules), so an empty rendering the source does not confirm
        is not taken as "no instance": the block is judged, its values unknown."""
        text = self._source_argument(block, "for_each", _KEY_INDEX)
        if text is None:
            return False
        block._resolve = self._resolver(block)
        items = evaluate_for_each(text, block._resolve)
        if items is None:
            if for_each_items(block.conf) == [] and strip_interpolation(text).strip() not in ("{}", "[]"):
                block._decided = True  # exists, with unknown instances
            return False
        block._decided = True
        m = _KEY_INDEX.search(block.address)
        if not items or (m is not None and _item(items, _unescape(m.group(1))) is None):
            block._absent = True
            return True
        if m is None:
            block._items = items
        return False

    def _render_dynamic(self, block: TfBlock) -> None:
        """Render from the source the ``dynamic`` blocks Checkov left unrendered (see
        ``instances.render_dynamic``), with the block's ``count.index`` where it has one."""
        start, end = raw(block.conf, "__start_line__"), raw(block.conf, "__end_line__")
        if not (isinstance(start, int) and isinstance(end, int) and block.file):
            return
        written = dynamic_blocks(block.file, start, end)
        if written:
            m = _COUNT_INDEX.search(block.address)
            scope = {"count": {"index": int(m.group(1))}} if m else {}
            render_dynamic(block.conf, written, self._resolver(block), scope)

    def _resolver(self, block: TfBlock) -> Callable[[str, str], Any]:
        """Reads ``var.x``, ``local.x`` and ``data.aws_iam_policy_document.x`` as the block's
        module call sees them (the block's own, once it has one)."""
        if block._resolve is not None:
            return block._resolve
        return self._scope(block.module_prefix, block.root, os.path.dirname(block.file))

    def _scope(self, prefix: str, root: str, folder: str, documents: bool = True) -> Callable[[str, str], Any]:
        """The resolver of one module instance: its variables, the locals written in
        ``folder`` and, with ``documents``, its policy documents (a module call's arguments are
        read without them, as Checkov renders those)."""
        return resolver(
            lambda n: self.variable(n, prefix, root),
            lambda n: module_locals(folder).get(n),
            (lambda n: self._data_source(n, prefix, root)) if documents else None,
        )

    def argument_value(self, block: TfBlock, name: str) -> Any:
        """The value of the block's argument ``name`` evaluated from its source text (data
        sources it refers to are ``BlockRef``s); raises ``Unknown``."""
        text = _written(block, name)
        if text is None:
            raise Unknown(f"{name} is not in the source")
        return evaluate(text, self._resolver(block))

    def nested_sources(self, block: TfBlock, name: str) -> list[tuple[dict[str, str], dict[str, Any]]] | None:
        """The arguments as written of each of the block's nested blocks ``name``, with the
        names their expressions see (a dynamic block's iterator, ``count.index``), in the
        order of its settled configuration: the written blocks, then those each ``dynamic``
        block generates. None when that order cannot be known (a ``for_each`` that cannot be
        evaluated, a dynamic block left unrendered)."""
        start, end = raw(block.conf, "__start_line__"), raw(block.conf, "__end_line__")
        if not (isinstance(start, int) and isinstance(end, int) and block.file) or "dynamic" in block.conf:
            return None
        m = _COUNT_INDEX.search(block.address)
        scope: dict[str, Any] = {"count": {"index": int(m.group(1))}} if m else {}
        out = [(arguments, scope) for arguments in nested_blocks(block.file, start, end, name)]
        for written in dynamic_blocks(block.file, start, end):
            if written.name != name:
                continue
            items = dynamic_items(written, self._resolver(block), scope)
            if items is None:
                return None
            out.extend((written.content, {**scope, written.iterator: {"key": k, "value": v}}) for k, v in items)
        return out

    def written_value(self, block: TfBlock, text: str, scope: dict[str, Any]) -> Any:
        """An expression written in the block, evaluated as its module call sees it, with the
        parts that cannot be known kept as their text (see ``evaluate_value``); raises
        ``Unknown`` for text that cannot be read."""
        return to_conf(evaluate_value(text, self._resolver(block), scope))

    def _data_source(self, name: str, prefix: str, root: str) -> Any:
        """``data.aws_iam_policy_document.x`` in a module: an object whose ``json`` is the
        document, or the list of them for one with ``count`` (instances that do not exist
        left out), as ``x[*].json`` reads it. ``data.aws_partition.x.partition`` is written as
        ``aws``: no rule depends on the partition (``AdministratorAccess`` is the same policy in
        each, and ``arn:aws-cn:s3:::*`` no more every resource than ``arn:aws:s3:::*``), and
        modules write it into every ARN. Other data sources are unknown."""
        blocks = self._by_base.get(f"{root}\0data.{prefix}{name}")
        if name.startswith("aws_partition."):
            # with ``count``, ``data.aws_partition.current[0].partition`` (terraform-aws-eks)
            return self._data_instances(name, blocks or [], lambda b: Partial(partition=ANY_PARTITION))
        if not name.startswith("aws_iam_policy_document."):
            raise Unknown(f"data.{name}")
        if not blocks:
            raise Unknown(f"data.{name} is not in the module")
        return self._data_instances(name, blocks, lambda b: Partial(json=BlockRef(b)))

    def _data_instances(self, name: str, blocks: list[TfBlock], value: Callable[[TfBlock | None], Any]) -> Any:
        """A data source's value, or the list of its instances' values for one with ``count``
        (instances that do not exist left out). A data source the graph does not hold is
        taken as declared without ``count``."""
        if not any(_COUNT_INDEX.search(b.address) or "count" in b.conf for b in blocks):
            if len(blocks) > 1:
                raise Unknown(f"data.{name} is declared twice")
            return value(blocks[0] if blocks else None)
        if any(b._count is not None for b in blocks):
            raise Unknown(f"data.{name} has instances Checkov did not expand")
        return [value(b) for b in sorted(blocks, key=lambda b: b.address) if b.exists]

    def _source_argument(self, block: TfBlock, name: str, expanded: re.Pattern[str]) -> str | None:
        """The text of the block's ``count`` or ``for_each`` in the source; None when the block
        has none there (or the source cannot be read)."""
        if name not in block.conf and not expanded.search(block.address):
            return None
        return _written(block, name)

    def _source_count(self, block: TfBlock) -> int | None:
        """The block's ``count`` as the source writes it, evaluated with the module call's
        variables and the module's locals; None when it has none or it cannot be known.
        Checkov's rendering of it is not used: its evaluator drops parts of conditions, and it
        renders a module's locals once for all calls (see ``tf_source``)."""
        text = self._source_argument(block, "count", _COUNT_INDEX)
        return None if text is None else evaluate_count(text, self._resolver(block))

    def _variable_values(self, conf: dict[str, Any], prefix: str, root: str) -> list[tuple[tuple[Any, ...], Any]]:
        """Paths of the values that are exactly ``var.x`` where ``x`` is known to be null or a
        plain value (a boolean, number or literal string), with that value."""
        if "var." not in repr(conf):  # most blocks: one pass in C instead of a walk in Python
            return []
        found: list[tuple[tuple[Any, ...], Any]] = []
        path: list[Any] = []  # one list for the whole walk: this runs on every resource of a scan

        def visit(key: Any, value: Any) -> None:
            if isinstance(value, (dict, list)):
                path.append(key)
                walk(value)
                path.pop()
            elif isinstance(value, str) and "var." in value:
                m = _VARIABLE_TEXT.match(value.strip())
                if m:
                    known, settled = self.variable(m.group(1), prefix, root)
                    if known and (settled is None or isinstance(settled, (bool, int, float, str))):
                        found.append(((*path, key), settled))

        def walk(node: dict[str, Any] | list[Any]) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    visit(key, value)
            else:
                for i, value in enumerate(node):
                    visit(i, value)

        for key, value in conf.items():
            if key not in _META_ARGUMENTS and not str(key).startswith("__"):
                visit(key, value)
        return found

    def _mark_unresolved(self, block: TfBlock, crumbs: dict[str, Any]) -> None:
        """Checkov renders a list or map variable that has no value as an empty placeholder
        (``[]``/``{}``), and ``concat(var.x, [...])`` as the literal part alone: an
        unresolved value that looks like a resolved one. The graph's rendering breadcrumbs
        say which attributes came from which variables; every attribute fed by a variable
        without a value is replaced, in a copy of the configuration, by the variable's
        expression text, which the adapters read as Unknown."""
        marks: list[tuple[list[str], str]] = []
        for key, entries in crumbs.items():
            if key.startswith("source_module_") or not isinstance(entries, list):
                continue
            for entry in entries:
                if not isinstance(entry, dict) or entry.get("type") != "variable":
                    continue
                name = str(entry.get("name") or "")
                if name and self._without_value(name, block.module_prefix, block.root):
                    marks.append((key.split("."), "${var." + name + "}"))
                    break
        if not marks:
            return
        conf = block.conf if block.marked else copy.deepcopy(block.conf)
        expand_dynamic(conf)
        for tokens, marker in marks:
            _mark(conf, tokens, marker)
            if tokens[0] == "dynamic" and len(tokens) > 1:
                _mark(conf, tokens[1:2], marker)  # the blocks the dynamic block generates
        block._conf = conf
        block._marked = True

    def _without_value(self, name: str, prefix: str, root: str) -> bool:
        """``_unresolved_variable``, once per variable: every block of a module instance asks
        about the same few."""
        key = f"{root}\0{prefix}{name}"
        found = self._unresolved.get(key)
        if found is None:
            found = self._unresolved[key] = self._unresolved_variable(name, prefix, root, 0)
        return found

    def _unresolved_variable(self, name: str, prefix: str, root: str, depth: int) -> bool:
        """True when a variable has no value: no default and nothing passed in, followed
        through the module calls that set it."""
        attrs = self._variables.get(f"{root}\0{prefix}{name}")
        if attrs is None or depth > 8:
            return False
        if "default" not in attrs:
            return True
        if attrs["default"] is None or not prefix:
            return False  # a null default is a value: the attribute is not set
        parent = _parent_prefix(prefix)
        crumbs = (attrs.get("rendering_breadcrumbs_") or {}).get("default") or []
        for entry in crumbs:
            if not isinstance(entry, dict) or entry.get("type") != "module":
                continue
            module = self._modules.get(f"{root}\0{parent}{entry.get('name')}")
            module_crumbs = ((module or {}).get("rendering_breadcrumbs_") or {}).get(name) or []
            for upstream in module_crumbs:
                if (
                    isinstance(upstream, dict)
                    and upstream.get("type") == "variable"
                    and self._unresolved_variable(str(upstream.get("name")), parent, root, depth + 1)
                ):
                    return True
        return False

    def _value_targets(self, linker: TfBlock, value: Any, target_type: str) -> tuple[list[TfBlock], bool]:
        if not isinstance(value, str):
            return [], False
        text = strip_interpolation(value)
        m = _REFERENCE.match(text)
        if m:
            if m.group("type") != target_type:
                return [], True
            base = f"{linker.module_prefix}{target_type}.{m.group('name')}"
            instances = [b for b in self._by_base.get(f"{linker.root}\0{base}") if b.exists]
            index = m.group("index")
            if index and _LITERAL_INDEX.match(index):
                # ``this[0]`` of a resource whose count Checkov could not expand is that resource
                instances = [b for b in instances if b.address in (base + index, base)]
            return instances, True
        if _EACH.match(text):
            for_each = raw(linker.conf, "for_each")
            if isinstance(for_each, str):
                fm = _REFERENCE.match(strip_interpolation(for_each) + ".id")
                if fm and fm.group("type") == target_type:
                    base = f"{linker.module_prefix}{target_type}.{fm.group('name')}"
                    return [b for b in self._by_base.get(f"{linker.root}\0{base}") if b.exists], True
            return [], False
        if is_expression(text):
            return [], False
        names = self._names(linker.root, target_type)
        matches = names.get(text) or names.get(text.removeprefix("arn:aws:s3:::")) or []
        return list(matches), True

    def _names(self, root: str, target_type: str) -> dict[str, list[TfBlock]]:
        """Resources of a type in a root module by their literal name (built once)."""
        key = (root, target_type)
        names = self._by_name.get(key)
        if names is None:
            names = self._by_name[key] = defaultdict(list)
            for t in self.of_type(target_type, root):
                for attr in NAME_ATTRIBUTES.get(target_type, ("name",)):
                    name = raw(t.conf, attr)
                    if isinstance(name, str):
                        names[name].append(t)
                        break
        return names


class _Lookup:
    """Blocks by a key that is nearly always unique: the block itself, a list only for the keys
    that several blocks share (one address in two root folders)."""

    __slots__ = ("_one", "_many")

    def __init__(self) -> None:
        self._one: dict[str, TfBlock] = {}
        self._many: dict[str, list[TfBlock]] = {}

    def add(self, key: str, block: TfBlock) -> None:
        first = self._one.setdefault(key, block)
        if first is not block:
            self._many.setdefault(key, [first]).append(block)

    def get(self, key: str) -> list[TfBlock]:
        many = self._many.get(key)
        if many is not None:
            return many
        one = self._one.get(key)
        return [one] if one is not None else []


def _written(block: TfBlock, name: str) -> str | None:
    """The expression text of the block's own argument ``name`` in its source file."""
    start, end = raw(block.conf, "__start_line__"), raw(block.conf, "__end_line__")
    if not (isinstance(start, int) and isinstance(end, int) and block.file):
        return None
    return block_argument(block.file, start, end, name)


def _item(items: list[Item], key: str) -> Item | None:
    """The (each.key, each.value) pair an address key names (``this["web"]``: ``web``)."""
    return next((item for item in items if str(item[0]) == key), None)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _parent_prefix(prefix: str) -> str:
    """``module.a.module.b.`` -> ``module.a.``; ``module.a.`` -> ``""``."""
    return _MODULE_PREFIX.match(prefix[: prefix.rstrip(".").rfind("module.")]).group(1)  # type: ignore[union-attr]


def _with_values(conf: dict[str, Any], values: list[tuple[tuple[Any, ...], Any]]) -> dict[str, Any]:
    """A copy of ``conf`` with the value at each path replaced. A list-wrapped attribute set to
    null (``{'acl': ['var.acl']}``) becomes null as a whole, as if it were not written."""
    out = copy.deepcopy(conf)
    for path, value in values:
        grand, parent = _at(out, path[:-2]), _at(out, path[:-1])
        if not isinstance(parent, (dict, list)):
            continue  # already null: Checkov's expanded ``dynamic`` blocks share objects with the block
        if value is None and isinstance(parent, list) and len(parent) == 1 and isinstance(grand, dict):
            grand[path[-2]] = None
        else:
            parent[path[-1]] = value
    return out


def _at(node: Any, path: tuple[Any, ...]) -> Any:
    """The value at ``path``, or None where the path no longer leads anywhere."""
    for step in path:
        if isinstance(node, dict):
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
        else:
            return None
    return node


def _mark(node: Any, tokens: list[str], marker: str) -> None:
    """Replace the attribute a breadcrumb path names (``ingress.0.cidr_blocks``, list indexes
    optional) with ``marker``; a path that runs into a plain value replaces that attribute."""
    if not isinstance(node, dict) or not tokens or tokens[0] not in node:
        return
    key, rest = tokens[0], tokens[1:]
    value = node[key]
    children = [value] if isinstance(value, dict) else value if isinstance(value, list) else []
    children = [c for c in children if isinstance(c, dict)]
    if rest and rest[0].isdigit() and isinstance(value, list):
        index = int(rest[0])
        rest = rest[1:]
        children = [value[index]] if index < len(value) and isinstance(value[index], dict) else []
    if not rest or not children:
        node[key] = [marker]
        return
    for child in children:
        _mark(child, rest, marker)


def _label_matches(label: str, attribute: str) -> bool:
    return label == attribute or label.startswith(attribute + ".") or label.startswith(attribute + "[")


def _inner_conf(config: Any) -> dict[str, Any] | None:
    """A vertex's ``config_`` is ``{type: {name: conf}}``; the checks see ``conf``."""
    if not isinstance(config, dict) or len(config) != 1:
        return None
    inner = next(iter(config.values()))
    if not isinstance(inner, dict) or len(inner) != 1:
        return None
    conf = next(iter(inner.values()))
    return conf if isinstance(conf, dict) else None


def _root_folder(attrs: dict[str, Any], folders: dict[int, str | None]) -> str:
    """The folder of the root module a block belongs to (modules are walked up to their caller);
    ``folders`` keeps the answer per module object, which the graph's vertices share."""
    module = attrs.get("source_module_object_")
    if module:
        key = id(module)
        if key not in folders:
            path = _outermost_path(module)
            folders[key] = os.path.dirname(path) if path else None
        folder = folders[key]
        if folder is not None:
            return folder
    return os.path.dirname(attrs.get("file_path_") or "")


def _outermost_path(module: Any) -> str | None:
    path = None
    while module:
        path = _get(module, "path") or path
        module = _get(module, "nested_tf_module")
    return path


def _get(obj: Any, key: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(key)
    return getattr(obj, key, None)


def graph_items(
    graph: Any,
) -> tuple[Iterator[tuple[Any, dict[str, Any]]], Callable[[Any], list[tuple[Any, str]]]]:
    """Vertices of a rustworkx (Checkov's default) or networkx graph, and a reader of one
    vertex's outgoing edges (most vertices are never asked for theirs)."""
    if hasattr(graph, "node_indices"):  # rustworkx.PyDiGraph: payloads are (index, attributes)
        nodes = ((i, _payload(graph[i])) for i in graph.node_indices())
        return nodes, lambda node: [(d, _edge_label(data)) for _s, d, data in graph.out_edges(node)]
    nodes = ((n, attrs) for n, attrs in graph.nodes(data=True))
    return nodes, lambda node: [(d, _edge_label(data)) for _s, d, data in graph.out_edges(node, data=True)]


def _payload(item: Any) -> dict[str, Any]:
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], dict):
        return item[1]
    return item if isinstance(item, dict) else {}


def _edge_label(data: Any) -> str:
    return str(data.get("label", "")) if isinstance(data, dict) else ""


_cache: tuple[Any, TfIndex] | None = None


def index_for(graph: Any) -> TfIndex | None:
    """The index of Checkov's graph for this scan, built on first use (the graph object is
    kept alive by the cache, so identity is a safe key)."""
    global _cache
    if graph is None:
        return None
    if _cache is not None and _cache[0] is graph:
        return _cache[1]
    index = TfIndex.from_graph(graph)
    _cache = (graph, index)
    return index
