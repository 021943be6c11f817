"""Reports and exports: plain functions with explicit arguments, no request machinery.

- ``filters``: which rows a report covers, and the one parser of report
  filters shared by the web views and the command line (``ReportError``);
- ``queries``: the completion list, the figures per course and unit, yearly JP;
- ``exports``: CSV, XLSX and SIASN writers and the certificate ZIP;
- ``evaluation_report``: participation, completion, pre/post gain and evaluation
  ratings per course and unit for a year or quarter, and its export rows;
- ``chart``: the SVG bar charts (completion per unit, mean rating per course).

Settings (time zone, agency name, public address, issuer) come in as arguments.
"""
