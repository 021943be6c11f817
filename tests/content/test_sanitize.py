"""A corpus of hostile Markdown: nothing that can run or exfiltrate survives rendering."""

import re

import pytest

from elearn.content.render import render_markdown

MALICIOUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<a href="javascript:alert(1)">klik</a>',
    '<a href="JaVaScRiPt:alert(1)">klik</a>',
    '<a href="&#106;avascript:alert(1)">klik</a>',
    '<a href="vbscript:msgbox(1)">klik</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">klik</a>',
    "[klik](javascript:alert(1))",
    "[klik](data:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name="p"><button>Kirim</button></form>',
    '<p style="background:url(https://evil.example/steal)">teks</p>',
    '<div style="position:fixed;top:0;left:0;width:100%">palsu</div>',
    "<style>body{background:url(https://evil.example/x)}</style>",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<details open ontoggle="alert(1)">x</details>',
    '<body onload="alert(1)">',
    "Teks {onclick=alert(1)}",
    "## Judul {onmouseover=alert(1) style=color:red}",
    '<a href="https://contoh.go.id" onclick="alert(1)">situs</a>',
    "<!-- <script>alert(1)</script> -->",
    '<img src="https://evil.example/pixel.gif">',
]

EXECUTABLE = re.compile(
    r"<\s*(script|iframe|object|embed|form|input|button|style|link|meta|base|svg|math|"
    r"details|body)\b|\son\w+\s*=|javascript:|vbscript:|data:|style\s*=\s*\"(?!text-align)",
    re.IGNORECASE,
)


@pytest.mark.parametrize("source", MALICIOUS)
def test_hostile_markdown_is_neutralised(source):
    html = render_markdown(source)
    assert not EXECUTABLE.search(html), html


def test_safe_content_survives_sanitising():
    html = render_markdown("**tebal** [situs](https://contoh.go.id) [surat](mailto:a@b.id)")
    assert "<strong>tebal</strong>" in html
    assert 'href="https://contoh.go.id"' in html and 'href="mailto:a@b.id"' in html


def test_remote_images_are_dropped_from_rendered_html():
    """Images load only from the course itself: no tracking pixels, no closed-network gaps."""
    html = render_markdown('![logo](https://evil.example/pixel.gif)')
    assert "evil.example" not in html
