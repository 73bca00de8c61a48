"""The directory's text search as a lookup on the folded search text: `search_text__contains_term`.

On PostgreSQL every term, whatever its length, is answered by one GIN expression index over
`portal_bigrams(search_text)` (the tsvector of the text's 2-grams, created by the migrations): a
1-character term (森) is a prefix query, a 2-character term (眼科) one lexeme, a longer one
(ひまわり) all its 2-grams ANDed, and `strpos()` then checks the term itself. pg_trgm cannot
serve 1–2 character terms. SQLite has no such index and reads the text with instr(), which at
the size of one city's directory is quick enough (bench/search.py)."""

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Lookup
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


class DirectoryPaginator(Paginator):
    """Counts the matches only up to COUNT_LIMIT. An exact count of a broad search (every clinic,
    every facility with 中央 in its address) reads every matching row, while the page needs only
    twenty of them; past a thousand the number tells a user nothing more than 「1,000件以上」, and
    the way on is a narrower search, not page 400. `more` says the count was capped.

    The first page is read before the count, with one row more than a page: when no more than a
    page comes, those rows are all the matches and the count needs no query of its own."""

    COUNT_LIMIT = 1000

    def get_page(self, number):
        try:
            first = int(number) == 1
        except (TypeError, ValueError):  # not a number: the first page, as Paginator.get_page does
            first = True
        if not first:
            return super().get_page(number)
        rows = list(self.object_list[: self.per_page + 1])
        if len(rows) <= self.per_page:
            self.more = len(rows) > self.COUNT_LIMIT
            self.count = min(len(rows), self.COUNT_LIMIT)
        return Page(rows[: self.per_page], 1, self)

    @cached_property
    def count(self):
        # Only the ids: the columns the rows carry for the list (capabilities, ★) are not read.
        found = self.object_list.order_by().values("pk")[: self.COUNT_LIMIT + 1].count()
        self.more = found > self.COUNT_LIMIT
        return min(found, self.COUNT_LIMIT)

    more = False
