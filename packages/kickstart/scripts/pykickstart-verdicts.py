"""Development oracle (not part of CI, not shipped): run pykickstart's parser the way ksvalidator
does (all errors counted, not fatal; includes not followed) over a list of files and print what it
reports, as JSON: {path: {"errors": [{"line", "msg"}], "warnings": [msg]}}.

    python3 scripts/pykickstart-verdicts.py /path/to/pykickstart-checkout jobs.json

jobs.json maps each file path to a version name (RHEL9, F45, ...). Used by corpus.ts --pykickstart=DIR.
"""
import json
import sys
import warnings

sys.path.insert(0, sys.argv[1])

from pykickstart.errors import KickstartParseWarning  # noqa: E402
from pykickstart.parser import KickstartParser  # noqa: E402
from pykickstart.version import makeVersion, versionMap  # noqa: E402


def first_line(e):
    text = str(e).strip().split("\n")
    return (text[-1] if len(text) > 1 else text[0])[:200]


def check(path, version):
    handler = makeVersion(versionMap[version])
    parser = KickstartParser(handler, followIncludes=False, errorsAreFatal=False, missingIncludeIsFatal=False)
    errors = []

    def try_func(fn):
        try:
            fn()
        except Exception as e:  # pykickstart reports these and carries on
            errors.append({"line": getattr(e, "lineno", None), "msg": first_line(e)})

    parser._tryFunc = try_func
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with open(path, encoding="utf-8") as f:
                parser.readKickstartFromString(f.read())
        except Exception as e:  # fatal: unknown section, missing %end, shlex failure...
            errors.append({"line": getattr(e, "lineno", None), "msg": "fatal: " + first_line(e)})
    found = [first_line(w.message) for w in caught if issubclass(w.category, KickstartParseWarning)]
    return {"errors": errors, "warnings": found}


jobs = json.load(open(sys.argv[2]))
json.dump({path: check(path, version) for path, version in jobs.items()}, sys.stdout)
