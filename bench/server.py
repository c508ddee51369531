"""A loopback arXiv + GitHub stand-in for the benchmarks: any id, any repo, a fixed delay.

Not a test fake (those live in tests/servers.py and serve the fixture files exactly): this one
synthesises a plausible record for whatever is asked, so a page of 200 papers needs no files.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

_ENTRY = """  <entry>
    <id>http://arxiv.org/abs/{id}v2</id>
    <title>{title}</title>
    <updated>{year}-06-01T00:00:00Z</updated>
    <link href="https://arxiv.org/abs/{id}v2" rel="alternate" type="text/html"/>
    <summary>Benchmark record.</summary>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <published>{year}-03-01T00:00:00Z</published>
    <arxiv:primary_category term="cs.LG"/>
{authors}  </entry>
"""
_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <id>https://arxiv.org/api/bench</id>
  <title>arXiv Query</title>
  <updated>2025-06-01T00:00:00Z</updated>
  <opensearch:itemsPerPage>{n}</opensearch:itemsPerPage>
  <opensearch:totalResults>{n}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
{entries}</feed>
"""
_REPO_PATH = re.compile(r"^/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)$")


@dataclass(frozen=True)
class BenchPaper:
    """What arXiv should say about one id, so a page that agrees with it checks clean."""

    title: str
    authors: tuple[str, ...]
    year: int


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 that counts requests per service in `counts`;
    subclasses give `_handler()`. A context manager: serving inside the `with`."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def reset(self) -> None:
        with self._lock:
            self.counts.clear()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError


class BenchServer(LoopbackServer):
    """Counts requests per service; sleeps `delay` seconds before every answer.

    `papers`: arXiv records to serve as given (others are synthesised); `stars`: one star
    count for every repository (default: a count derived from its name), so a page whose
    static badges already show it has nothing to refresh.
    """

    def __init__(
        self,
        delay: float,
        *,
        papers: Mapping[str, BenchPaper] | None = None,
        stars: int | None = None,
    ) -> None:
        self.delay = delay
        self.papers: Mapping[str, BenchPaper] = papers or {}
        self.stars = stars
        self.not_modified = 0
        super().__init__()

    def reset(self) -> None:
        super().reset()
        with self._lock:
            self.not_modified = 0

    def _entry(self, arxiv_id: str) -> str:
        paper = self.papers.get(arxiv_id)
        if paper is None:
            paper = BenchPaper(f"Synthetic paper {arxiv_id}", ("Ada Lovelace",), 2025)
        authors = "".join(f"    <author><name>{escape(a)}</name></author>\n" for a in paper.authors)
        return _ENTRY.format(
            id=escape(arxiv_id), title=escape(paper.title), year=paper.year, authors=authors
        )

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        bench = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                time.sleep(bench.delay)
                parts = urlsplit(self.path)
                if parts.path == "/api/query":
                    with bench._lock:
                        bench.counts["arxiv"] += 1
                    ids = parse_qs(parts.query).get("id_list", [""])[0].split(",")
                    entries = "".join(bench._entry(i) for i in ids if i)
                    body = _FEED.format(n=len([i for i in ids if i]), entries=entries)
                    self._send(200, body.encode(), "application/atom+xml")
                    return
                m = _REPO_PATH.match(parts.path)
                if m is None:
                    self._send(404, b'{"message": "Not Found"}', "application/json")
                    return
                with bench._lock:
                    bench.counts["github"] += 1
                full = f"{m['owner']}/{m['name']}"
                etag = '"' + hashlib.sha1(full.encode()).hexdigest() + '"'
                if self.headers.get("If-None-Match") == etag:
                    with bench._lock:
                        bench.not_modified += 1
                    self._send(304, b"", None, etag)
                    return
                stars = bench.stars
                if stars is None:
                    stars = int(hashlib.sha1(full.encode()).hexdigest()[:4], 16)
                body = {
                    "full_name": full,
                    "stargazers_count": stars,
                    "forks_count": stars // 10,
                    "archived": False,
                    "pushed_at": "2025-06-01T00:00:00Z",
                    "description": "benchmark repo",
                    "language": "Python",
                    "html_url": f"https://github.com/{full}",
                }
                self._send(200, json.dumps(body).encode(), "application/json", etag)

            def _send(
                self, status: int, body: bytes, ctype: str | None, etag: str | None = None
            ) -> None:
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                if etag:
                    self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


def synthetic_page(papers: int, repos: int) -> str:
    """A Markdown homepage with `papers` arXiv papers and `repos` distinct linked repos."""
    lines = ["---", "title: Bench", "---", "", "## Publications", ""]
    for i in range(papers):
        arxiv_id = f"25{(i % 12) + 1:02d}.{10000 + i:05d}"
        repo = f"bench/repo-{i % repos}" if repos else None
        code = f" | [Code](https://github.com/{repo})" if repo else ""
        lines += [
            f"- **Synthetic paper {i}**  ",
            "  **Ada Lovelace**, Alan Turing  ",
            "  NeurIPS 2025  ",
            f"  [Paper](https://arxiv.org/abs/{arxiv_id}){code}",
            "",
        ]
    return "\n".join(lines) + "\n"
