"""Test support shared by every app: representative site content, the public pages to
check, and the browser, HTML checker and accessibility checker fixtures (a pytest plugin
loaded by nashr/conftest.py)."""
