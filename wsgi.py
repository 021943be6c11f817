"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi ...``."""

import gc

from elearn import create_app

app = create_app()

# Everything built so far (modules, routes, templates' environment) lives as long
# as the process: moved out of the garbage collector's generations, it is no longer
# scanned, and the objects a request leaves in reference cycles (template contexts
# and what they hold) count against a small heap, so full collections free them
# soon instead of letting a worker's memory creep up between rare collections.
gc.freeze()
