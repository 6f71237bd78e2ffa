"""SARIF 2.1.0 output, checked against the parts of the 2.1.0 schema that this log uses.

The schema closes every object (`additionalProperties: false`), so a misspelt key voids the log
for GitHub code scanning; the checks below list, per object, the keys the schema allows and
requires.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest

import tf_migrate
from tf_migrate.model import Applicability, FileResult, Finding, Location, RunResult
from tf_migrate.report import explain_rule, render_findings
from tf_migrate.rules.registry import all_rules, rule_by_code

# From sarif-schema-2.1.0.json (definitions), restricted to the keys checked here.
ALLOWED = {
    "log": {"$schema", "version", "runs", "inlineExternalProperties", "properties"},
    "run": {
        "tool",
        "invocations",
        "conversion",
        "language",
        "versionControlProvenance",
        "originalUriBaseIds",
        "artifacts",
        "logicalLocations",
        "graphs",
        "results",
        "automationDetails",
        "runAggregates",
        "baselineGuid",
        "redactionTokens",
        "defaultEncoding",
        "defaultSourceLanguage",
        "newlineSequences",
        "columnKind",
        "externalPropertyFileReferences",
        "threadFlowLocations",
        "taxonomies",
        "addresses",
        "translations",
        "policies",
        "webRequests",
        "webResponses",
        "specialLocations",
        "properties",
    },
    "tool": {"driver", "extensions", "properties"},
    "toolComponent": {
        "guid",
        "name",
        "organization",
        "product",
        "productSuite",
        "shortDescription",
        "fullDescription",
        "fullName",
        "version",
        "semanticVersion",
        "dottedQuadFileVersion",
        "releaseDateUtc",
        "downloadUri",
        "informationUri",
        "globalMessageStrings",
        "notifications",
        "rules",
        "taxa",
        "locations",
        "language",
        "contents",
        "isComprehensive",
        "localizedDataSemanticVersion",
        "minimumRequiredLocalizedDataSemanticVersion",
        "associatedComponent",
        "translationMetadata",
        "supportedTaxonomies",
        "properties",
    },
    "reportingDescriptor": {
        "id",
        "deprecatedIds",
        "guid",
        "deprecatedGuids",
        "name",
        "deprecatedNames",
        "shortDescription",
        "fullDescription",
        "messageStrings",
        "defaultConfiguration",
        "helpUri",
        "help",
        "relationships",
        "properties",
    },
    "multiformatMessageString": {"text", "markdown", "properties"},
    "reportingConfiguration": {"enabled", "level", "rank", "parameters", "properties"},
    "result": {
        "ruleId",
        "ruleIndex",
        "rule",
        "kind",
        "level",
        "message",
        "analysisTarget",
        "locations",
        "guid",
        "correlationGuid",
        "occurrenceCount",
        "partialFingerprints",
        "fingerprints",
        "stacks",
        "codeFlows",
        "graphs",
        "graphTraversals",
        "relatedLocations",
        "suppressions",
        "baselineState",
        "rank",
        "attachments",
        "hostedViewerUri",
        "workItemUris",
        "provenance",
        "fixes",
        "taxa",
        "webRequest",
        "webResponse",
        "properties",
    },
    "message": {"text", "markdown", "id", "arguments", "properties"},
    "location": {
        "id",
        "physicalLocation",
        "logicalLocations",
        "message",
        "annotations",
        "relationships",
        "properties",
    },
    "physicalLocation": {"address", "artifactLocation", "region", "contextRegion", "properties"},
    "artifactLocation": {"uri", "uriBaseId", "index", "description", "properties"},
    "region": {
        "startLine",
        "startColumn",
        "endLine",
        "endColumn",
        "charOffset",
        "charLength",
        "byteOffset",
        "byteLength",
        "snippet",
        "message",
        "sourceLanguage",
        "properties",
    },
}
LEVELS = {"none", "note", "warning", "error"}


def closed(obj: Any, kind: str, required: Iterable[str] = ()) -> dict[str, Any]:
    assert isinstance(obj, dict), (kind, obj)
    assert set(obj) <= ALLOWED[kind], (kind, set(obj) - ALLOWED[kind])
    missing = set(required) - set(obj)
    assert not missing, (kind, missing)
    return obj


def text_message(obj: Any, kind: str = "multiformatMessageString") -> None:
    closed(obj, kind, {"text"})
    assert isinstance(obj["text"], str) and obj["text"]


def property_bag(obj: Any) -> None:
    assert isinstance(obj, dict)
    tags = obj.get("tags", [])
    assert all(isinstance(t, str) for t in tags) and len(set(tags)) == len(tags)


def check_sarif(log: Any) -> None:
    """The key requirements of the SARIF 2.1.0 schema for the objects tf-migrate writes."""
    closed(log, "log", {"version", "runs"})
    assert log["version"] == "2.1.0"
    assert log["$schema"].startswith("https://") and "sarif-2.1.0" in log["$schema"]
    assert isinstance(log["runs"], list)
    for run in log["runs"]:
        closed(run, "run", {"tool"})
        assert run.get("columnKind", "utf16CodeUnits") in {"utf16CodeUnits", "unicodeCodePoints"}
        driver = closed(
            closed(run["tool"], "tool", {"driver"})["driver"], "toolComponent", {"name"}
        )
        rules = driver.get("rules", [])
        for rule in rules:
            closed(rule, "reportingDescriptor", {"id"})
            for key in ("shortDescription", "fullDescription", "help"):
                if key in rule:
                    text_message(rule[key])
            if "defaultConfiguration" in rule:
                config = closed(rule["defaultConfiguration"], "reportingConfiguration")
                assert config.get("level", "warning") in LEVELS
            property_bag(rule.get("properties", {}))
        for result in run.get("results", []):
            closed(result, "result", {"message"})
            text_message(result["message"], "message")
            assert result.get("level", "warning") in LEVELS
            if "ruleIndex" in result:
                assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
            for location in result.get("locations", []):
                physical = closed(
                    closed(location, "location")["physicalLocation"], "physicalLocation"
                )
                artifact = closed(physical["artifactLocation"], "artifactLocation")
                assert isinstance(artifact["uri"], str) and " " not in artifact["uri"]
                region = closed(physical["region"], "region")
                assert all(isinstance(v, int) and v >= 1 for v in region.values())
                assert (region["endLine"], region["endColumn"]) >= (
                    region["startLine"],
                    region["startColumn"],
                )
            property_bag(result.get("properties", {}))


def sample() -> RunResult:
    return RunResult(
        [
            FileResult(
                "src/my model.py",
                remaining=[
                    Finding(
                        "TFM401",
                        "tf1-symbol-name",
                        "`tf.log` is `tf.math.log`",
                        Location(3, 5, 3, 11),
                        Applicability.SAFE,
                        "Rename",
                    ),
                    Finding(
                        "TFM101",
                        "placeholder",
                        "placeholder",
                        Location(2, 5, 4, 1),
                        Applicability.MANUAL,
                    ),
                ],
            ),
            FileResult(
                "/abs/broken.py",
                remaining=[
                    Finding(
                        "TFM000",
                        "parse-error",
                        "cannot parse",
                        Location(1, 1, 1, 1),
                        Applicability.MANUAL,
                    )
                ],
                error="cannot parse",
            ),
        ]
    )


def test_sarif_is_valid_with_and_without_results() -> None:
    check_sarif(json.loads(render_findings(sample(), "sarif", color=True)))
    empty = json.loads(render_findings(RunResult(), "sarif", color=True))
    check_sarif(empty)
    assert empty["runs"][0]["results"] == []


def test_sarif_describes_every_rule_of_the_registry() -> None:
    driver = json.loads(render_findings(RunResult(), "sarif", color=False))["runs"][0]["tool"][
        "driver"
    ]
    assert driver["name"] == "tf-migrate"
    assert driver["version"] == tf_migrate.__version__
    assert [r["id"] for r in driver["rules"]] == [rule.code for rule in all_rules()]
    by_id = {r["id"]: r for r in driver["rules"]}
    rename = by_id["TFM401"]
    assert rename["name"] == "tf1-symbol-name"
    assert rename["shortDescription"]["text"].startswith("Renames a TensorFlow 1.x symbol")
    assert "## Fix safety" in rename["help"]["markdown"]
    assert rename["properties"]["fix"] == ["safe"]
    assert by_id["TFM101"]["properties"]["fix"] == ["manual"]
    assert by_id["TFM150"]["properties"]["fix"] == ["safe", "unsafe", "manual"]


def test_sarif_rule_help_is_the_rule_page_and_its_uri_opens_it() -> None:
    driver = json.loads(render_findings(RunResult(), "sarif", color=False))["runs"][0]["tool"][
        "driver"
    ]
    for descriptor in driver["rules"]:
        code = descriptor["id"]
        help_text = descriptor["help"]["text"]
        assert help_text.startswith(f"`tf-migrate explain {code}` prints this page.")
        assert explain_rule(rule_by_code(code)) in help_text
        page = Path(url2pathname(urlparse(descriptor["helpUri"]).path))
        assert page.name == f"{code}.md" and page.is_file()
        assert page.read_text("utf-8") == explain_rule(rule_by_code(code))


def test_sarif_results_point_at_their_rule_and_location() -> None:
    run = json.loads(render_findings(sample(), "sarif", color=False))["runs"][0]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["TFM000", "TFM101", "TFM401"]
    rename = results[2]
    assert run["tool"]["driver"]["rules"][rename["ruleIndex"]]["id"] == "TFM401"
    assert rename["level"] == "error"
    assert rename["message"]["text"] == "`tf.log` is `tf.math.log`"
    physical = rename["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "src/my%20model.py"
    assert physical["region"] == {"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 11}
    assert (
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "file:///abs/broken.py"
    )


def test_sarif_never_writes_a_region_that_ends_before_it_starts() -> None:
    backwards = Finding("TFM101", "placeholder", "m", Location(5, 9, 5, 3), Applicability.MANUAL)
    log = json.loads(
        render_findings(
            RunResult([FileResult("a.py", remaining=[backwards])]), "sarif", color=False
        )
    )
    check_sarif(log)
    region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 5, "startColumn": 9, "endLine": 5, "endColumn": 9}


def test_the_check_rejects_what_the_schema_rejects() -> None:
    log = json.loads(render_findings(sample(), "sarif", color=False))
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["column"] = 1
    with pytest.raises(AssertionError):
        check_sarif(log)
    del log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["column"]
    del log["runs"][0]["results"][0]["message"]
    with pytest.raises(AssertionError):
        check_sarif(log)
