"""`nashr mirror push` uploads to S3 (moto's server) only what changed, typed and cached."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.management import call_command

from nashr.core.actors import COMMAND
from nashr.mirror.push import mirror_push
from nashr.mirror.tests.conftest import BuildMirror, files_in
from nashr.publications import services
from nashr.testing.pages import SiteContent

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3(moto_s3: str) -> Any:
    """A client of moto's server, with the bucket "mirror" made."""
    client = boto3.client("s3", endpoint_url=moto_s3)
    client.create_bucket(Bucket="mirror")
    return client


def test_second_push_uploads_only_changed_files(
    mirror_content: SiteContent, build_mirror: BuildMirror, outdir: Path, s3: Any
) -> None:
    """The first push uploads everything; after an edit, only the rewritten files go up."""
    build_mirror()
    first = mirror_push(outdir=outdir, target="s3://mirror/site")
    assert len(first.uploaded) == len(files_in(outdir))
    page = s3.get_object(Bucket="mirror", Key="site/fa/index.html")
    assert page["ContentType"] == "text/html; charset=utf-8"
    assert page["CacheControl"] == "public, max-age=300"
    assert page["Body"].read() == (outdir / "fa/index.html").read_bytes()
    font = s3.head_object(
        Bucket="mirror", Key="site/static/vazirmatn/webfonts/Vazirmatn[wght].woff2"
    )
    assert (font["ContentType"], font["CacheControl"]) == ("font/woff2", "public, max-age=86400")

    services.publication_update(
        actor=COMMAND, publication=mirror_content["article_fa"], title="عنوان تازه"
    )
    rebuilt = build_mirror()
    second = mirror_push(outdir=outdir, target="s3://mirror/site")
    assert set(second.uploaded) == set(rebuilt.written)
    assert second.deleted == []
    assert second.unchanged == len(files_in(outdir)) - len(rebuilt.written)


def test_unpublished_pages_are_deleted_from_the_bucket(
    mirror_content: SiteContent, build_mirror: BuildMirror, outdir: Path, s3: Any
) -> None:
    """A file gone from OUTDIR is deleted from the bucket by the next push."""
    build_mirror()
    call_command("mirror", "push", str(outdir), "s3://mirror")
    services.publication_unpublish(actor=COMMAND, publication=mirror_content["statement_fa"])
    build_mirror()
    pushed = mirror_push(outdir=outdir, target="s3://mirror")
    assert "node/10158/index.html" in pushed.deleted
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket="mirror")["Contents"]}
    assert "node/10158/index.html" not in keys
