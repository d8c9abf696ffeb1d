#!/usr/bin/env python3
"""Serves a policywatch API with /api/timeline as its lanes show it.

    scripts/timeline-lanes.py API_BASE PORT [CATEGORY ...]

One announcement of several kinds is one event filed under each of its
categories (model.Event.Categories): /api/timeline lists it once, under its
first category, and /api/timeline?category=X lists it under each X. A scorer
that reads only an event's `category` from /api/timeline finds it under the
first. This proxy answers /api/timeline with the union of every category's
filtered timeline, each copy's `category` set to that filter, and passes
every other request through, so such a scorer counts a labelled measure as
found when the event is in its category's lane (tagging/QUALITY.md). Its
count of events, and so of unsupported events, counts an event once per
lane: read those from the API itself.
"""
import json
import sys
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CATEGORIES = ["legislation", "visa-restriction", "export-control", "sanction", "extradition", "safe-haven",
              "statement", "counter-measure", "prosecution"]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    base, port = sys.argv[1].rstrip("/"), int(sys.argv[2])
    cats = sys.argv[3:] or CATEGORIES

    def fetch(path):
        with urllib.request.urlopen(base + path, timeout=120) as r:
            return r.read()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            try:
                if self.path == "/api/timeline":
                    events = []
                    for c in cats:
                        page = json.loads(fetch("/api/timeline?" + urllib.parse.urlencode({"category": c})))
                        events += [dict(e, category=c) for e in page["events"]]
                    body = json.dumps({"events": events}).encode()
                else:
                    body = fetch(self.path)
            except Exception as e:  # report, do not hang the client
                self.send_error(502, str(e))
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
