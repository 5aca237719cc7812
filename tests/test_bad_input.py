"""Bad input loses nothing: every file gives a conforming graph or a clear error.

Each case is tried twice: through the API (:func:`hmic_graph.ingest.releases.load_release`
on the file) and through the command line (``python -m hmic_graph build FILE
-o OUT``). A case either gives a graph that conforms to the shapes, or an
:class:`~hmic_graph.model.errors.HmicGraphError` whose message names the file and
the problem; on the command line an error is exit status 2, no traceback, and
no output file (an existing one is left as it was).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from hmic_graph import validate
from hmic_graph.cli.main import EXIT_ERROR, EXIT_OK, main
from hmic_graph.extract.sources import MAX_RELEASE_BYTES, DecodingWarning, read_source
from hmic_graph.ingest.releases import load_release
from hmic_graph.model.errors import HmicGraphError, ReleaseUnreadable
from hmic_graph.model.namespaces import DEFAULT_BASE, HMIC, OA, SCHEMA

RELEASES = Path(__file__).parent / "releases"
FORCE = DEFAULT_BASE + "force/"

# --------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------

KENT_NO_QUOTES = """Kent Police praised for its work with victims

Her Majesty's Inspectorate of Constabulary (HMIC) found that Kent Police works well with
councils and schools. However, the force needs to improve how it records crime.

The full report for Kent Police can be found at www.hmic.gov.uk
"""

KENT_UNATTRIBUTED_QUOTE = """Kent Police praised for its work with victims

Kent Police works well with councils and schools.

“Victims in Kent now get a better service than they did two years ago.”

The full report for Kent Police can be found at www.hmic.gov.uk
"""

# Marks that open and never close, close without opening, and straight
# quotes in odd numbers: none may leave a quotation mark at either end of a
# quote's text, or a quote that is not a slice of the release.
KENT_UNBALANCED = """Kent Police praised for its work with victims

HM Inspector of Constabulary Amelia Hartwell said:

“Kent Police has shown real commitment to victims. But there is more to do.

“The force must now improve how it records crime,” she said. ”Stray closing mark.

"Straight quotes that never close, and one more " in the middle.

Kent Police said the report was “fair. The force will act on it.

‘Single marks that open ‘ twice and close ’ once.

“ ”

"

“Ends with an opening mark instead of a closing one.“
"""

GOTHAM = """Gotham City Police praised by inspectors

Inspectors found that Gotham City Police works well with councils. Metropolis Police
Service and the Gotham Constabulary also improved. Springfield Police Department did not.

Commissioner James Gordon, Gotham City Police, said:

“We are proud of our officers.”
"""

# A text that is not a press release. Traps: "force", "inspect", "strong",
# "good", "improve", a quotation "said" by someone who is not a named person,
# and a telephone number that belongs to no known organisation.
RECIPE = """Lemon drizzle cake

Makes one loaf. A good, strong lemon flavour that will improve overnight.

Ingredients
• 225g softened butter
• 225g caster sugar
• 4 eggs

Method
1. Heat the oven to 180C. Do not force the mixture into the tin.
2. Inspect the cake after 40 minutes; it needs to improve in colour.

Grandma said:

“Always bake it the day before.”

Call the bakery on 0203 513 0600 between 9am and 5pm, Monday to Friday.
"""

HTML_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Kent Police praised | HMIC</title>
<link rel="canonical" href="https://www.justiceinspectorates.gov.uk/hmic/news/kent-police/">
<script>var s = "Gotham City Police said: “We are the best.”"; window.dataLayer = [];</script>
<style>p { color: red; }</style>
</head>
<body>
<header><a href="#main">Skip to content</a>
<nav><ul><li>Home</li><li>Cumbria Constabulary news</li></ul></nav></header>
<main id="main"><article>
<h1>Kent Police praised for its work with victims</h1>
<p>Her Majesty&rsquo;s Inspectorate of Constabulary (HMIC) found that Kent Police
works well with councils and victims&rsquo; groups.</p>
<p>HM Inspector of Constabulary Amelia Hartwell said:</p>
<p>&ldquo;Kent Police has shown real commitment to victims, and it has saved &pound;2m.&rdquo;</p>
<script>trackQuote("Dorset Police said: “fake quote”");</script>
</article></main>
<aside>Related: Durham Constabulary inspection</aside>
<footer>&copy; Crown copyright. Lancashire Constabulary.</footer>
</body>
</html>
"""

