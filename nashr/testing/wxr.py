"""WordPress exports (WXR 1.2) written as WordPress writes them, for tests and the bench."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

SITE = "https://old.example.org"


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


@dataclass
class Comment:
    id: int
    author: str
    content: str
    approved: str = "1"
    parent: int = 0
    email: str = ""
    date: str = "2020-01-02 10:00:00"
    type: str = "comment"


@dataclass
class Post:
    id: int
    title: str
    content: str = ""
    slug: str = ""
    date: str = "2020-01-01 09:30:00"
    date_gmt: str = "2020-01-01 06:00:00"
    status: str = "publish"
    type: str = "post"
    author: str = "admin"
    excerpt: str = ""
    link: str = ""
    categories: list[tuple[str, str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)
    attachment_url: str = ""
    comment_status: str = "open"

    def xml(self) -> str:
        link = self.link or (f"{SITE}/{self.slug}/" if self.slug else f"{SITE}/?p={self.id}")
        categories = "".join(
            f'<category domain="{domain}" nicename="{nicename}">{cdata(name)}</category>'
            for domain, nicename, name in self.categories
        )
        meta = "".join(
            f"<wp:postmeta><wp:meta_key>{cdata(k)}</wp:meta_key>"
            f"<wp:meta_value>{cdata(v)}</wp:meta_value></wp:postmeta>"
            for k, v in self.meta.items()
        )
        comments = "".join(
            f"<wp:comment><wp:comment_id>{c.id}</wp:comment_id>"
            f"<wp:comment_author>{cdata(c.author)}</wp:comment_author>"
            f"<wp:comment_author_email>{escape(c.email)}</wp:comment_author_email>"
            f"<wp:comment_author_IP>192.0.2.1</wp:comment_author_IP>"
            f"<wp:comment_date>{c.date}</wp:comment_date>"
            f"<wp:comment_date_gmt>{c.date}</wp:comment_date_gmt>"
            f"<wp:comment_content>{cdata(c.content)}</wp:comment_content>"
            f"<wp:comment_approved>{c.approved}</wp:comment_approved>"
            f"<wp:comment_type>{c.type}</wp:comment_type>"
            f"<wp:comment_parent>{c.parent}</wp:comment_parent>"
            f"<wp:comment_user_id>0</wp:comment_user_id></wp:comment>"
            for c in self.comments
        )
        attachment = (
            f"<wp:attachment_url>{cdata(self.attachment_url)}</wp:attachment_url>"
            if self.attachment_url
            else ""
        )
        return (
            f"<item><title>{cdata(self.title)}</title><link>{escape(link)}</link>"
            f"<pubDate>Wed, 01 Jan 2020 06:00:00 +0000</pubDate>"
            f"<dc:creator>{cdata(self.author)}</dc:creator>"
            f'<guid isPermaLink="false">{SITE}/?p={self.id}</guid><description></description>'
            f"<content:encoded>{cdata(self.content)}</content:encoded>"
            f"<excerpt:encoded>{cdata(self.excerpt)}</excerpt:encoded>"
            f"<wp:post_id>{self.id}</wp:post_id><wp:post_date>{cdata(self.date)}</wp:post_date>"
            f"<wp:post_date_gmt>{cdata(self.date_gmt)}</wp:post_date_gmt>"
            f"<wp:comment_status>{self.comment_status}</wp:comment_status>"
            f"<wp:ping_status>open</wp:ping_status>"
            f"<wp:post_name>{cdata(self.slug)}</wp:post_name>"
            f"<wp:status>{cdata(self.status)}</wp:status><wp:post_parent>0</wp:post_parent>"
            f"<wp:menu_order>0</wp:menu_order><wp:post_type>{cdata(self.type)}</wp:post_type>"
            f"<wp:post_password></wp:post_password><wp:is_sticky>0</wp:is_sticky>"
            f"{attachment}{categories}{meta}{comments}</item>"
        )


def wxr(posts: list[Post], *, terms: str = "", authors: str = "") -> str:
    """A whole export: channel, authors, terms, then the items."""
    authors = authors or (
        "<wp:author><wp:author_id>1</wp:author_id><wp:author_login>"
        f"{cdata('admin')}</wp:author_login><wp:author_display_name>{cdata('Executive Committee')}"
        "</wp:author_display_name></wp:author>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>'
        f"<title>Old site</title><link>{SITE}</link><description>An old site</description>"
        "<language>fa-IR</language><wp:wxr_version>1.2</wp:wxr_version>"
        f"<wp:base_site_url>{SITE}</wp:base_site_url><wp:base_blog_url>{SITE}</wp:base_blog_url>"
        f"{authors}{terms}\n" + "\n".join(post.xml() for post in posts) + "\n</channel></rss>\n"
    )


def polylang_terms(groups: dict[str, dict[str, int]]) -> str:
    """Polylang's language terms and one post_translations term per group."""
    terms = []
    locales = {"fa": "fa_IR", "en": "en_US", "ckb": "ckb", "de": "de_DE"}
    codes = dict.fromkeys(["fa", "en", *(code for group in groups.values() for code in group)])
    for number, code in enumerate(codes, start=1):
        locale = locales[code]
        description = f'a:2:{{s:6:"locale";s:{len(locale)}:"{locale}";s:3:"rtl";i:0;}}'
        terms.append(
            f"<wp:term><wp:term_id>{number}</wp:term_id>"
            f"<wp:term_taxonomy>{cdata('language')}</wp:term_taxonomy>"
            f"<wp:term_slug>{cdata(code)}</wp:term_slug>"
            f"<wp:term_name>{cdata(code)}</wp:term_name>"
            f"<wp:term_description>{cdata(description)}</wp:term_description></wp:term>"
        )
    for number, (slug, members) in enumerate(groups.items(), start=10):
        inner = "".join(f's:{len(code)}:"{code}";i:{post_id};' for code, post_id in members.items())
        description = f"a:{len(members)}:{{{inner}}}"
        terms.append(
            f"<wp:term><wp:term_id>{number}</wp:term_id>"
            f"<wp:term_taxonomy>{cdata('post_translations')}</wp:term_taxonomy>"
            f"<wp:term_slug>{cdata(slug)}</wp:term_slug><wp:term_name>{cdata(slug)}</wp:term_name>"
            f"<wp:term_description>{cdata(description)}</wp:term_description></wp:term>"
        )
    return "".join(terms)
