"""Importers: publications, their comments, images and old addresses from other systems.

Files (Markdown, HTML, text: ``run``), a WordPress export (``wordpress``), a Drupal 7
database (``drupal7``), RSS and Atom feeds (``feeds``) and a CSV of old addresses
(``redirects``), all behind ``nashr import``. This app sits above publications, comments
and media: it saves through their services, and none of them knows it.
"""
