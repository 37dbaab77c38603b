"""Secondary suppression of small cells, as statistical offices publish tables.

Primary masking hides every count under the threshold. Alone it is defeated by subtraction:
a school's total minus its other voies gives the hidden voie; a bassin's total minus its
other schools gives the hidden school. Every figure a masked reader may ask for is a node of
one lattice: a territory (académie, département, bassin, réseau, établissement) crossed with
a voie, a level and a school year, each either one value or `*` (all). Each node is the sum
of its children along any one split (a dimension's values, or the territories below it).

For each such equation, the published figures must never leave exactly one hidden term (it
would be the parent minus the others), nor hidden terms that must all be zero (the parent
equals the published children). While one does, the smallest published child of that
equation is masked too; a newly masked node is then checked in every equation it is part of
(a worklist, so the cost is linear in the lattice once the masks settle).
"""

from collections import defaultdict
from collections.abc import Iterable
from itertools import product

STAR = "*"
# Coarser levels containing each level, in the administrative hierarchy.
ABOVE = {
    "etablissement": ("bassin", "departement", "academie"),
    "bassin": ("departement", "academie"),
    "departement": ("academie",),
    "academie": (),
}
DIMENSIONS = ("voie", "niveau", "annee")


def node_key(level: str, code, voie, niveau, annee) -> str:
    return "|".join(str(part) for part in (level, code, voie, niveau, annee))


def mask_key(measure: str, node: str) -> str:
    return f"{measure}|{node}"


class Lattice:
    """Node values and the equations linking them, built from the finest cells."""

    def __init__(self, measures: Iterable[str]):
        self.measures = list(measures)
        self.values: dict[tuple, dict[str, int]] = {}
        # (parent node, split tag) -> children nodes
        self.equations: dict[tuple, set] = defaultdict(set)

    def add_cell(self, territories: dict[str, str], networks: Iterable, dims: tuple, counts):
        """`territories`: level -> code of the school, from etablissement to academie."""
        places = [(level, territories[level]) for level in ABOVE]
        places += [("reseau", network) for network in networks]
        for place in places:
            for mask in product((False, True), repeat=len(DIMENSIONS)):
                node = (*place, *(STAR if hide else v for hide, v in zip(mask, dims, strict=True)))
                bucket = self.values.setdefault(node, dict.fromkeys(self.measures, 0))
                for measure in self.measures:
                    bucket[measure] += counts[measure]
                # Dimension splits: this node is a child of the same node with one dim at `*`.
                for i, hidden in enumerate(mask):
                    if not hidden:
                        parent = list(node)
                        parent[2 + i] = STAR
                        self.equations[(tuple(parent), DIMENSIONS[i])].add(node)
        # Territory splits: each level's node is a child of every coarser one (and a school's
        # of each of its networks), at the same dimension values.
        for mask in product((False, True), repeat=len(DIMENSIONS)):
            dim_values = tuple(STAR if hide else v for hide, v in zip(mask, dims, strict=True))
            for level, coarser in ABOVE.items():
                child = (level, territories[level], *dim_values)
                for up in coarser:
                    parent = (up, territories[up], *dim_values)
                    self.equations[(parent, level)].add(child)
            school = ("etablissement", territories["etablissement"], *dim_values)
            for network in networks:
                self.equations[(("reseau", network, *dim_values), "etablissement")].add(school)

    def suppress(self, measure: str, threshold: int) -> set[tuple]:
        """Nodes masked for `measure` beyond the primary rule (value under the threshold)."""
        value = {node: counts[measure] for node, counts in self.values.items()}
        masked = {node for node, v in value.items() if v < threshold}
        primary = set(masked)
        membership: dict[tuple, list] = defaultdict(list)
        for eq, children in self.equations.items():
            membership[eq[0]].append(eq)
            for child in children:
                membership[child].append(eq)
        todo = set(self.equations)
        while todo:
            eq = todo.pop()
            parent, children = eq[0], self.equations[eq]
            if len(children) == 1:
                # The parent is its only child: one value, so one mask for both.
                (child,) = children
                if (child in masked) != (parent in masked):
                    pick = parent if child in masked else child
                    masked.add(pick)
                    todo.update(membership[pick])
                continue
            hidden = [c for c in children if c in masked]
            parent_hidden = parent in masked
            if not hidden and not parent_hidden:
                continue
            shown = [c for c in children if c not in masked]
            if not shown:
                continue
            exposed = len(hidden) + parent_hidden == 1
            if not exposed and not parent_hidden:
                # The hidden children's sum is published (parent minus the others): if it is
                # zero, each of them is zero.
                exposed = value[parent] - sum(value[c] for c in shown) == 0
            if not exposed:
                continue
            pick = min(shown, key=lambda c: (value[c] == 0, value[c], c))
            masked.add(pick)
            todo.update(membership[pick])
            todo.add(eq)
        return masked - primary


def secondary_masks(lattice: Lattice, threshold: int) -> list[str]:
    keys = []
    for measure in lattice.measures:
        for node in lattice.suppress(measure, threshold):
            keys.append(mask_key(measure, node_key(*node)))
    return sorted(keys)
