"""aiosmtpd's `Controller`, imported around a clash of names.

aiosmtpd imports `public`, the atpublic package, by a name this project's own app
`public/` takes first on the path. The import below puts atpublic's package in that
name's place for the moment aiosmtpd is imported, then gives the name back to the app.
"""

import importlib.util
import sys
from importlib.metadata import distribution
from pathlib import Path


def _controller_class():
    ours = sys.modules.get("public")
    init = Path(distribution("atpublic").locate_file("public/__init__.py"))
    spec = importlib.util.spec_from_file_location(
        "public", init, submodule_search_locations=[str(init.parent)]
    )
    atpublic = importlib.util.module_from_spec(spec)
    sys.modules["public"] = atpublic
    try:
        spec.loader.exec_module(atpublic)
        from aiosmtpd.controller import Controller
    finally:
        if ours is None:
            del sys.modules["public"]
        else:
            sys.modules["public"] = ours
    return Controller


Controller = _controller_class()
