"""The built web app served by the same server: content types, caching,
precompressed bodies, security headers, the /book fallback and refused
traversal. Skips (reported) only when the web build is absent."""

import gzip
import http.client
import json
import os
import re

from helpers import Skip, check, eq

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WEB = os.path.join(ROOT, "build", "web")


def need_web():
    if not os.path.exists(os.path.join(WEB, "index.html")):
        raise Skip("no web build in build/web (NO_WEB=1?)")


def fetch(ctx, path, method="GET", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", ctx.port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        r = conn.getresponse()
        body = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body
    finally:
        conn.close()


def asset_paths():
    with open(os.path.join(WEB, "index.html"), encoding="utf-8") as f:
        html = f.read()
    return re.findall(r'(?:src|href)="(/assets/[^"]+)"', html)


def test_index_html_headers(ctx):
    need_web()
    status, h, body = fetch(ctx, "/")
    eq(status, 200, "GET /")
    eq(h.get("content-type"), "text/html; charset=utf-8", "Content-Type of /")
    eq(h.get("cache-control"), "no-cache", "html is revalidated")
    check("default-src 'self'" in h.get("content-security-policy", ""), "CSP: %s" % h)
    check("script-src 'self'" in h.get("content-security-policy", ""), "scripts from self only")
    eq(h.get("x-content-type-options"), "nosniff", "nosniff")
    check(h.get("referrer-policy"), "Referrer-Policy set")
    check(b'<div id="app">' in body, "the staff page body")


def test_book_and_its_paths_serve_the_portal(ctx):
    need_web()
    with open(os.path.join(WEB, "book.html"), "rb") as f:
        book = f.read()
    for path in ("/book", "/book/", "/book/appointments/12"):
        status, h, body = fetch(ctx, path)
        eq(status, 200, "GET " + path)
        eq(h.get("content-type"), "text/html; charset=utf-8", path)
        eq(body, book, "GET %s is book.html" % path)


def test_assets_types_and_immutable_cache(ctx):
    need_web()
    paths = asset_paths()
    check(any(p.endswith(".js") for p in paths), "index.html links a script: %s" % paths)
    check(any(p.endswith(".css") for p in paths), "index.html links a style sheet: %s" % paths)
    for path in paths:
        status, h, body = fetch(ctx, path)
        eq(status, 200, "GET " + path)
        want = "text/javascript; charset=utf-8" if path.endswith(".js") else "text/css; charset=utf-8"
        eq(h.get("content-type"), want, "Content-Type of " + path)
        eq(h.get("cache-control"), "public, max-age=31536000, immutable", "cache of " + path)
        eq(h.get("vary"), "Accept-Encoding", "Vary of " + path)
        check("content-encoding" not in h, "no encoding unless asked: %s" % path)
    status, h, _ = fetch(ctx, "/favicon.svg")
    eq(status, 200, "favicon")
    eq(h.get("content-type"), "image/svg+xml", "svg type")


def test_gzip_and_brotli_when_accepted(ctx):
    need_web()
    js = [p for p in asset_paths() if p.endswith(".js")][0]
    _, _, plain = fetch(ctx, js)
    status, h, body = fetch(ctx, js, headers={"Accept-Encoding": "gzip"})
    eq(status, 200, "gzip GET")
    eq(h.get("content-encoding"), "gzip", "Content-Encoding")
    eq(gzip.decompress(body), plain, "gzip body decodes to the file")
    status, h, body = fetch(ctx, js, headers={"Accept-Encoding": "gzip, deflate, br"})
    eq(h.get("content-encoding"), "br", "brotli preferred when accepted")
    check(len(body) < len(plain), "brotli body is smaller")
    status, h, body = fetch(ctx, js, headers={"Accept-Encoding": "br;q=0, gzip;q=0"})
    check("content-encoding" not in h, "q=0 refuses both")
    eq(body, plain, "identity body")


def test_head_has_no_body(ctx):
    need_web()
    status, h, body = fetch(ctx, "/", method="HEAD")
    eq(status, 200, "HEAD /")
    eq(body, b"", "HEAD body")
    check(int(h.get("content-length", "0")) > 0, "Content-Length of HEAD /")


def test_missing_and_traversal_refused(ctx):
    need_web()
    for path in ("/nope.js", "/assets/nope-123.js", "/../etc/passwd", "/assets/../../etc/passwd",
                 "/%2e%2e/%2e%2e/etc/passwd", "/.gitignore", "/assets//x.js", "/a%00b"):
        status, h, body = fetch(ctx, path)
        eq(status, 404, "GET " + path)
        eq(h.get("content-type"), "application/problem+json", "404 type for " + path)
        eq(json.loads(body)["status"], 404, "problem status for " + path)
        check(b"root:" not in body, "no file outside the web root")


def test_api_paths_still_reach_the_api(ctx):
    status, h, body = fetch(ctx, "/api/v1/nope")
    eq(status, 404, "unknown API path")
    eq(h.get("content-type"), "application/problem+json", "API problem")
    check(b"endpoint" in body, "the API answered, not the file server: %r" % body)
    status, _, _ = fetch(ctx, "/healthz")
    eq(status, 200, "healthz")
