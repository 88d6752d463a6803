"""Markdown in, safe HTML out: the subset, the sanitiser, and @mentions and #tags."""

from __future__ import annotations

import pytest

from kith.core.text import (
    ALLOWED_TAGS,
    normalise_tag,
    parse,
    render,
    render_markdown,
    sanitise_html,
)


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("*em* **strong**", "<p><em>em</em> <strong>strong</strong></p>"),
        ("a\nb", "<p>a<br>\nb</p>"),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("3. three\n4. four", '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>'),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        ("`x < y`", "<p><code>x &lt; y</code></p>"),
        ("```\n<b>raw</b>\n```", "<pre><code>&lt;b&gt;raw&lt;/b&gt;\n</code></pre>"),
        (
            "[site](https://example.org/a?b=1&c=2)",
            '<p><a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">'
            "site</a></p>",
        ),
        (
            "see https://example.org.",
            '<p>see <a href="https://example.org" rel="nofollow noopener noreferrer">'
            "https://example.org</a>.</p>",
        ),
        (
            "[mail](mailto:a@example.org)",
            '<p><a href="mailto:a@example.org" rel="nofollow noopener noreferrer">mail</a></p>',
        ),
        # Off in the subset: headings, rules and images stay text or become plain links.
        ("# Title", "<p># Title</p>"),
        ("***", "<p>***</p>"),
    ],
)
def test_the_subset(source, html):
    assert render_markdown(source) == html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href='javascript:alert(1)'>x</a>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](  javascript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](java\tscript:alert(1))",
        "<javascript:alert(1)>",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](javascript:alert(1))",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "<iframe src=https://evil.example></iframe>",
        "<style>body{display:none}</style>",
        "<div onclick=alert(1)>x</div>",
        '<svg onload="alert(1)">',
        "[x](file:///etc/passwd)",
        "[x](/relative/path)",
    ],
)
def test_unsafe_markup_never_survives(source):
    for tag, attrs in _elements(render_markdown(source)):
        assert tag in ALLOWED_TAGS
        for name, value in attrs:
            assert name in {"href", "rel", "class", "start"}
            if name == "href":
                assert value.split(":", 1)[0].lower() in {"http", "https", "mailto"}


def _elements(html: str) -> list[tuple[str, list]]:
    """Return every element of `html` with its attributes, as a browser would parse them."""
    from html.parser import HTMLParser

    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collect().feed(html)
    return found


def test_the_sanitiser_is_an_allow_list():
    assert sanitise_html('<p onclick="x">a</p><table><tr><td>b</td></tr></table>') == "<p>a</p>b"
    assert sanitise_html('<a href="javascript:alert(1)">x</a>') == (
        '<a rel="nofollow noopener noreferrer">x</a>'
    )
    assert sanitise_html('<a href="https://x.org" class="evil mention">x</a>') == (
        '<a href="https://x.org" class="mention" rel="nofollow noopener noreferrer">x</a>'
    )


def test_mentions_and_tags_are_found_outside_code_and_links():
    parsed = parse(
        "Hi @Alice, @bob. #Gardening and #über_grün, not #1, `@code #code`, "
        "[@linked #linked](https://x.org), mail bob@example.org, remote @carol@elsewhere.org"
    )
    assert parsed.handles == ["alice", "bob.", "bob"]
    assert parsed.tags == ["gardening", "über_grün"]


def test_only_resolved_mentions_link():
    parsed = parse("@alice meets @nobody. #Tea")
    html = render(
        parsed,
        mention_urls={"alice": "http://testserver/@alice"},
        tag_url=lambda tag: f"http://testserver/tags/{tag}",
    )
    assert '<a href="http://testserver/@alice" class="mention"' in html
    assert "@nobody." in html and "/@nobody" not in html
    assert '<a href="http://testserver/tags/tea" class="hashtag"' in html and ">#Tea</a>" in html


def test_a_mention_at_the_end_of_a_sentence():
    html = render(parse("thanks @bob."), mention_urls={"bob": "http://testserver/@bob"})
    assert html.endswith(">@bob</a>.</p>")


@pytest.mark.parametrize(
    ("raw", "tag"),
    [("Python", "python"), ("#Rust", "rust"), ("123", None), ("a" * 65, None), ("x-y", None)],
)
def test_normalise_tag(raw, tag):
    assert normalise_tag(raw) == tag
