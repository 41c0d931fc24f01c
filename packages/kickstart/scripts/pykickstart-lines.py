"""Development oracle (not part of CI, not shipped): does pykickstart reject each of a list of
one-line kickstarts? Reads [{"text", "version"}] JSON, prints [[rejected, message]] JSON.

    python3 scripts/pykickstart-lines.py /path/to/pykickstart-checkout jobs.json
"""
import json
import sys
import warnings

sys.path.insert(0, sys.argv[1])

from pykickstart.parser import KickstartParser  # noqa: E402
from pykickstart.version import makeVersion, versionMap  # noqa: E402

out = []
for job in json.load(open(sys.argv[2])):
    parser = KickstartParser(makeVersion(versionMap[job["version"]]), followIncludes=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parser.readKickstartFromString(job["text"])
            out.append([False, ""])
        except Exception as e:  # the first error of the line, as ksvalidator -e would show
            out.append([True, str(e).strip().split("\n")[-1][:160]])
json.dump(out, sys.stdout)
