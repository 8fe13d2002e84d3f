"""The `clustergraph` command: a thin layer over plain functions that the tests call directly."""

from __future__ import annotations

import argparse
import sys
import typing
from collections.abc import Sequence
from pathlib import Path

from clustergraph.errors import ClusterGraphError, ValidationFailed
from clustergraph.settings import Reasoner, Settings, Validator

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    settings = _settings(args)
    try:
        return int(args.run(args, settings))
    except ValidationFailed as failure:
        print(f"error: {failure}\n\n{failure.report}", file=sys.stderr)
        return EXIT_FAILED
    except ClusterGraphError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED


def _build(args: argparse.Namespace, settings: Settings) -> int:
    from clustergraph.compile.build import build
    from clustergraph.compile.progress import for_stream

    reasoner = args.reasoner or settings.reasoner
    progress = for_stream(sys.stderr)
    try:
        cache = None if args.full else settings.cache_path
        result = build(
            settings.project_dir,
            settings.release_path,
            reasoner=reasoner,
            progress=progress,
            cache_dir=cache,
            validator=args.validator or settings.validator,
            workers=args.workers or settings.build_workers,
        )
    finally:
        progress.close()
    triples = result.report["triples"]
    timings = ", ".join(f"{k} {v:.2f}s" for k, v in result.report["timings_s"].items())
    peak = max(result.report["peak_rss_mb"].values())
    work = result.report["work"]
    print(
        f"release {result.report['digest']} written to {result.version}: {triples['ontology']} ontology, "
        f"{triples['asserted_data']} asserted and {triples['inferred']} inferred triples ({timings}; "
        f"peak RSS {peak:.0f} MiB; of {work['components']} groups of sources, {work['reasoned']} reasoned "
        f"and {work['validated']} validated, the others unchanged)"
    )
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for contested in result.contested:
        print(f"warning: contested: {contested.render()}", file=sys.stderr)
    return EXIT_OK


def _validate(args: argparse.Namespace, settings: Settings) -> int:
    from clustergraph.compile.build import validate_files

    report = validate_files(settings.project_dir, args.files, args.validator or settings.validator)
    if report.conforms:
        print(f"{len(args.files)} file(s) conform")
        return EXIT_OK
    print(report.render(), file=sys.stderr)
    return EXIT_FAILED


def _query(args: argparse.Namespace, settings: Settings) -> int:
    from clustergraph.querying import run_query_file

    params = dict(args.param)
    sys.stdout.write(
        run_query_file(args.file, settings.release_path, params, args.format, entailment=not args.asserted)
    )
    return EXIT_OK


def _fmt(args: argparse.Namespace, settings: Settings) -> int:
    from clustergraph.compile.formatting import format_paths

    changed = format_paths(args.paths, check=args.check)
    for path in changed:
        print(f"{'would reformat' if args.check else 'reformatted'} {path}")
    return EXIT_FAILED if args.check and changed else EXIT_OK


def _modules(args: argparse.Namespace, settings: Settings) -> int:
    from clustergraph.compile.modules import write_modules

    for path in write_modules(settings.project_dir):
        print(f"updated {path}")
    return EXIT_OK


def _new_source(args: argparse.Namespace, settings: Settings) -> int:
    from clustergraph.compile.scaffold import new_source

    written = new_source(settings.project_dir, args.slug, label_en=args.label_en, label_ru=args.label_ru)
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK


def _to_turtle(args: argparse.Namespace, settings: Settings) -> int:
    from clustergraph.compile.tabular import to_turtle

    for path in to_turtle(args.tables, settings.project_dir):
        print(f"{'wrote' if path.is_file() else 'removed'} {path}")
    return EXIT_OK


def _to_csv(args: argparse.Namespace, settings: Settings) -> int:
    from clustergraph.compile.tabular import to_csv

    written, warnings = to_csv(args.source, args.out, settings.project_dir)
    for path in written:
        print(f"wrote {path}")
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK


def _templates(args: argparse.Namespace, settings: Settings) -> int:
    from clustergraph.compile.tabular import write_templates

    for path in write_templates(args.out, settings.project_dir):
        print(f"wrote {path}")
    return EXIT_OK


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from clustergraph.serve import serve

    serve(settings, host=args.host, port=args.port)
    return EXIT_OK


def _settings(args: argparse.Namespace) -> Settings:
    """The environment's settings, with --project and --release (for every command) taking precedence."""
    settings = Settings()
    chosen: dict[str, Path] = {"project_dir": (args.project or settings.project_dir).resolve()}
    if args.release:
        chosen["release_dir"] = Path(args.release).resolve()
    return settings.model_copy(update=chosen)


