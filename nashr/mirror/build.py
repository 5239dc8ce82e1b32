"""`nashr mirror build`: the public site written out as static files.

Pages are the site's own: each is rendered by the view that serves it to readers
(``pages``), in mirror mode (``core.mirror_mode``): templates then replace or redirect
the forms that need the server. A build runs in three parts:

* ``planning``: what must be rendered, from the fingerprints of what pages show
  compared with those of the last build (its manifest): a group of files per
  publication, list, month, feed...; everything after a change of code or settings;
* ``rendering``: the groups' pages, their links rewritten relative to each file, so the
  output works from ``file://``, from any sub-path and from any host;
* ``writing``: each file written only if its bytes differ, by a rename (no reader ever
  sees half a file); then the files no group makes any more are removed and the
  manifest is written.

Crash safety. The build marks itself in progress; one that finds the mark of a killed
build renders everything, compares with the files on disk (the manifest may be older than
they are), and removes what no page needs: the next build completes what the killed one
left.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings

from nashr.core.checks import check_site_url_host_is_allowed
from nashr.mirror.addresses import upload_gone
from nashr.mirror.pages import Pages
from nashr.mirror.planning import plan_build
from nashr.mirror.rendering import PARALLEL_FROM, Renderer
from nashr.mirror.writing import (
    MirrorError,
    Outdir,
    Summary,
    begin_writing,
    locked_state,
    mark_done,
    mark_in_progress,
    read_manifest,
    safe_rel,
    write_manifest,
)

__all__ = ["MirrorError", "Summary", "mirror_build"]


def mirror_build(
    *,
    outdir: Path,
    base_url: str = "",
    forms: str | None = None,
    full: bool = False,
    parallel_from: int | None = PARALLEL_FROM,
) -> Summary:
    """Write the public site into `outdir`, rewriting only what changed since the last build.

    From `parallel_from` publication pages on, a second process renders half of them
    (None: never).
    """
    for problem in check_site_url_host_is_allowed():
        # The task worker runs no system checks: the same words as `nashr check`.
        raise MirrorError(str(problem.msg), where="NASHR_SITE_URL", hint=str(problem.hint or ""))
    chosen = forms or settings.NASHR_MIRROR_FORMS
    if chosen not in {"primary", "note"}:
        raise MirrorError(
            f"unknown form choice {chosen!r}", where="--forms", hint="use 'primary' or 'note'"
        )
    started = time.monotonic()
    with locked_state(outdir) as state:
        summary = update_outdir(
            outdir,
            state,
            forms=chosen,
            base_url=base_url.rstrip("/"),
            force_full=full,
            parallel_from=parallel_from,
        )
    summary.seconds = time.monotonic() - started
    return summary


def update_outdir(
    root: Path,
    state: Path,
    *,
    forms: str,
    base_url: str,
    force_full: bool,
    parallel_from: int | None,
) -> Summary:
    """Plan, render and write the build into `root`, whose `state` folder it holds."""
    interrupted = begin_writing(state)
    manifest = read_manifest(root)
    # A path that is not safely inside OUTDIR is no file of the mirror (a damaged manifest).
    old_files: dict[str, list[str]] = {
        rel: entry for rel, entry in manifest.get("files", {}).items() if safe_rel(rel)
    }
    old_groups = {rel: entry[1] for rel, entry in old_files.items()}
    # After a killed build the manifest may be older than the files: trust none of it.
    trusted_files = {} if interrupted else old_files

    plan = plan_build(
        root=root,
        manifest=manifest,
        interrupted=interrupted,
        force_full=force_full,
        forms=forms,
        base_url=base_url,
    )
    outdir = Outdir(root, trusted={rel: entry[0] for rel, entry in trusted_files.items()})
    mark_in_progress(state)
    pages = Pages(forms=forms, whole_lists=plan.full)
    wanted = [int(group[4:]) for group in plan.groups if group.startswith("pub:")]
    if wanted:
        pages.preload_publications(None if plan.full else wanted)
    renderer = Renderer(
        plan=plan,
        outdir=outdir,
        pages=pages,
        old_groups=old_groups,
        base_url=base_url,
        parallel_from=parallel_from,
    )
    with pages.preloaded():
        renderer.queue_groups()
        renderer.render_all()
    summary = renderer.summary

    # Files no group makes any more go; the others are the manifest's.
    kept_groups = set(old_groups.values()) - plan.groups
    files: dict[str, list[str]] = {}
    for rel, group in old_groups.items():
        if rel in renderer.owner:
            continue
        keep = not upload_gone(rel) and (
            group in kept_groups or rel in plan.keep_files or (group == "static" and not plan.full)
        )
        if keep and not plan.full and rel in trusted_files:
            files[rel] = trusted_files[rel]
        else:
            outdir.remove(rel, summary)
    for rel, group in renderer.owner.items():
        if rel in renderer.hashes:
            files[rel] = [renderer.hashes[rel], group]
    if plan.full:
        for rel in list(outdir.files_on_disk()):
            if rel not in files:
                outdir.remove(rel, summary)
    write_manifest(root, {**plan.manifest(), "files": dict(sorted(files.items()))})
    mark_done(state)
    return summary
