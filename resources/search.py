"""The directory's text search as a lookup on the folded search text: `search_text__contains_term`.

On PostgreSQL every term, whatever its length, is answered by one GIN expression index over
`portal_bigrams(search_text)` (the tsvector of the text's 2-grams, created by the migrations): a
1-character term (森) is a prefix query, a 2-character term (眼科) one lexeme, a longer one
(ひまわり) all its 2-grams ANDed, and `strpos()` then checks the term itself. pg_trgm cannot
serve 1–2 character terms. SQLite has no such index and reads the text with instr(), which at
the size of one city's directory is quick enough (bench/search.py)."""

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, F, Lookup, Window
from django.db.models.lookups import In
from django.utils.functional import cached_property


def bigram_query(term):
    """The tsquery text for a term: each of its 2-grams quoted (a quote doubled, a backslash
    escaped) and ANDed; one character is a prefix query."""

    def quoted(lexeme):
        return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"

    if len(term) == 1:
        return quoted(term) + ":*"
    grams = dict.fromkeys(term[i : i + 2] for i in range(len(term) - 1))  # in order, once each
    return " & ".join(quoted(g) for g in grams)


class SearchTextField(models.TextField):
    """The normalised text searched by `contains_term` (coordination.text.normalize)."""


@SearchTextField.register_lookup
class ContainsTerm(Lookup):
    lookup_name = "contains_term"

    def as_sql(self, compiler, connection):  # any other database
        lhs, lhs_params = self.process_lhs(compiler, connection)
        escaped = self.rhs.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"{lhs} LIKE %s ESCAPE '\\'", [*lhs_params, f"%{escaped}%"]

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"instr({lhs}, %s) > 0", [*lhs_params, self.rhs]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # strpos() first: cheap per row, so a row that fails it never pays for portal_bigrams()
        # where the planner filters the rows of another index.
        return (
            f"(strpos({lhs}, %s) > 0 AND portal_bigrams({lhs}) @@ %s::tsquery)",
            [*lhs_params, self.rhs, *lhs_params, bigram_query(self.rhs)],
        )


class AmongIds(In):
    """`pk IN (subquery)`, with the subquery read once and first on PostgreSQL
    (`= ANY(ARRAY(subquery))`). As a semi-join the planner may walk the outer table in its order
    and scan the subquery's rows for each row, where its estimate of a text search's matches is
    low; as an array the matches are read once and the rows are then fetched by their key."""

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]


class DirectoryPaginator(Paginator):
    """Counts the matches only up to COUNT_LIMIT. An exact count of a broad search (every clinic,
    every facility with 中央 in its address) reads every matching row, while the page needs only
    twenty of them; past a thousand the number tells a user nothing more than 「1,000件以上」, and
    the way on is a narrower search, not page 400. `more` says the count was capped.

    `rows`: the same facilities' queryset before the search's conditions, in the search's order
    and with what each row of the page carries (FacilityFilter.ordered). The page is read from it
    by the ids of the first COUNT_LIMIT + 1 matches, in one query that also counts them: a search
    with fewer matches than that (most of them: a kind in an area with a 在宅対応) reads its
    matches once, where a count and a page would read them twice. A broader one reads its page
    as Paginator does, in the order of every match."""

    COUNT_LIMIT = 1000

    def __init__(self, object_list, per_page, *, rows):
        super().__init__(object_list, per_page)
        self.rows = rows

    def get_page(self, number):
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):  # not a number: the first page, as Paginator.get_page does
            number = 1
        bottom = (number - 1) * self.per_page
        if bottom < self.COUNT_LIMIT:
            first = self.object_list.order_by().values("pk")[: self.COUNT_LIMIT + 1]
            page = self.rows.filter(AmongIds(F("pk"), first)).annotate(found=Window(Count("pk")))
            rows = list(page[bottom : bottom + self.per_page])
            if not rows and number == 1:  # nothing found
                self.count = 0
                return Page(rows, 1, self)
            if rows:
                self.count = min(rows[0].found, self.COUNT_LIMIT)
                self.more = rows[0].found > self.COUNT_LIMIT
                if not self.more:
                    return Page(rows, number, self)
        # More matches than the first ids hold, or a page past the last: as Paginator does.
        return super().get_page(number)

    @cached_property
    def count(self):
        # Only the ids: the columns the rows carry for the list (capabilities, ★) are not read.
        found = self.object_list.order_by().values("pk")[: self.COUNT_LIMIT + 1].count()
        self.more = found > self.COUNT_LIMIT
        return min(found, self.COUNT_LIMIT)

    more = False
