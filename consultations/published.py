"""The 月報 / 年度 tallies as exported for publication. A count from 1 to the threshold − 1 is shown
as 「－」 (coordination.publishing), and because the export also shows what the counts add up to,
more cells are hidden so that none of those can be found by subtraction:

- along a line, the centers' counts add up to its 合計;
- down a column, the items of a 区分 add up to its 合計 line, and the items of a 大分類 to its 小計
  line (for each center and for the 合計 column).

Each such group gets the project's complementary rule (coordination.publishing.complete_hiding),
again and again until no group changes; a 合計 or 小計 cell hidden by one group counts as hidden in
the others. Then the groups are read together as equations, as a careful reader would, and any
hidden cell they still pin down gets a neighbour hidden with it. 最少 and 最大 repeat one of the
centers' counts, so they are hidden on every line where anything is hidden."""

from django.conf import settings

from coordination.publishing import SUPPRESSED_IN_SHEETS, complete_hiding, is_suppressed

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
    groups = [([(i, c) for c in range(1, width + 1)], (i, 0)) for i in range(len(lines))]
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
        counts = [values[m] for m in members]
        more, total_too = complete_hiding(counts, [i for i, n in enumerate(counts) if is_suppressed(n)])
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
    if not shown:
        hidden.add(total)
        return
    nonzero = [m for m in shown if values[m]] or shown
    smallest = min(values[m] for m in nonzero)
    hidden.update(m for m in nonzero if values[m] == smallest)


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
                factor = other[col]
                for k, v in row.items():
                    other[k] = (other.get(k, 0) - factor * v) % _PRIME
                    if not other[k]:
                        del other[k]
        pivots[col] = row
    return {cells[col] for col, row in pivots.items() if len(row) == 1}


def _reduce(row, pivots):
    row = dict(row)
    for col in sorted(row):
        if col in row and col in pivots:
            factor = row[col]
            for k, v in pivots[col].items():
                row[k] = (row.get(k, 0) - factor * v) % _PRIME
                if not row[k]:
                    del row[k]
    return row


def _hide_beside(values, hidden, groups, pinned):
    """For a pinned cell, the smallest shown count of a group it is in goes too."""
    for members, total in groups:
        cells = [*members, total]
        if not pinned & set(cells):
            continue
        shown = [c for c in cells if c not in hidden]
        if shown:
            nonzero = [c for c in shown if values[c]] or shown
            smallest = min(values[c] for c in nonzero)
            hidden.update(c for c in nonzero if values[c] == smallest)
            return
    hidden.update(pinned)  # not reachable: a pinned cell's groups always show something


def shown_lines(lines):
    """Each line's exported cells after 区分 and 項目 (合計, the centers, 最少, 最大), as published."""
    hidden = hidden_cells(line_values(lines), table_groups(lines))
    out = []
    for i, line in enumerate(lines):
        numbers = [line.total, *line.per_center]
        cells = [SUPPRESSED_IN_SHEETS if (i, c) in hidden else n for c, n in enumerate(numbers)]
        any_hidden = any((i, c) in hidden for c in range(len(numbers)))
        cells += [SUPPRESSED_IN_SHEETS] * 2 if any_hidden else [line.low, line.high]
        out.append(cells)
    return out


def shown_month_rows(rows):
    """The 月別推移 rows (each month's counts by center, then their sum), as published."""
    values = {}
    groups = []
    for i, counts in enumerate(rows):
        for c, n in enumerate(counts):
            values[(i, c)] = n
        values[(i, len(counts))] = sum(counts)
        groups.append(([(i, c) for c in range(len(counts))], (i, len(counts))))
    hidden = hidden_cells(values, groups)
    return [
        [SUPPRESSED_IN_SHEETS if (i, c) in hidden else values[(i, c)] for c in range(len(counts) + 1)]
        for i, counts in enumerate(rows)
    ]
