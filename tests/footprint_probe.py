"""Run in a fresh process by test_footprint.py: import the app as gunicorn does
(``wsgi:app``), sign in and serve pages, then print what got imported and the
resident memory, as JSON. Settings come from the environment (ELEARN_*)."""

from __future__ import annotations

import json
import os
import re
import sys


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    import wsgi

    after_import = sorted({name.split(".")[0] for name in sys.modules})
    client = wsgi.app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    identifier, password, *paths = sys.argv[1:]
    signed_in = client.post("/login", data={"identifier": identifier, "password": password,
                                            "csrf_token": token})
    codes = [signed_in.status_code]
    for _ in range(20):
        for path in paths:
            codes.append(client.get(path, headers={"Accept-Encoding": "gzip, br"}).status_code)
    print(json.dumps({
        "after_import": after_import,
        "after_pages": sorted({name.split(".")[0] for name in sys.modules}),
        "codes": codes,
        "resident_mb": round(resident_mb(), 1),
    }))


if __name__ == "__main__":
    main()
