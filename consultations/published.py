"""The 月報 / 年度 tallies as exported for publication. A count from 1 to the threshold − 1 is shown
as 「－」 (coordination.publishing), and because the export also shows what the counts add up to,
more cells are hidden so that none of those can be found by subtraction:

- along a line, the centers' counts add up to its 合計;
- down a column, the items of a 区分 add up to its 合計 line, and the items of a 大分類 to its 小計
  line (for each center and for the 合計 column).

First each group whose total is shown gets the project's rule on its own small counts
(coordination.publishing.complete_hiding: the smallest other count goes too). Then, again and
again until nothing changes, a group with exactly one hidden cell (a member, or its total hidden
by another group) has its smallest shown member hidden too. Last the groups are read together as
equations, as a careful reader would (a group adding up to a shown 0 gives its members as 0), and
any hidden cell they still pin down gets a neighbour hidden with it. 最少 and 最大 repeat one of the
centers' counts, so they are hidden on every line where anything is hidden."""

from django.conf import settings

from coordination.publishing import SUPPRESSED_IN_SHEETS, hidden_in_group, is_suppressed

# A large prime: the groups' equations have coefficients 0, 1 and −1, and are solved modulo it.
_PRIME = (1 << 61) - 1


def note():
    return (
        f"公表用: {settings.PUBLISH_SUPPRESS_BELOW}件未満の件数は「－」で示し、"
        "合計からの引き算で分からないよう、ほかの件数も一部「－」にしています。"
    )


def table_groups(lines):
    """(members, total) for every sum the exported table shows; a cell is (line index, column),
    column 0 the 合計 and 1… the centers."""
    width = len(lines[0].per_center) if lines else 0
    # A line whose 合計 is no sum (窓口開設日数: the days the centers share) is no equation.
    groups = [([(i, c) for c in range(1, width + 1)], (i, 0)) for i in range(len(lines)) if lines[i].summable]
    sections = {}
    for i, line in enumerate(lines):
        sections.setdefault(line.section, []).append(i)
    for indexes in sections.values():
        items = [i for i in indexes if lines[i].kind == "item"]
        sums = [(items, i) for i in indexes if lines[i].kind == "total"]
        for i in indexes:
            if lines[i].kind == "subtotal":
                prefix = lines[i].label.removesuffix("小計")
                sums.append(([j for j in items if lines[j].label.startswith(prefix)], i))
        for members, total in sums:
            groups.extend(([(j, c) for j in members], (total, c)) for c in range(width + 1))
    return groups


def line_values(lines):
    values = {}
    for i, line in enumerate(lines):
        values[(i, 0)] = line.total
        for c, n in enumerate(line.per_center, start=1):
            values[(i, c)] = n
    return values


def hidden_cells(values, groups):
    """The cells shown as 「－」: the small counts and whatever keeps them from being worked out."""
    hidden = {cell for cell, n in values.items() if is_suppressed(n)}
    # Each group first gets the project's rule on its own small counts, where its total is shown
    # (a total small enough to be hidden itself leaves nothing to subtract from).
    for members, total in groups:
        if total in hidden:
            continue
        more, total_too = hidden_in_group([values[m] for m in members])
        hidden.update(members[i] for i in more)
        if total_too:
            hidden.add(total)
    while True:
        before = len(hidden)
        for members, total in groups:
            _no_lone_cell(values, hidden, members, total)
        if len(hidden) == before:
            pinned = _pinned(values, hidden, groups)
            if not pinned:
                return hidden
            _hide_beside(values, hidden, groups, pinned)


def _no_lone_cell(values, hidden, members, total):
    """A group with one hidden cell (a member, or the total hidden by another group) gives it
    back by subtraction: the smallest shown member goes too, or the total when none is left."""
    cells = [*members, total]
    if sum(c in hidden for c in cells) != 1:
        return
    shown = [m for m in members if m not in hidden]
    if shown:
        _hide_smallest(values, hidden, shown)
    else:
        hidden.add(total)


def _hide_smallest(values, hidden, shown):
    """Hides the smallest of the `shown` cells (every one of that count), a zero only when all
    of them are zero."""
    nonzero = [c for c in shown if values[c]] or shown
    smallest = min(values[c] for c in nonzero)
    hidden.update(c for c in nonzero if values[c] == smallest)


def _pinned(values, hidden, groups):
    """The hidden cells the groups' sums determine taken together (not only one group at a time):
    a cell is determined when its own equation 'cell = a number' follows from the groups'
    (a group adding up to a shown 0 gives each of its members as 0)."""
    cells = sorted(hidden)
    index = {cell: k for k, cell in enumerate(cells)}
    rows = []
    for members, total in groups:
        if total not in hidden and values[total] == 0:
            # Counts are never negative: every member of a group adding up to 0 is 0.
            rows.extend({index[m]: 1} for m in members if m in index)
            continue
        row = {}
        for m in members:
            if m in index:
                row[index[m]] = 1
        if total in index:
            row[index[total]] = _PRIME - 1
        if row:
            rows.append(row)
    # Gauss–Jordan elimination on sparse rows; a pivot row left with one entry pins its cell.
    pivots = {}
    for row in rows:
        row = _reduce(row, pivots)
        if not row:
            continue
        col = min(row)
        inverse = pow(row[col], _PRIME - 2, _PRIME)
        row = {k: v * inverse % _PRIME for k, v in row.items()}
        for other in pivots.values():
            if col in other:
                _subtract(other, row, other[col])
        pivots[col] = row
    return {cells[col] for col, row in pivots.items() if len(row) == 1}


