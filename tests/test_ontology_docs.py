"""``hmic-graph docs``: the ontology's HTML reference page."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("jinja2", reason="the docs extra (jinja2) is not installed")

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from hmic_graph.model.namespaces import HMIC
from hmic_graph.rdf.ontology import ontology_graph
from hmic_graph.serve.ontology_docs import ontology_html, ontology_model

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Checker(HTMLParser):
    """Parses a page and records what a well-formed page must get right."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.anchors: list[str] = []
        self.tags: list[str] = []
        self.title = ""
        self.text: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"] or "")
        if tag == "a" and (values.get("href") or "").startswith("#"):
            self.anchors.append((values["href"] or "")[1:])
        if tag == "title":
            self._in_title = True
        if tag not in VOID_ELEMENTS:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        self.text.append(data)


def check(page: str) -> _Checker:
    checker = _Checker()
    checker.feed(page)
    checker.close()
    return checker


@pytest.fixture(scope="module")
def page() -> str:
    return ontology_html()


def hmic_labels(kind: URIRef) -> list[str]:
    graph = ontology_graph()
    labels = []
    for term in graph.subjects(RDF.type, kind):
        if isinstance(term, URIRef) and str(term).startswith(str(HMIC)):
            label = graph.value(term, RDFS.label)
            assert isinstance(label, Literal), term
            labels.append(str(label))
    return sorted(labels)


def test_page_is_well_formed_with_a_title(page: str) -> None:
    checker = check(page)
    assert page.startswith("<!doctype html>")
    assert checker.title.strip() == "hmic-graph ontology"
    assert checker.errors == []
    assert checker.stack == [], f"unclosed elements: {checker.stack}"
    assert len(checker.ids) == len(set(checker.ids)), "duplicate ids"
    missing = sorted(set(checker.anchors) - set(checker.ids))
    assert missing == [], f"links to anchors that do not exist: {missing}"


def test_page_has_every_hmic_class_and_property_label(page: str) -> None:
    text = " ".join(check(page).text)
    classes = hmic_labels(OWL.Class)
    assert len(classes) >= 10
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for label in hmic_labels(kind):
            assert label in text, label


def test_page_has_the_concept_schemes_and_their_concepts(page: str) -> None:
    graph = ontology_graph()
    text = " ".join(check(page).text)
    for scheme in graph.subjects(RDF.type, SKOS.ConceptScheme):
        assert str(graph.value(scheme, RDFS.label)) in text
    for concept in graph.subjects(SKOS.inScheme, None):
        assert str(graph.value(concept, SKOS.prefLabel)) in text


def test_page_needs_nothing_from_the_network(page: str) -> None:
    checker = check(page)
    assert "script" not in checker.tags
    assert "src=" not in page
    assert 'rel="stylesheet"' not in page


def test_model_records_hierarchy_and_domains() -> None:
    doc = ontology_model()
    by_curie = {t.curie: t for t in [*doc.classes, *doc.object_properties, *doc.datatype_properties]}
    assert [p.text for p in by_curie["hmic:PoliceForce"].parents][:1] == ["hmic:InspectedBody"]
    assert any(r.href == "#PoliceForce" for r in by_curie["hmic:InspectedBody"].children)
    about = by_curie["hmic:about"]
    assert [r.text for r in about.domain] == ["hmic:PressRelease"]
    assert [r.text for r in about.range] == ["org:Organization"]


def _cli(args: list[str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys, hmic_graph.cli.main as cli\n"
        "if 'hmic_graph.cli.docs' not in cli.COMMAND_MODULES:\n"
        "    cli.COMMAND_MODULES = (*cli.COMMAND_MODULES, 'hmic_graph.cli.docs')\n"
        "sys.exit(cli.main(sys.argv[1:]))\n"
    )
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)


def test_docs_command_writes_the_page(tmp_path: Path, page: str) -> None:
    out = tmp_path / "ontology.html"
    done = _cli(["docs", "-o", str(out)])
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8") == page
    assert [p.name for p in tmp_path.iterdir()] == ["ontology.html"], "no temporary files left behind"
    to_stdout = _cli(["docs"])
    assert to_stdout.returncode == 0 and to_stdout.stdout == page


def test_docs_command_creates_missing_folders(tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "folder" / "x.html"
    done = _cli(["docs", "-o", str(out)])
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").startswith("<!")


def test_docs_command_reports_an_unwritable_path(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    done = _cli(["docs", "-o", str(tmp_path / "a-file" / "x.html")])
    assert done.returncode == 2
    assert "cannot write file" in done.stderr and "Traceback" not in done.stderr
