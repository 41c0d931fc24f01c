"""Development oracle (not part of CI, not shipped): what pykickstart's handler holds after reading
each of a list of kickstarts' %packages sections. Reads a JSON list of texts, prints JSON.

    python3 scripts/pykickstart-packages.py /path/to/pykickstart-checkout texts.json
"""
import json
import sys
import warnings

sys.path.insert(0, sys.argv[1])

from pykickstart.parser import KickstartParser  # noqa: E402
from pykickstart.version import makeVersion, versionMap  # noqa: E402

LEVELS = {0: "nodefaults", 1: "default", 2: "optional"}
out = []
for text in json.load(open(sys.argv[2])):
    handler = makeVersion(versionMap["RHEL9"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            KickstartParser(handler).readKickstartFromString(text)
        except Exception as e:  # reported as an error verdict
            out.append({"error": str(e).strip().split("\n")[-1][:160]})
            continue
    p = handler.packages
    out.append({
        "env": p.environment,
        "groups": sorted("%s|%s" % (g.name, LEVELS.get(g.include, g.include)) for g in p.groupList),
        "pkgs": sorted(p.packageList),
        "xpkgs": sorted(p.excludedList),
        "xgroups": sorted(g.name for g in p.excludedGroupList),
    })
json.dump(out, sys.stdout)