def _diff(args: argparse.Namespace, settings: Settings) -> int:
    from clustergraph.compile.diff import diff_versions, render
    from clustergraph.release_format import find_version

    try:
        old, new = find_version(settings.release_path, args.old), find_version(settings.release_path, args.new)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    for line in render(diff_versions(old, new), summary=args.summary):
        print(line)
    return EXIT_OK


def _load_remote(args: argparse.Namespace, settings: Settings) -> int:
    from clustergraph.store.remote_load import load_remote

    loaded = load_remote(settings)
    for graph, triples in loaded.items():
        print(f"{graph}: {triples} triples")
    return EXIT_OK


def _key_value(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"--param takes NAME=VALUE, not {text!r}")
    return name, value


def _tabular_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tabular = commands.add_parser("tabular", help="a source as CSV tables, one per kind, compiled to Turtle and back")
    actions = tabular.add_subparsers(required=True, metavar="ACTION")
    to_turtle = actions.add_parser("to-turtle", help="compile data/SOURCE/tables/*.csv into data/SOURCE/<table>.ttl")
    to_turtle.add_argument("tables", type=Path, help="the tables' folder, data/SOURCE/tables/")
    to_turtle.set_defaults(run=_to_turtle)
    to_csv = actions.add_parser("to-csv", help="write a source's Turtle as CSV tables")
    to_csv.add_argument("source", type=Path, help="the source's folder, data/SOURCE/")
    to_csv.add_argument("out", type=Path, help="the folder to write the tables into")
    to_csv.set_defaults(run=_to_csv)
    templates = actions.add_parser("templates", help="write the empty tables (header rows) into a folder")
    templates.add_argument("out", type=Path)
    templates.set_defaults(run=_templates)


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return number


def _validator_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--validator",
        choices=typing.get_args(Validator),
        help=f"{Settings.model_fields['validator'].description} (default: $CLUSTERGRAPH_VALIDATOR or native)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clustergraph", description="A knowledge graph of regional cluster policy.")
    parser.add_argument(
        "--project",
        type=Path,
        help="folder with ontology/, data/, shapes/, queries/ (default: $CLUSTERGRAPH_PROJECT_DIR or .)",
    )
    parser.add_argument("--release", help="release folder (default: $CLUSTERGRAPH_RELEASE_DIR or ./release)")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="load, reason, validate and write release/")
    build.add_argument(
        "--reasoner",
        choices=typing.get_args(Reasoner),
        help=f"{Settings.model_fields['reasoner'].description} (default: $CLUSTERGRAPH_REASONER or native)",
    )
    build.add_argument("--full", action="store_true", help="redo every source, ignoring the build cache")
    build.add_argument(
        "--workers",
        type=_positive,
        help=f"{Settings.model_fields['build_workers'].description} (default: $CLUSTERGRAPH_BUILD_WORKERS)",
    )
    _validator_option(build)
    build.set_defaults(run=_build)

    validate = commands.add_parser("validate", help="validate extra Turtle files against the shapes")
    validate.add_argument("files", nargs="+", type=Path)
    _validator_option(validate)
    validate.set_defaults(run=_validate)

    query = commands.add_parser("query", help="run a .rq file on the built graph")
    query.add_argument("file", type=Path)
    query.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE", type=_key_value)
    query.add_argument("--format", "-f", choices=("table", "csv", "tsv", "json"), default="table")
    query.add_argument("--asserted", action="store_true", help="leave the inferred graph out")
    query.set_defaults(run=_query)

    fmt = commands.add_parser("fmt", help="rewrite Turtle files in canonical form")
    fmt.add_argument("paths", nargs="+", type=Path)
    fmt.add_argument("--check", action="store_true", help="only say which files are not canonical")
    fmt.set_defaults(run=_fmt)

    new = commands.add_parser("new-source", help="start data/SLUG/: a manifest and a commented case file")
    new.add_argument("slug", help="the source's slug, e.g. regional-studies-2024-03")
    new.add_argument("--label-en", required=True, help="the source, named in English")
    new.add_argument("--label-ru", required=True, help="the source, named in Russian")
    new.set_defaults(run=_new_source)

    _tabular_parser(commands)

    modules = commands.add_parser(
        "modules", help="update Protégé's edit file, catalog and module headers from the folders in data/"
    )
    modules.set_defaults(run=_modules)

    load_remote = commands.add_parser(
        "load-remote", help="put the release into $CLUSTERGRAPH_REMOTE_STORE_URL (Graph Store Protocol)"
    )
    load_remote.set_defaults(run=_load_remote)

    diff = commands.add_parser("diff", help="what a release version added and removed, per graph")
    diff.add_argument("old", help="a version: its digest (or a prefix), `current`, or its folder")
    diff.add_argument("new", help="a version: its digest (or a prefix), `current`, or its folder")
    diff.add_argument("--summary", action="store_true", help="only count the added and removed triples")
    diff.set_defaults(run=_diff)

    serve = commands.add_parser("serve", help="serve the release over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=_serve)
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
