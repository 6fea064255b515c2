"""The app's folders are layers, and no module imports one above it: the domain knows nothing of
the site built on it, caching nothing of what it caches, publishing nothing of the pages or the
back office, and the public site and the back office nothing of each other."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "meetings"

# Each part of the app, and the parts it may import from (besides itself).
MAY_IMPORT = {
    # Pages' paths from a template kept per language (addresses.page_path).
    "models": {"addresses"},
    "markdown": set(),
    "addresses": set(),
    # Django's JSON serialization, faster where the history writes a programme (settings).
    "serialization": set(),
    "languages": {"markdown", "addresses"},
    # A page of a long list with its count, in one query (lists and search).
    "paging": set(),
    # Django's prefetch_related, its SQL compiled once per process (the programme's pages).
    "prefetching": set(),
    # The static copy remembers programmes under their meeting's generation (caching).
    "queries": {"models", "languages", "caching", "paging", "prefetching"},
    # Copies a session with what queries.session_prefetches says it holds.
    "copying": {"models", "queries"},
    # A visitor's documents among the public library's ids, kept by queries (the `any_of`
    # lookup of prefetching).
    "search": {"models", "languages", "paging", "queries", "prefetching"},
    # Delegations as the ISU names them, matched to States and organisations.
    "delegations": {"models"},
    # Statements and panellists as running text, in the page's language.
    "speakers": {"models", "languages"},
    "caching": {"models"},
    # The generated archive publishes its programmes, as staff do: delegates read the copies.
    "content": {"models", "publishing", "delegations"},
    # The notices by e-mail write absolute addresses, from SITE_URL (publishing.notices).
    "publishing": {
        "models",
        "languages",
        "queries",
        "caching",
        "markdown",
        "copying",
        "speakers",
        "addresses",
    },
    # An agenda item's statements zip: its size and whether there is one (publishing.bundles).
    "templatetags": {"models", "languages", "markdown", "addresses", "speakers", "publishing"},
    # The second time zone names the zone's country as the site names States (content.states,
    # sorted by delegations.key).
    "public": {
        "content",
        "delegations",
        "models",
        "languages",
        "markdown",
        "addresses",
        "queries",
        "search",
        "publishing",
        "caching",
        "templatetags",
        "speakers",
    },
    "admin": {"models", "languages", "markdown", "queries", "copying", "publishing", "delegations"},
    # export_static writes the public site as a static copy (public.static_export).
    "management": {"models", "queries", "publishing", "content", "public"},
}


def part_of(path):
    """'models' for meetings/models/programmes.py, 'queries' for meetings/queries.py."""
    relative = path.relative_to(APP)
    return relative.parts[0].removesuffix(".py")


def imported_parts(path, app=APP):
    """The parts of the app that `path` (a module of `app`) imports, absolute or relative."""
    tree = ast.parse(path.read_text())
    package = list(path.relative_to(app.parent).parent.parts)  # ["meetings", "public"]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # `from meetings import queries` imports a part by its name.
            names = [alias.name for alias in node.names]
            for target in [module] + [f"{module}.{name}" for name in names]:
                parts = target.split(".")
                if parts[0] == "meetings" and len(parts) > 1:
                    found.add(parts[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "meetings" and len(parts) > 1:
                    found.add(parts[1])
    return found


MODULES = [
    path
    for path in sorted(APP.rglob("*.py"))
    if "migrations" not in path.parts and part_of(path) in MAY_IMPORT
]


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(APP)))
def test_no_module_imports_a_part_above_it(path):
    part = part_of(path)
    above = imported_parts(path) - MAY_IMPORT[part] - {part}
    assert not above, f"{path.relative_to(APP)} imports {sorted(above)}"


def test_every_part_of_the_app_has_its_place():
    parts = {part_of(path) for path in APP.rglob("*.py") if "migrations" not in path.parts}
    assert parts - {"__init__", "apps"} <= set(MAY_IMPORT)


@pytest.mark.parametrize(
    "line",
    [
        "from meetings.public import views",
        "from meetings import public",
        "from ..public import views",
    ],
)
def test_a_module_importing_from_above_is_caught(tmp_path, line):
    """The control: the check sees an import of the public site from the domain, however it
    is written."""
    module = APP / "models" / "caching.py"
    source = module.read_text() + f"\n{line}  # noqa\n"
    copy = tmp_path / "meetings" / "models" / "caching.py"
    copy.parent.mkdir(parents=True)
    copy.write_text(source)
    assert "public" in imported_parts(copy, app=tmp_path / "meetings")
    assert "public" not in imported_parts(module)
