"""Rings of one-way `see_also` links: A -> B -> C -> A, where no entry names the one before it.

"See also" says two entries are related, which is symmetric: mutual links (A -> B and B -> A) are
the normal shape, and the bank has well over a hundred of them, so they are not reported. A ring
of one-way links is a group of related entries where each names only the next, so a reader of B
never hears of A: make the links mutual, or break the ring.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.catalog.source import Problem, SourceFile

# Elementary cycles can grow exponentially in a dense graph; past this many, the first ones
# are enough to act on.
MAX_CYCLES = 100


def see_also_cycles(files: list[SourceFile]) -> Iterator[Problem]:
    # Entries in file order: a cycle is reported once, from its member that comes first.
    where: dict[str, tuple[SourceFile, int]] = {}
    links: dict[str, tuple[str, ...]] = {}
    for source in files:
        for index, entry in source.entries():
            where.setdefault(entry.id, (source, index))
            links.setdefault(entry.id, tuple(dict.fromkeys(entry.see_also)))
    one_way = {
        node: [n for n in targets if n in links and node not in links[n]]
        for node, targets in links.items()
    }
    for cycle in _cycles(list(links), one_way):
        source, index = where[cycle[0]]
        ring = " -> ".join((*cycle, cycle[0]))
        yield source.warning(
            ("entries", index, "see_also"),
            f"{cycle[0]}: see_also cycle {ring}; no entry in it links back, so make the links "
            "mutual or break the ring",
        )


def _cycles(order: list[str], graph: dict[str, list[str]]) -> Iterator[list[str]]:
    """Every elementary cycle once, starting at its earliest node in `order`: from each start,
    walk only through later nodes, so no cycle is found from two of its members."""
    rank = {node: i for i, node in enumerate(order)}
    found = 0
    for start in order:
        path = [start]
        # An explicit stack of (node, its remaining successors) instead of recursion.
        stack = [iter(graph[start])]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                stack.pop()
                path.pop()
                continue
            if step == start:
                yield list(path)
                found += 1
                if found >= MAX_CYCLES:
                    return
            elif rank[step] > rank[start] and step not in path:
                path.append(step)
                stack.append(iter(graph[step]))