# Valid Windows-1252 that is not valid UTF-8: smart quotes (0x93, 0x94), a
# pound sign (0xA3), an en dash (0x96) and an apostrophe (0x92).
CP1252_TEXT = (
    "Kent Police praised\n\n"
    "HM Inspector of Constabulary Amelia Hartwell said:\n\n"
    "\u201cKent Police saved \u00a32m \u2013 that\u2019s good.\u201d\n"
)
CP1252_BYTES = CP1252_TEXT.encode("cp1252")

# Bytes that are valid in neither: 0x81 is undefined in Python's cp1252 and
# a stray continuation byte in UTF-8. On line 3.
NEITHER_BYTES = b"Kent Police praised\n\nKent Police \x81\x8d\x8f\x90\x9d works well.\n"

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
)


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def run_cli(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hmic_graph", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def conforms(graph: Graph) -> None:
    report = validate(graph)
    assert report.conforms, report.to_text()


def body_of(graph: Graph) -> str:
    (release,) = graph.subjects(RDF.type, HMIC.PressRelease)
    return str(graph.value(release, SCHEMA.articleBody))


def forces(graph: Graph) -> set[str]:
    return {str(s) for s in graph.subjects(RDF.type, HMIC.PoliceForce)}


def quotes(graph: Graph) -> dict[str, list[URIRef]]:
    """Quote text -> its speakers."""
    return {
        str(graph.value(q, SCHEMA.text)): sorted(graph.objects(q, SCHEMA.spokenByCharacter))
        for q in graph.subjects(RDF.type, HMIC.Quote)
    }


def assert_quotes_are_slices(graph: Graph) -> None:
    """Every quote is exactly the characters its evidence points at."""
    body = body_of(graph)
    for quote in graph.subjects(RDF.type, HMIC.Quote):
        selector = graph.value(quote, HMIC.evidence)
        start, end = int(graph.value(selector, OA.start)), int(graph.value(selector, OA.end))
        assert str(graph.value(quote, SCHEMA.text)) == body[start:end]


def outputs(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


# --------------------------------------------------------------------------
# The cases: each writes its input under tmp_path and says what to expect
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    make: Callable[[Path], Path]
    #: words the error message must contain (besides the path); None: a graph is expected
    error: tuple[str, ...] | None = None
    #: checks on the graph, when one is expected
    check: Callable[[Graph], None] | None = None
    #: a DecodingWarning is expected
    warns: bool = False
    #: a text that is no inspection release, loaded anyway (refused otherwise:
    #: tests/test_corpus_metadata.py and tests/test_cli_research.py)
    unrelated: bool = False


def _file(name: str, data: bytes | str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        return path

    return make


def _fifo(tmp: Path) -> Path:
    """A named pipe no one writes to: opening it for reading the usual way waits forever.

    Should a reader ever block on it again, a writer comes after 30 s and
    leaves at once, so the test fails (an "empty" release) instead of hanging.
    """
    path = tmp / "pipe.txt"
    os.mkfifo(path)

    def rescue() -> None:
        time.sleep(30)
        with contextlib.suppress(OSError):  # no reader waiting: nothing to rescue
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))

    threading.Thread(target=rescue, daemon=True).start()
    return path


def _huge(tmp: Path) -> Path:
    path = tmp / "huge.txt"
    with path.open("wb") as handle:
        handle.write(b"Kent Police praised\n\nKent Police works well with councils.\n")
        handle.truncate(50 * 1024 * 1024)  # sparse: quick to make, 50 MB to read
    return path


def _directory(tmp: Path) -> Path:
    path = tmp / "a-folder.txt"
    path.mkdir()
    return path


def _missing(tmp: Path) -> Path:
    return tmp / "no-such-release.txt"


def _check_cp1252(graph: Graph) -> None:
    assert body_of(graph) == CP1252_TEXT
    assert "Kent Police saved £2m – that’s good." in quotes(graph)


def _check_html(graph: Graph) -> None:
    body = body_of(graph)
    assert body.startswith("Kent Police praised for its work with victims\n")
    assert "Her Majesty’s Inspectorate of Constabulary (HMIC) found that Kent Police" in body
    assert "“Kent Police has shown real commitment to victims, and it has saved £2m.”" in body
    for furniture in ("Skip to content", "Home", "Crown copyright", "Related", "color: red"):
        assert furniture not in body
    for script in ("dataLayer", "trackQuote", "Gotham", "fake quote", "Dorset"):
        assert script not in body
    assert "<" not in body and "&ldquo;" not in body
    # Only the force of the main text; none from the menu, sidebar, footer or scripts.
    assert forces(graph) == {FORCE + "kent-police"}
    (release,) = graph.subjects(RDF.type, HMIC.PressRelease)
    assert str(graph.value(release, SCHEMA.url)) == (
        "https://www.justiceinspectorates.gov.uk/hmic/news/kent-police/"
    )
    found = quotes(graph)
    text = "Kent Police has shown real commitment to victims, and it has saved £2m."
    assert [str(p).rsplit("/", 1)[-1] for p in found[text]] == ["amelia-hartwell"]
    assert len(found) == 1


def _check_recipe(graph: Graph) -> None:
    """Never invent: a recipe names no force, no speaker, no finding, no inspectorate."""
    assert not list(graph.objects(None, HMIC.about))
    assert not forces(graph)
    assert not list(graph.subjects(RDF.type, HMIC.Finding))
    assert not list(graph.subjects(RDF.type, HMIC.Inspection))
    assert not list(graph.subjects(RDF.type, HMIC.Inspectorate))
    assert not list(graph.subjects(RDF.type, SCHEMA.Person))
    assert not list(graph.subjects(RDF.type, HMIC.ContactPoint))
    assert all(not speakers for speakers in quotes(graph).values())


def _check_no_quotes(graph: Graph) -> None:
    assert not quotes(graph)
    assert list(graph.objects(None, HMIC.about)) == [URIRef(FORCE + "kent-police")]


def _check_unattributed(graph: Graph) -> None:
    assert quotes(graph) == {
        "Victims in Kent now get a better service than they did two years ago.": []
    }
    assert not list(graph.subjects(RDF.type, SCHEMA.Person))
    assert_quotes_are_slices(graph)


def _check_unbalanced(graph: Graph) -> None:
    found = quotes(graph)
    assert "Kent Police has shown real commitment to victims. But there is more to do." in found
    assert "Ends with an opening mark instead of a closing one." in found
    for text in found:
        assert text and text.strip() == text
        assert text[0] not in "\"“”" and text[-1] not in "\"“”", text
    assert_quotes_are_slices(graph)


def _check_gotham(graph: Graph) -> None:
    """Unknown forces may be named as organisations, never as police forces."""
    assert not forces(graph)
    assert not list(graph.objects(None, HMIC.about))
    assert not list(graph.subjects(RDF.type, HMIC.InspectedBody))
    assert not list(graph.subjects(RDF.type, HMIC.Finding))


CASES = [
    Case("empty", _file("empty.txt", b""), error=("empty",)),
    Case("whitespace-only", _file("blank.txt", b"  \n\t\r\n   \n\n"), error=("empty",)),
    Case("bom-only", _file("bom.txt", b"\xef\xbb\xbf\r\n"), error=("empty",)),
    Case("nul-bytes", _file("nul.txt", b"Kent Police\x00\x00praised\n"), error=("binary",)),
    Case("png", _file("picture.txt", PNG_BYTES), error=("binary",)),
    Case("cp1252", _file("word.txt", CP1252_BYTES), check=_check_cp1252, warns=True),
    Case(
        "neither-utf8-nor-cp1252",
        _file("garbled.txt", NEITHER_BYTES),
        error=(":3:", "neither UTF-8 nor Windows-1252"),
    ),
    Case("html", _file("page.html", HTML_PAGE), check=_check_html),
    Case("html-bytes-as-txt", _file("page.txt", HTML_PAGE), check=_check_html),
    Case("50-megabytes", _huge, error=("the file is 52,428,800 bytes", "at most 5,242,880 bytes")),
    Case("utf-16-le", _file("unicode.txt", CP1252_TEXT.encode("utf-16-le")), error=("binary",)),
    Case("utf-16-bom", _file("unicode.txt", b"\xff\xfe" + CP1252_TEXT.encode("utf-16-le")), check=_check_cp1252),
    Case("utf-16-be-bom", _file("unicode.txt", b"\xfe\xff" + CP1252_TEXT.encode("utf-16-be")), check=_check_cp1252),
    Case("utf-32-bom", _file("unicode.txt", b"\xff\xfe\x00\x00" + CP1252_TEXT.encode("utf-32-le")), check=_check_cp1252),
    Case("utf-16-bom-odd-bytes", _file("broken.txt", b"\xff\xfeK\x00e"), error=("UTF-16",)),
    Case("fifo", _fifo, error=("named pipe", "only regular files")),
    Case("device", lambda tmp: Path("/dev/zero"), error=("character device",)),
    Case("recipe", _file("cake.txt", RECIPE), check=_check_recipe, unrelated=True),
    Case(
        "recipe-from-dev-corpus",
        _file("loaf.txt", (RELEASES / "dev" / "024_lemon-loaf-recipe.txt").read_bytes()),
        check=_check_recipe,
        unrelated=True,
    ),
    Case("no-quotes", _file("kent.txt", KENT_NO_QUOTES), check=_check_no_quotes),
    Case("quote-without-speaker", _file("kent.txt", KENT_UNATTRIBUTED_QUOTE), check=_check_unattributed),
    Case("unbalanced-quotes", _file("kent.txt", KENT_UNBALANCED), check=_check_unbalanced),
    # Forces no gazetteer knows are no policing body: the text counts as no release.
    Case("unknown-forces", _file("gotham.txt", GOTHAM), check=_check_gotham, unrelated=True),
    Case("directory", _directory, error=("directory",)),
    Case("missing", _missing, error=("no such file",)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_api(case: Case, tmp_path: Path) -> None:
    path = case.make(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if case.error is not None:
            with pytest.raises(HmicGraphError) as info:
                load_release(path)
            message = str(info.value)
            assert message.startswith(str(path)), message
            for word in case.error:
                assert word in message, message
            assert "Traceback" not in message
            return
        graph = load_release(path, allow_unrelated=case.unrelated)
    assert [w.category for w in caught if issubclass(w.category, DecodingWarning)] == (
        [DecodingWarning] if case.warns else []
    )
    conforms(graph)
    assert len(list(graph.subjects(RDF.type, HMIC.PressRelease))) == 1
    assert case.check is not None
    case.check(graph)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_cli(case: Case, tmp_path: Path) -> None:
    path = case.make(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "graph.ttl"

    unrelated = ["--allow-unrelated"] if case.unrelated else []
    result = run_cli("build", path, "-o", out, *unrelated)
    assert "Traceback" not in result.stderr, result.stderr
    if case.error is None:
        assert result.returncode == EXIT_OK, result.stderr
        graph = Graph().parse(out, format="turtle")
        assert len(list(graph.subjects(RDF.type, HMIC.PressRelease))) == 1
        assert outputs(out_dir) == ["graph.ttl"]
        assert ("decoded as Windows-1252" in result.stderr) == case.warns
        # One line for the user, not Python's warning format with a line of our source.
        assert "DecodingWarning" not in result.stderr and "warnings.warn" not in result.stderr
        return

    assert result.returncode == EXIT_ERROR, (result.returncode, result.stderr)
    assert f"{path}:" in result.stderr, result.stderr
    for word in case.error:
        assert word in result.stderr, result.stderr
    assert outputs(out_dir) == [], "nothing may be written when the build fails"

    # An existing output is left exactly as it was, and no temporary file is left.
    out.write_bytes(b"# the previous, good graph\n")
    before = out.stat()
    again = run_cli("build", path, "-o", out)
    assert again.returncode == EXIT_ERROR and "Traceback" not in again.stderr
    assert out.read_bytes() == b"# the previous, good graph\n"
    assert out.stat().st_mtime_ns == before.st_mtime_ns
    assert outputs(out_dir) == ["graph.ttl"]


def test_cli_one_bad_file_among_good_writes_nothing(tmp_path: Path) -> None:
    good = _file("kent.txt", KENT_NO_QUOTES)(tmp_path)
    bad = _file("empty.txt", b"")(tmp_path)
    out = tmp_path / "out" / "all.trig"
    out.parent.mkdir()
    result = run_cli("build", good, bad, "-o", out)
    assert result.returncode == EXIT_ERROR
    assert "Traceback" not in result.stderr and f"{bad}: the release is empty" in result.stderr
    assert outputs(out.parent) == []


def test_cli_merged_output_of_two_releases_conforms(tmp_path: Path) -> None:
    first = _file("a.txt", "Kent Police praised\n\nZoë Billingham said: “Good.”\n")(tmp_path)
    second = _file("b.txt", "Kent Police again\n\nZoe Billingham said: “Bad.”\n")(tmp_path)
    out = tmp_path / "both.ttl"
    result = run_cli("build", first, second, "-o", out)
    if result.returncode == EXIT_OK:
        conforms(Graph().parse(out, format="turtle"))
    else:  # refusing to write an invalid merge is also correct
        assert "Traceback" not in result.stderr and not out.exists()
        pytest.fail("refused, but the two releases are fine; the merge needs a naming rule")


# --------------------------------------------------------------------------
# Details the table cannot say
# --------------------------------------------------------------------------


def test_cp1252_decodes_each_special_character(tmp_path: Path) -> None:
    path = _file("word.txt", CP1252_BYTES)(tmp_path)
    assert b"\x93" in CP1252_BYTES and b"\xa3" in CP1252_BYTES  # not UTF-8
    with pytest.warns(DecodingWarning, match="word.txt"):
        source = read_source(path)
    assert source.encoding == "cp1252"
    assert source.text == CP1252_TEXT
    assert {"“", "”", "£", "–", "’"} <= set(source.text)


@pytest.mark.parametrize("byte", [0x81, 0x8D, 0x8F, 0x90, 0x9D])
def test_each_byte_undefined_in_cp1252_is_a_clear_error(byte: int, tmp_path: Path) -> None:
    path = tmp_path / f"byte-{byte:02x}.txt"
    path.write_bytes(b"Kent Police praised\n\nline two\nbad " + bytes([byte]) + b" here\n")
    with pytest.raises(ReleaseUnreadable, match=r"byte-..\.txt:4: the file is neither"):
        read_source(path)


def test_binary_after_the_first_block_is_an_error(tmp_path: Path) -> None:
    """A NUL deep inside a file (a text header on a binary file) is not text either."""
    path = tmp_path / "disguised.txt"
    path.write_bytes(b"Kent Police praised\n\n" + b"Kent Police works well. " * 1000 + b"\x00\x01\x02")
    with pytest.raises(ReleaseUnreadable, match=r"disguised\.txt: this is a binary file"):
        load_release(path)


def test_50_megabyte_file_is_refused_quickly_without_reading_it(tmp_path: Path) -> None:
    path = _huge(tmp_path)
    assert path.stat().st_size > MAX_RELEASE_BYTES
    tracemalloc.start()
    began = time.perf_counter()
    try:
        with pytest.raises(ReleaseUnreadable, match=r"huge\.txt: the file is 52,428,800 bytes"):
            read_source(path)
        elapsed = time.perf_counter() - began
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 1024 * 1024, f"{peak} bytes allocated: the file was read"


def test_endless_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    """A device (or pipe) has no size to check first: reading must stop at the limit.

    Run in a child with 1 GiB of address space, so a reader that does not stop
    fails there instead of taking this machine's memory.
    """
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from hmic_graph.cli.main import main\n"
        f"sys.exit(main(['build', '/dev/zero', '-o', {str(tmp_path / 'z.ttl')!r}]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == EXIT_ERROR, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "/dev/zero: " in result.stderr
    assert not (tmp_path / "z.ttl").exists()


def test_unreadable_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode")
    path = _file("secret.txt", KENT_NO_QUOTES)(tmp_path)
    path.chmod(0)
    try:
        with pytest.raises(ReleaseUnreadable, match=r"secret\.txt: cannot read the file"):
            load_release(path)
        out = tmp_path / "out.ttl"
        result = run_cli("build", path, "-o", out)
        assert result.returncode == EXIT_ERROR and "Traceback" not in result.stderr
        assert f"{path}: cannot read the file" in result.stderr
        assert not out.exists()
    finally:
        path.chmod(0o644)


def test_unreadable_file_simulated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same error path when running as root: the read itself fails."""
    path = _file("secret.txt", KENT_NO_QUOTES)(tmp_path)

    def refuse(*args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(path))

    real_open = os.open

    def refuse_this_file(file: object, *args: object, **kwargs: object) -> int:
        if Path(file) == path:  # type: ignore[arg-type]
            refuse()
        return real_open(file, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", refuse)
    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(os, "open", refuse_this_file)
    with pytest.raises(ReleaseUnreadable, match=r"secret\.txt: cannot read the file: Permission denied"):
        read_source(path)
    out = tmp_path / "out.ttl"
    assert main(["build", str(path), "-o", str(out)]) == EXIT_ERROR
    assert f"{path}: cannot read the file: Permission denied" in capsys.readouterr().err
    assert not out.exists()


def test_html_without_main_element_drops_scripts_and_styles(tmp_path: Path) -> None:
    page = (
        "<html><head><style>body{}</style></head><body>"
        "<script>document.write('West Midlands Police said: hello');</script>"
        "<h1>Kent Police praised</h1><p>Kent Police works well with councils.</p>"
        "<noscript>Enable JavaScript</noscript></body></html>"
    )
    graph = load_release(_file("plain.html", page)(tmp_path))
    conforms(graph)
    assert body_of(graph) == "Kent Police praised\n\nKent Police works well with councils.\n"
    assert forces(graph) == {FORCE + "kent-police"}


def test_script_only_html_page_is_an_empty_release(tmp_path: Path) -> None:
    page = "<html><body><script>var release = 'Kent Police praised';</script></body></html>"
    with pytest.raises(ReleaseUnreadable, match=r"scripts\.html: the release is empty"):
        load_release(_file("scripts.html", page)(tmp_path))


# --------------------------------------------------------------------------
# Atomic output: a crash while writing leaves the old file and no temp file
# --------------------------------------------------------------------------

OLD = b"# the previous, good graph\n"


@pytest.fixture
def release_and_output(tmp_path: Path) -> tuple[Path, Path]:
    release = _file("kent.txt", KENT_NO_QUOTES)(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "graph.ttl"
    out.write_bytes(OLD)
    return release, out


def test_serializer_failure_keeps_old_output(
    release_and_output: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from hmic_graph.rdf import export

    def broken(graph: Graph) -> str:
        raise RuntimeError("serializer crashed")

    release, out = release_and_output
    export._ensure_builtins()
    monkeypatch.setitem(export._REGISTRY, "turtle", broken)
    assert main(["build", str(release), "-o", str(out)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert f"{out}: " in err and "serializer crashed" in err
    assert out.read_bytes() == OLD
    assert outputs(out.parent) == ["graph.ttl"]


@pytest.mark.parametrize("crash", ["disk-full-mid-write", "fsync", "rename", "interrupt"])
def test_crash_mid_write_keeps_old_output(
    crash: str,
    release_and_output: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    release, out = release_and_output
    real_fdopen = os.fdopen

    class HalfWriter:
        """Writes half of what it is given, then the disk is full."""

        def __init__(self, handle: object) -> None:
            self.handle = handle

        def __enter__(self) -> HalfWriter:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()  # type: ignore[attr-defined]

        def write(self, data: bytes) -> int:
            self.handle.write(data[: len(data) // 2])  # type: ignore[attr-defined]
            self.handle.flush()  # type: ignore[attr-defined]
            raise OSError(28, "No space left on device")

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(5, "Input/output error")

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    if crash == "disk-full-mid-write":
        monkeypatch.setattr(os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    elif crash == "fsync":
        monkeypatch.setattr(os, "fsync", fail)
    elif crash == "rename":
        monkeypatch.setattr(os, "replace", fail)
    else:
        monkeypatch.setattr(os, "replace", interrupt)

    code = main(["build", str(release), "-o", str(out)])
    err = capsys.readouterr().err
    if crash == "interrupt":
        assert code == 130
    else:
        assert code == EXIT_ERROR
        assert f"{out}: cannot write file" in err, err
    assert out.read_bytes() == OLD
    assert outputs(out.parent) == ["graph.ttl"], "a temporary file was left behind"


def test_successful_build_replaces_old_output(release_and_output: tuple[Path, Path]) -> None:
    """The control for the crash tests: without a crash the file is replaced."""
    release, out = release_and_output
    assert main(["build", str(release), "-o", str(out)]) == EXIT_OK
    assert out.read_bytes() != OLD
    assert len(Graph().parse(out, format="turtle")) > 10
    assert outputs(out.parent) == ["graph.ttl"]


# --------------------------------------------------------------------------
# Hostile text inside the size limit takes time in proportion to its size
# --------------------------------------------------------------------------

HOSTILE = {
    # one paragraph with no stop: a search that retries from every start is quadratic
    "one long run of words": "Kent Police praised\n\n" + "word " * 40_000,
    # thousands of sentences, each naming a force: a scan of every mention per sentence
    "many sentences naming a force": "Kent Police praised\n\n" + "Kent Police is good. " * 10_000,
    # thousands of paragraphs
    "many paragraphs": "Kent Police praised\n\n" + "Kent Police is good.\n\n" * 8_000,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_is_read_in_bounded_time(text: str, tmp_path: Path) -> None:
    """About 100-200 KB, well under MAX_RELEASE_BYTES: extraction takes seconds, not minutes.

    Run in a child with a time limit, so a regression fails instead of hanging.
    """
    path = _file("hostile.txt", text)(tmp_path)
    code = (
        "import time\n"
        "from hmic_graph.extract import extract_release\n"
        "from hmic_graph.extract.sources import read_source\n"
        f"source = read_source({str(path)!r})\n"
        "extract_release(source.text[:100])  # load the gazetteer and patterns first\n"
        "began = time.perf_counter()\n"
        "release = extract_release(source)\n"
        "print(round(time.perf_counter() - began, 2), len(release.findings))\n"
    )
    began = time.perf_counter()
    try:
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{len(text)} characters took over 30 s")
    assert result.returncode == 0, result.stderr[-2000:]
    seconds = float(result.stdout.split()[0])
    assert seconds < 10, f"{len(text)} characters took {seconds} s (child: {time.perf_counter() - began:.1f} s)"


def test_validate_gives_the_turtle_parse_reason_and_refuses_an_empty_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "never closed .\n', encoding="utf-8")
    result = run_cli("validate", bad)
    assert result.returncode == EXIT_ERROR and "Traceback" not in result.stderr
    assert f"{bad}:2:" in result.stderr and "newline found in string literal" in result.stderr
    empty = tmp_path / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    result = run_cli("validate", empty)
    assert result.returncode == EXIT_ERROR, result.stdout
    assert "no triples" in result.stderr and "conforms" not in result.stdout


def test_build_to_standard_output_with_dash(tmp_path: Path) -> None:
    release = _file("kent.txt", KENT_NO_QUOTES)(tmp_path)
    result = run_cli("build", release, "-o", "-")
    assert result.returncode == EXIT_OK, result.stderr
    assert result.stdout.startswith("@prefix ") and not (tmp_path / "-").exists()
