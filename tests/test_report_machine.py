"""The machine formats: json and GitHub Actions workflow commands."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from tests.report_samples import PLACEHOLDER, RENAME
from tf_migrate.model import Applicability, FileResult, Finding, Location, RunResult
from tf_migrate.report import render_findings
from tf_migrate.report.docs_links import docs_url

UNSAFE = Finding(
    "TFM201", "minimize", "m", Location(7, 1, 9, 4), Applicability.UNSAFE, "Use a tape"
)

# ::error file=..,line=..,col=..,endLine=..,endColumn=..,title=..::message, with no raw `,`/`:`
# inside a property value and no raw newline anywhere.
GITHUB_LINE = re.compile(
    r"::error file=(?P<file>[^,:\r\n]+),line=(?P<line>\d+),col=(?P<col>\d+),"
    r"endLine=(?P<endLine>\d+),endColumn=(?P<endColumn>\d+),title=(?P<title>[^,:\r\n]+)"
    r"::(?P<message>[^\r\n]*)"
)


def result() -> RunResult:
    return RunResult(
        [
            FileResult("src/train.py", remaining=[UNSAFE, RENAME, PLACEHOLDER]),
            FileResult("a.py", remaining=[PLACEHOLDER]),
        ]
    )


def test_json_is_a_list_of_findings_in_a_stable_order() -> None:
    items = json.loads(render_findings(result(), "json", color=True))
    assert [(i["filename"], i["location"]["row"], i["code"]) for i in items] == [
        ("a.py", 2, "TFM101"),
        ("src/train.py", 2, "TFM101"),
        ("src/train.py", 3, "TFM401"),
        ("src/train.py", 7, "TFM201"),
    ]


def test_json_object_shape() -> None:
    items = json.loads(render_findings(result(), "json", color=False))
    assert items[2] == {
        "filename": "src/train.py",
        "code": "TFM401",
        "rule": "tf1-symbol-name",
        "message": "`tf.log` does not exist in TF2; it is `tf.math.log`",
        "location": {"row": 3, "column": 5},
        "end_location": {"row": 3, "column": 11},
        "fix": {"applicability": "safe", "message": "Rename to `tf.math.log`"},
        "url": docs_url("TFM401"),
        "cell": None,
    }
    page = Path(url2pathname(urlparse(items[2]["url"]).path))
    assert page.is_file() and page.read_text("utf-8").startswith("# TFM401 tf1-symbol-name")
    assert items[0]["fix"] is None
    assert items[3]["fix"] == {"applicability": "unsafe", "message": "Use a tape"}
    assert items[3]["end_location"] == {"row": 9, "column": 4}


def test_json_without_findings_is_an_empty_list_and_never_coloured() -> None:
    assert json.loads(render_findings(RunResult([FileResult("a.py")]), "json", color=True)) == []
    assert "\x1b" not in render_findings(result(), "json", color=True)


def test_json_keeps_special_characters_valid() -> None:
    odd = Finding(
        "TFM000", "parse-error", 'bad "quote"\nand é', Location(1, 1, 1, 1), Applicability.MANUAL
    )
    items = json.loads(
        render_findings(RunResult([FileResult("dir é/x.py", remaining=[odd])]), "json", color=False)
    )
    assert items[0]["message"] == 'bad "quote"\nand é'
    assert items[0]["filename"] == "dir é/x.py"


def test_github_lines_follow_the_workflow_command_format() -> None:
    lines = render_findings(result(), "github", color=True).splitlines()
    assert len(lines) == 4
    matches = [GITHUB_LINE.fullmatch(line) for line in lines]
    assert all(matches), lines
    first = matches[3]
    assert first is not None
    assert first.groupdict() == {
        "file": "src/train.py",
        "line": "7",
        "col": "1",
        "endLine": "9",
        "endColumn": "4",
        "title": "TFM201",
        "message": "TFM201 m",
    }


def test_github_escapes_message_data() -> None:
    finding = Finding(
        "TFM000",
        "parse-error",
        "100% broken\r\nline: 2, col: 3",
        Location(1, 1, 1, 1),
        Applicability.MANUAL,
    )
    text = render_findings(
        RunResult([FileResult("a.py", remaining=[finding])]), "github", color=False
    )
    # In the message only %, CR and LF are escaped; `:` and `,` are literal there.
    assert text == (
        "::error file=a.py,line=1,col=1,endLine=1,endColumn=1,title=TFM000"
        "::TFM000 100%25 broken%0D%0Aline: 2, col: 3\n"
    )


def test_github_escapes_properties() -> None:
    finding = Finding("TFM101", "p", "m", Location(1, 1, 1, 2), Applicability.MANUAL)
    path = "C:\\odd,dir\n100%/x.py"
    text = render_findings(
        RunResult([FileResult(path, remaining=[finding])]), "github", color=False
    )
    assert text.startswith("::error file=C%3A\\odd%2Cdir%0A100%25/x.py,line=1,")
    assert GITHUB_LINE.fullmatch(text.rstrip("\n"))