def _reduce(row, pivots):
    row = dict(row)
    for col in sorted(row):
        if col in row and col in pivots:
            _subtract(row, pivots[col], row[col])
    return row


def _subtract(target, row, factor):
    """target −= factor × row, in place, modulo the prime (entries that become 0 dropped)."""
    for k, v in row.items():
        target[k] = (target.get(k, 0) - factor * v) % _PRIME
        if not target[k]:
            del target[k]


def _hide_beside(values, hidden, groups, pinned):
    """For a pinned cell, the smallest shown count of a group it is in goes too."""
    for members, total in groups:
        cells = [*members, total]
        if not pinned & set(cells):
            continue
        shown = [c for c in cells if c not in hidden]
        if shown:
            _hide_smallest(values, hidden, shown)
            return
    hidden.update(pinned)  # not reachable: a pinned cell's groups always show something


# Each consultation has one 相談者, one 受付方法, one 所在 and one 状態: those 区分's 合計 lines repeat
# the 延べ件数 line, center by center, so a cell hidden in one is hidden in all of them.
SAME_AS_CASES = ("相談者", "受付方法", "相談者の所在", "状態")
CASES_LABEL = "延べ件数"


class Published:
    """The cells of one export as published: the table (`lines`), the 年度累計 beside it in the 月報
    (`cumulative`) and the 月別推移 sheet (`months`, each month's counts by center). The hidden cells
    are worked out over all of them at once, with the sums that tie them together (the months of
    a center add up to its 延べ件数 of the 年度), and every format prints the same cells, so two
    files of the same report together give nothing that one does not."""

    def __init__(self, lines, cumulative=None, months=None):
        self.blocks = {"table": lines, "cumulative": cumulative or []}
        self.month_counts = months or []
        values, groups = {}, []
        for name, block in self.blocks.items():
            for cell, n in line_values(block).items():
                values[(name, cell)] = n
            for members, total in table_groups(block) + _same_as_cases(block):
                groups.append(([(name, m) for m in members], (name, total)))
        width = len(lines[0].per_center) if lines else 0
        for i, counts in enumerate(self.month_counts):
            for c, n in enumerate([*counts, sum(counts)]):
                values[("months", (i, c))] = n
            groups.append(([("months", (i, c)) for c in range(width)], ("months", (i, width))))
        year = "cumulative" if cumulative else "table"
        cases = _index_of(self.blocks[year], CASES_LABEL)
        if self.month_counts and cases is not None:
            # The months' column sums: a center's months add up to its 延べ件数 of the 年度 (as long
            # as every month's count is the portal's own, which a reader would take it to be).
            for c in range(width):
                members = [("months", (i, c)) for i in range(len(self.month_counts))]
                groups.append((members, (year, (cases, c + 1))))
            members = [("months", (i, width)) for i in range(len(self.month_counts))]
            groups.append((members, (year, (cases, 0))))
        self.hidden = hidden_cells(values, groups)

    def lines(self, name="table"):
        """Each line's cells after 区分 and 項目 (合計, the centers, 最少, 最大)."""
        out = []
        for i, line in enumerate(self.blocks[name]):
            numbers = [line.total, *line.per_center]
            hidden = [(name, (i, c)) in self.hidden for c in range(len(numbers))]
            cells = [SUPPRESSED_IN_SHEETS if h else n for h, n in zip(hidden, numbers, strict=True)]
            # 最少 and 最大 are one of the centers' counts: shown only where nothing is hidden.
            cells += [SUPPRESSED_IN_SHEETS] * 2 if any(hidden) else [line.low, line.high]
            out.append(cells)
        return out

    def months(self):
        """The 月別推移 rows: each month's counts by center, then their sum."""
        return [
            [
                SUPPRESSED_IN_SHEETS if ("months", (i, c)) in self.hidden else n
                for c, n in enumerate([*counts, sum(counts)])
            ]
            for i, counts in enumerate(self.month_counts)
        ]


def _index_of(lines, label):
    return next((i for i, line in enumerate(lines) if line.label == label), None)


def _same_as_cases(lines):
    cases = _index_of(lines, CASES_LABEL)
    if cases is None:
        return []
    width = len(lines[0].per_center)
    groups = []
    for i, line in enumerate(lines):
        if line.kind == "total" and line.section in SAME_AS_CASES:
            groups.extend(([(cases, c)], (i, c)) for c in range(width + 1))
    return groups
