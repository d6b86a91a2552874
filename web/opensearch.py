"""The OpenSearch description: lets a browser add kirinuki as a search engine.

Its URLs come from the configured ``BASE_URL`` and never from the request's Host header,
which a client chooses: a document cached by a browser (or a proxy) must not send searches
to wherever one request claimed to be. Without ``BASE_URL`` the URLs are relative to the
document's own address.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
MOZ_NS = "http://www.mozilla.org/2006/browser/search/"
SHORT_NAME = "kirinuki 切り抜き"  # at most 16 characters, by the specification
DESCRIPTION = "日本の防衛・外交政策に関する報道と政策文書の全文検索"
CONTENT_TYPE = "application/opensearchdescription+xml"


def description(base: str, page: str, suggest: str, icon: str, me: str) -> bytes:
    """The document; ``base`` (no trailing slash, or "") is put before each path given."""
    ET.register_namespace("", OPENSEARCH_NS)
    ET.register_namespace("moz", MOZ_NS)

    def sub(tag: str, text: str | None = None, ns: str = OPENSEARCH_NS, **attrs: str):
        el = ET.SubElement(root, f"{{{ns}}}{tag}", attrs)
        el.text = text
        return el

    root = ET.Element(f"{{{OPENSEARCH_NS}}}OpenSearchDescription")
    sub("ShortName", SHORT_NAME)
    sub("Description", DESCRIPTION)
    sub("InputEncoding", "UTF-8")
    sub("Language", "ja")
    sub("Image", base + icon, type="image/svg+xml", width="16", height="16")
    sub("Url", type="text/html", method="get", template=f"{base}{page}?q={{searchTerms}}")
    sub("Url", type="application/x-suggestions+json", method="get",
        template=f"{base}{suggest}?format=opensearch&q={{searchTerms}}")
    sub("Url", type=CONTENT_TYPE, rel="self", template=base + me)
    sub("SearchForm", base + page, ns=MOZ_NS)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
