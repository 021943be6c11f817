"""Reports and exports: plain functions with explicit arguments, no request machinery.

- ``filters``: which rows a report covers, and the one parser of report
  filters shared by the web views and the command line (``ReportError``);
- ``queries``: the completion list, the figures per course and unit, yearly JP;
- ``exports``: CSV, XLSX and SIASN writers and the certificate ZIP;
- ``chart``: the SVG completion chart per unit.

Settings (time zone, agency name, public address, issuer) come in as arguments.
"""
