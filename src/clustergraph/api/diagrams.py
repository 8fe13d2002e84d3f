"""Pictures drawn as SVG in Python, from the same views as the pages: the life cycle (stages in order,
with how many functions and competences each has), the role system as a tree, and the ontology's
classes as an indented hierarchy with their member counts. No system package, no script, no font
file: plain shapes and text that any browser draws offline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from clustergraph.api.models import Lifecycle, Role, RoleTree

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"
INK, MUTED, LINE, ACCENT, TINT = "#1d2430", "#5b6475", "#9aa4b5", "#1f5fa8", "#eef3fa"
CHAR_W = 7.2  # average advance of a 12px sans-serif character, to size boxes


@dataclass
class Svg:
    width: float
    height: float
    title: str
    parts: list[str] = field(default_factory=list)

    def box(self, x: float, y: float, w: float, h: float, href: str | None = None, fill: str = TINT) -> None:
        shape = f'x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}" rx="6"'
        rect = f'<rect {shape} fill="{fill}" stroke="{ACCENT}"/>'
        self.parts.append(self._linked(rect, href))

    def text(self, x: float, y: float, value: str, *, size: int = 12, color: str = INK, weight: str = "normal",
             anchor: str = "start", href: str | None = None, lang: str | None = None) -> None:  # fmt: skip
        attrs = f'x="{x:.0f}" y="{y:.0f}" font-size="{size}" fill="{color}" font-weight="{weight}"'
        lang_attr = f" xml:lang={quoteattr(lang)}" if lang else ""
        element = f'<text {attrs} text-anchor="{anchor}"{lang_attr}>{escape(value)}</text>'
        self.parts.append(self._linked(element, href))

    def line(self, points: Sequence[tuple[float, float]], arrow: bool = False) -> None:
        path = " ".join(f"{x:.0f},{y:.0f}" for x, y in points)
        marker = ' marker-end="url(#arrow)"' if arrow else ""
        self.parts.append(f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="1.5"{marker}/>')

    def render(self) -> str:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'viewBox="0 0 {self.width:.0f} {self.height:.0f}" width="{self.width:.0f}" height="{self.height:.0f}" '
            f'font-family={quoteattr(FONT)} role="img">'
            f"<title>{escape(self.title)}</title>"
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{LINE}"/></marker></defs>'
            f'<rect width="100%" height="100%" fill="#ffffff"/>{"".join(self.parts)}</svg>'
        )

    @staticmethod
    def _linked(element: str, href: str | None) -> str:
        return element if href is None else f"<a href={quoteattr(href)}>{element}</a>"


def text_width(value: str, size: int = 12) -> float:
    return len(value) * CHAR_W * size / 12


def lifecycle_svg(lifecycle: Lifecycle) -> str:
    """The stages left to right in their order, arrows along cg:nextStage, counts beneath."""
    stages = lifecycle.stages
    box_w = max([180.0] + [text_width(s.label.en or "", 14) + 32 for s in stages])
    gap, top, box_h = 56.0, 48.0, 92.0
    svg = Svg(24 * 2 + len(stages) * box_w + max(0, len(stages) - 1) * gap, top + box_h + 40, "Cluster life cycle")
    svg.text(24, 28, "The life cycle of a regional business cluster (Table 1)", size=14, weight="bold")
    for index, stage in enumerate(stages):
        x = 24 + index * (box_w + gap)
        svg.box(x, top, box_w, box_h, href=stage.url)
        svg.text(x + box_w / 2, top + 26, f"{stage.order or index + 1}. {stage.label.en or ''}", size=14,
                 weight="bold", anchor="middle", href=stage.url)  # fmt: skip
        svg.text(x + box_w / 2, top + 46, stage.label.ru or "", color=MUTED, anchor="middle", lang="ru")
        counts = f"{len(stage.functions)} functions · {len(stage.competences)} competences"
        svg.text(x + box_w / 2, top + 74, counts, size=11, color=MUTED, anchor="middle")
        if index + 1 < len(stages) and stage.next == stages[index + 1].iri:
            svg.line([(x + box_w, top + box_h / 2), (x + box_w + gap - 2, top + box_h / 2)], arrow=True)
    return svg.render()


def roles_svg(tree: RoleTree) -> str:
    """Top-level roles as a row of boxes; the roles inside one stacked beneath it."""
    roles = tree.roles
    width = max(
        [150.0] + [max(text_width(_role_label(r)), text_width(r.label.ru or "", 11)) + 44 for r in _walk(roles)]
    )
    gap, top, box_h, step = 16.0, 48.0, 44.0, 56.0
    depth = max([len(r.children) for r in roles] + [0])
    svg = Svg(24 * 2 + len(roles) * width + max(0, len(roles) - 1) * gap, top + (depth + 1) * step + 24,
              "The system of organizational roles in a cluster")  # fmt: skip
    svg.text(24, 28, "Organizational roles in a cluster", size=14, weight="bold")
    for index, role in enumerate(roles):
        x = 24 + index * (width + gap)
        _role_box(svg, role, x, top, width, box_h, bold=True)
        for row, child in enumerate(role.children, start=1):
            y = top + row * step
            svg.line([(x + 10, y - step + box_h), (x + 10, y + box_h / 2), (x + 18, y + box_h / 2)])
            _role_box(svg, child, x + 18, y, width - 18, box_h, bold=False)
    return svg.render()


def _role_box(svg: Svg, role: Role, x: float, y: float, w: float, h: float, *, bold: bool) -> None:
    svg.box(x, y, w, h, href=role.url, fill=TINT if bold else "#ffffff")
    svg.text(x + 10, y + 18, _role_label(role), weight="bold" if bold else "normal", href=role.url)
    svg.text(x + 10, y + 35, role.label.ru or "", size=11, color=MUTED, lang="ru")


def _role_label(role: Role) -> str:
    return f"{role.number or ''} {role.label.en or role.label.ru or ''}".strip()


def _walk(roles: Sequence[Role]) -> list[Role]:
    return [r for role in roles for r in (role, *_walk(role.children))]


@dataclass(frozen=True)
class ClassNode:
    iri: str
    label: str
    url: str
    count: int
    parents: tuple[str, ...]


def classes_svg(nodes: Sequence[ClassNode]) -> str:
    """Every class once per parent, indented under it (a tree a reader scans top to bottom)."""
    by_iri = {node.iri: node for node in nodes}
    roots = [n for n in nodes if not any(p in by_iri for p in n.parents)]
    lines: list[tuple[int, ClassNode]] = []

    def visit(node: ClassNode, level: int, trail: frozenset[str]) -> None:
        lines.append((level, node))
        for child in sorted((n for n in nodes if node.iri in n.parents), key=lambda n: n.label):
            if child.iri not in trail:
                visit(child, level + 1, trail | {child.iri})

    for root in sorted(roots, key=lambda n: n.label):
        visit(root, 0, frozenset({root.iri}))
    row, indent, top = 26.0, 22.0, 48.0
    width = max([320.0] + [24 + level * indent + text_width(f"{n.label} ({n.count})") + 24 for level, n in lines])
    svg = Svg(width, top + len(lines) * row + 16, "The ontology's classes")
    svg.text(24, 28, "Classes of the ontology (members in brackets, inferred included)", size=14, weight="bold")
    parents: dict[int, float] = {}
    for index, (level, node) in enumerate(lines):
        y = top + index * row
        x = 24 + level * indent
        if level:
            svg.line([(x - indent + 6, parents[level - 1] + 6), (x - indent + 6, y + 12), (x - 4, y + 12)])
        parents[level] = y + 12
        svg.text(x, y + 16, f"{node.label} ({node.count})", href=node.url, color=ACCENT)
    return svg.render()
