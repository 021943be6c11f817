"""Completion certificates: numbering and issuing (issue.py), the PDF (pdf.py),
verification links; routes.py is the blueprint (download, view, public verify).

Importing the domain modules does not register the blueprint: the learning
services issue certificates without pulling in the web layer.
"""
