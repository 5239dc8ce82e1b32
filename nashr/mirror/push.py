"""`nashr mirror push OUTDIR s3://bucket/prefix`: the mirror copied to S3-compatible storage.

Cloud storage is the mirror readers in a censored country can reach ("collateral
freedom": blocking it blocks everything else hosted there). Only files whose bytes
changed are uploaded: the bucket's copy of the build manifest (``.nashr-mirror.json``
under the prefix) says what it holds; files gone from OUTDIR are deleted from it. The
manifest is uploaded last, so a push cut off half-way is completed by the next one.

Content types come from the file names; pages, feeds and the search index may change at
any build and are kept briefly by caches, static files and PDFs for a day.
"""

from __future__ import annotations

import json
import mimetypes
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from nashr.mirror.writing import MANIFEST, STATE_DIR, MirrorError, read_manifest

REMOTE_MANIFEST = ".nashr-mirror.json"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".pdf": "application/pdf",
    ".json": "application/json",
}
SHORT_CACHE = "public, max-age=300"
LONG_CACHE = "public, max-age=86400"


@dataclass
class PushSummary:
    uploaded: list[str] = field(default_factory=list)
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "uploaded": len(self.uploaded),
            "unchanged": self.unchanged,
            "deleted": len(self.deleted),
        }


def content_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def cache_control(name: str) -> str:
    if name.startswith("static/") or name.endswith(".pdf"):
        return LONG_CACHE
    return SHORT_CACHE


def parse_target(target: str) -> tuple[str, str]:
    parts = urlsplit(target)
    if parts.scheme != "s3" or not parts.netloc:
        raise MirrorError(
            f"{target!r} is not an S3 address", where="target", hint="write s3://bucket/prefix"
        )
    prefix = parts.path.strip("/")
    return parts.netloc, f"{prefix}/" if prefix else ""


def s3_client() -> Any:
    """A client for AWS or, with AWS_ENDPOINT_URL set, any S3-compatible storage."""
    return boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None)


def mirror_push(*, outdir: Path, target: str, client: Any = None) -> PushSummary:
    """Upload what changed in `outdir` since the last push to `target`; delete what went."""
    bucket, prefix = parse_target(target)
    manifest = read_manifest(outdir)
    if not manifest or (outdir / STATE_DIR / "in-progress").exists():
        raise MirrorError(
            "no finished build in this folder",
            where=str(outdir / STATE_DIR / MANIFEST),
            hint="run `nashr mirror build OUTDIR` first, and let it finish",
        )
    files: dict[str, str] = {rel: entry[0] for rel, entry in manifest["files"].items()}
    s3 = client or s3_client()
    summary = PushSummary()
    try:
        try:
            body = s3.get_object(Bucket=bucket, Key=prefix + REMOTE_MANIFEST)["Body"].read()
            remote: dict[str, str] = json.loads(body)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in {"NoSuchKey", "404"}:
                raise
            remote = {}
        for rel, digest in sorted(files.items()):
            if remote.get(rel) == digest:
                summary.unchanged += 1
                continue
            s3.put_object(
                Bucket=bucket,
                Key=prefix + rel,
                Body=(outdir / rel).read_bytes(),
                ContentType=content_type(rel),
                CacheControl=cache_control(rel),
            )
            summary.uploaded.append(rel)
        for rel in sorted(set(remote) - set(files)):
            s3.delete_object(Bucket=bucket, Key=prefix + rel)
            summary.deleted.append(rel)
        s3.put_object(
            Bucket=bucket,
            Key=prefix + REMOTE_MANIFEST,
            Body=json.dumps(files, sort_keys=True).encode(),
            ContentType="application/json",
            CacheControl="no-store",
        )
    except (BotoCoreError, ClientError) as exc:
        raise MirrorError(
            f"the storage refused the upload: {exc}",
            where=target,
            hint="check the bucket's name, the credentials (AWS_ACCESS_KEY_ID, "
            "AWS_SECRET_ACCESS_KEY) and AWS_ENDPOINT_URL for storage other than AWS",
        ) from exc
    return summary
