"""A loopback OpenAlex + Semantic Scholar stand-in for bench/fetch.py: any DOI or arXiv id is
a work with a made-up count; requests are counted per service."""

from __future__ import annotations

import hashlib
import json
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from server import LoopbackServer


def _count(text: str) -> int:
    return int(hashlib.sha1(text.lower().encode()).hexdigest()[:3], 16)


class CitationServer(LoopbackServer):
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        bench = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # OpenAlex: /works?filter=doi:A|B
                parts = urlsplit(self.path)
                with bench._lock:
                    bench.counts["openalex"] += 1
                dois = parse_qs(parts.query).get("filter", [""])[0].removeprefix("doi:")
                results = [
                    {"id": f"https://openalex.org/W{_count(d)}", "doi": f"https://doi.org/{d.lower()}",
                     "cited_by_count": _count(d)}
                    for d in dois.split("|") if d
                ]  # fmt: skip
                meta = {"count": len(results), "page": 1, "per_page": 100}
                self._send({"meta": meta, "results": results})

            def do_POST(self) -> None:  # Semantic Scholar: /graph/v1/paper/batch
                length = int(self.headers.get("Content-Length", "0"))
                ids = json.loads(self.rfile.read(length) or b"{}").get("ids", [])
                with bench._lock:
                    bench.counts["semanticscholar"] += 1
                papers = []
                for asked in ids:
                    kind, _, value = asked.partition(":")
                    external = {"ArXiv": value} if kind == "ARXIV" else {"DOI": value}
                    papers.append(
                        {"paperId": hashlib.sha1(asked.encode()).hexdigest(),
                         "citationCount": _count(asked), "externalIds": external}
                    )  # fmt: skip
                self._send(papers)

            def _send(self, doc: object) -> None:
                body = json.dumps(doc).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler
