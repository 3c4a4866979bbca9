"""The words of a request for signature, one JSON file per language (``en.json`` is the
reference; every other file has its keys). Read by ``cooperation/render.py``."""
