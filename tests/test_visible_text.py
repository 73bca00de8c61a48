"""Every page of the URL walker, for every role, shows neither template syntax nor English
sentences in its visible text. A multi-line `{# … #}` is not a Django comment: its text was printed
at the top of the 月報 and of the directory search."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.conftest import ROLES
from tests.fixtures import world
from tests.test_url_walker import EXPECTED

TEMPLATE_SYNTAX = ("{#", "#}", "{%", "%}", "{{", "}}")
# Four or more English words in a row: a sentence, not a code such as CSV, FAX or C01.
ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z][A-Za-z'’]*(?:[ ,;:]+[A-Za-z][A-Za-z'’]*){3,}")


class VisibleText(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts, styles or JSON data blocks."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def problems(html):
    # A browser shows a title's content as it is (no tags): markup that slipped into a title
    # block is printed in the tab and the bookmark.
    found = [f"markup in the title {t[:80]!r}" for t in TITLE.findall(html) if "<" in t or ">" in t]
    for text in visible_text(html):
        found += [f"template syntax {s!r} in {text[:80]!r}" for s in TEMPLATE_SYNTAX if s in text]
        found += [f"English {m.group(0)!r}" for m in ENGLISH_SENTENCE.finditer(text)]
    return found


def test_the_check_finds_a_leaked_comment_and_an_english_sentence():
    leaked = "<p>{# The report's content, cached by the view</p><h1>相談実績</h1>"
    assert problems(leaked)
    assert problems("<p>This page is not translated yet</p>")
    assert problems("<title>会議・課題<section><h2>解決策</h2></section> | ポータル</title>")
    assert not problems(
        '<p>CSVでダウンロード（C01・FAX）</p><script>var a = "{{ x }} is a sentence here";</script>'
    )


def cases():
    return list(_cases())


def _cases():
    for name in sorted(EXPECTED):
        yield pytest.param(name, id=name)


@pytest.mark.parametrize("name", cases())
def test_no_template_syntax_or_english_sentence_in_visible_text(name, cast, client_for):
    w = world(cast)
    expect = EXPECTED[name]
    url = reverse(name, kwargs=expect.kwargs(w)) + expect.query
    found = {}
    for role in ROLES:
        response = client_for(role).get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        bad = problems(response.content.decode())
        if bad:
            found[role] = bad[:5]
    assert not found, found
