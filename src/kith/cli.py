"""The `kith` command: run the server and worker, load the demo network, manage the site."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

app = typer.Typer(
    help="Kith: a self-hosted, relationship-first social network.", no_args_is_help=True
)
console = Console()


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kith.settings")
    import django

    django.setup()


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _print_demo_logins() -> None:
    from kith.demo import DEMO_PASSWORD, STAFF_HANDLE
    from kith.people.models import Person

    table = Table(title="Demo logins (password for all: " + DEMO_PASSWORD + ")")
    table.add_column("handle")
    table.add_column("name")
    for person in Person.objects.filter(email__endswith="@example.org").order_by("id")[:6]:
        role = " (staff)" if person.handle == STAFF_HANDLE else ""
        table.add_row(f"@{person.handle}", person.display_name + role)
    console.print(table)


def _load_demo(people: int, seed: int) -> None:
    from kith.demo import load_demo

    with Progress(console=console, transient=True) as progress:
        bar = progress.add_task("Creating the demo network", total=people)
        result = load_demo(
            people=people, seed=seed, progress=lambda n: progress.update(bar, completed=n)
        )
    console.print(
        f"[green]Demo network:[/] {len(result.people)} people, {result.connections} connections, "
        f"{result.follows} follows, {result.posts} posts."
    )


@app.command()
def run(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
    worker: Annotated[bool, typer.Option(help="Start the background task worker")] = True,
    demo: Annotated[bool, typer.Option(help="Load the demo network into an empty database")] = True,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Server processes (docs/deploy.md)")
    ] = 1,
) -> None:
    """Migrate, load the demo network on an empty database, then serve with the task worker."""
    _django()
    import uvicorn
    from django.conf import settings

    from kith.people.models import Person

    _migrate()
    if demo and not Person.objects.exists():
        _load_demo(settings.KITH_DEMO_PEOPLE, seed=7)
        _print_demo_logins()
    host = host or settings.KITH_HOST
    port = port or settings.KITH_PORT
    worker_process = None
    if worker:
        worker_process = subprocess.Popen(
            [sys.executable, "-m", "kith", "worker"], env={**os.environ}
        )
    else:
        # Without a worker here, periodic jobs are still enqueued for workers elsewhere.
        from kith.core.schedule import start_scheduler

        start_scheduler(settings.KITH_SCHEDULER_SECONDS)
    console.print(f"[bold]Kith[/] is serving on http://{host}:{port}  (Ctrl-C stops it)")
    try:
        uvicorn.run(
            "kith.asgi:application",
            host=host,
            port=port,
            lifespan="off",
            log_level="info",
            access_log=False,
            workers=workers,
        )
    finally:
        if worker_process is not None:
            worker_process.terminate()
            try:
                worker_process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker_process.kill()
        console.print("Kith stopped.")


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="uvicorn processes")] = 1,
) -> None:
    """Serve the web app only (no migrations, no worker): for benchmarks and process managers."""
    _django()
    import uvicorn

    uvicorn.run(
        "kith.asgi:application",
        host=host,
        port=port,
        lifespan="off",
        workers=workers,
        log_level="warning",
        access_log=False,
    )


@app.command()
def worker(
    scheduler: Annotated[
        bool, typer.Option(help="Also enqueue periodic jobs when they are due")
    ] = True,
) -> None:
    """Run the background task worker for the configured backend (database or RQ)."""
    _django()
    from django.conf import settings
    from django.core.management import call_command

    from kith.core.schedule import scheduler_loop, start_scheduler

    backend = settings.KITH_TASK_BACKEND
    if backend not in {"database", "rq"}:
        console.print(f"Tasks run inline (KITH_TASK_BACKEND={backend}): only the scheduler runs.")
        if scheduler:
            scheduler_loop(interval=settings.KITH_SCHEDULER_SECONDS, stop=threading.Event())
        return
    if scheduler:
        start_scheduler(settings.KITH_SCHEDULER_SECONDS)
    if backend == "database":
        call_command("db_worker", reload=False)
    else:
        call_command("rqworker", "default", with_scheduler=True, job_class="django_tasks_rq.Job")


@app.command("demo")
def demo_command(
    people: Annotated[int, typer.Option(min=1, max=100_000, help="How many people")] = 40,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same network")] = 7,
) -> None:
    """Create a believable, deterministic demo network."""
    _django()
    _migrate()
    _load_demo(people, seed)
    _print_demo_logins()


@app.command()
def migrate() -> None:
    """Apply database migrations."""
    _django()
    _migrate()
    console.print("[green]Database is up to date.[/]")


@app.command()
def connect(
    handle: str,
    other: str,
    how: Annotated[str, typer.Option(help="in_person, call, worked_together, …")] = "in_person",
) -> None:
    """Connect two people who have met (an admin tool until invitations arrive)."""
    _django()
    from kith.people.models import Person
    from kith.relationships.actions.connections import connection_create

    people = {p.handle: p for p in Person.objects.filter(handle__in=[handle, other])}
    missing = [h for h in (handle, other) if h not in people]
    if missing:
        console.print(f"[red]No such person:[/] {', '.join(missing)}")
        raise typer.Exit(2)
    connection_create(person=people[handle], other=people[other], how_met=how)
    console.print(f"@{handle} and @{other} are connected.")


@app.command()
def expire() -> None:
    """Expire intro calls past their time (the worker does it too; run from cron if you like)."""
    _django()
    from kith.relationships.actions.intro_calls import intro_calls_expire_due

    console.print(f"Expired {intro_calls_expire_due()} intro call(s).")


@app.command()
def digests() -> None:
    """Send the email digests due for the last day or week (at most once each; run daily)."""
    _django()
    from kith.notify.digests import send_due_digests

    counts = send_due_digests()
    console.print(", ".join(f"{n} {status}" for status, n in counts.items()) or "No digest due.")


@app.command("clean-notifications")
def clean_notifications() -> None:
    """Delete read notifications older than KITH_NOTIFICATION_RETENTION_DAYS (run daily)."""
    _django()
    from kith.feeds.actions import notifications_clean

    console.print(f"Deleted {notifications_clean()} read notification(s).")


class ArchiveNetwork(StrEnum):
    linkedin = "linkedin"
    mastodon = "mastodon"
    x = "x"


@app.command("import")
def import_archive(
    network: Annotated[ArchiveNetwork, typer.Argument(help="Which network the archive is from")],
    file: Annotated[
        Path, typer.Argument(help="The archive's zip (LinkedIn: also its CSV files or a folder)")
    ],
    handle: Annotated[str, typer.Option("--as", help="The Kith person it belongs to, @handle")],
) -> None:
    """Import your archive of LinkedIn, Mastodon or X, to compare with how you use Kith."""
    _django()
    from kith.archives.actions import archive_import
    from kith.archives.sources import ArchiveError
    from kith.people.models import Person

    owner = Person.objects.filter(handle=handle.lstrip("@")).first()
    if owner is None:
        console.print(f"[red]No such person:[/] {handle}")
        raise typer.Exit(2)
    try:
        with Progress(console=console, transient=True) as progress:
            bar = progress.add_task(f"Reading {file.name}", total=100)
            archive, imported = archive_import(
                owner=owner,
                network=network.value,
                path=file,
                progress=lambda fraction: progress.update(bar, completed=fraction * 100),
            )
    except ArchiveError as exc:
        console.print(f"[red]Not imported[/] (nothing was written): {exc}")
        raise typer.Exit(1) from None
    figures = archive.figures
    if not imported:
        console.print(f"Already imported as archive {archive.pk}: nothing changed.")
    from kith.archives.comparison import kith_figures

    console.print(f"[bold]{figures['headline']}[/]", soft_wrap=True)
    console.print(f"[bold]{kith_figures(owner)['headline']}[/]", soft_wrap=True)
    table = Table(title=f"{archive.get_network_display()} archive {archive.pk}")
    table.add_column("figure")
    table.add_column("count", justify="right")
    for key in FIGURE_ROWS:
        table.add_row(key.replace("_", " "), f"{figures[key]:,}")
    console.print(table)
    console.print(f"Archive {archive.pk} of @{owner.handle}: on the web at /archives/{archive.pk}/")


FIGURE_ROWS = (
    "posts",
    "replies",
    "reposts",
    "connections",
    "followers",
    "following",
    "messages_sent",
    "messages_received",
    "people_messaged",
    "connections_messaged",
    "invitations_sent",
    "invitations_received",
    "likes",
    "bookmarks",
)


@app.command()
def report(
    handle: Annotated[str, typer.Argument(help="Whose insights, e.g. @alice")],
    since: Annotated[
        str | None, typer.Option(help="Start of the window, YYYY-MM-DD (default: 90 days ago)")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (schema: docs/insights.md)")
    ] = False,
) -> None:
    """Print a person's insights (docs/insights.md): rich tables, or JSON with --json."""
    _django()
    import orjson
    from django.core.exceptions import ValidationError

    from kith.insights.metrics import insights_for
    from kith.insights.params import window_kwargs
    from kith.insights.report import print_report
    from kith.people.models import Person

    person = Person.objects.filter(handle=handle.removeprefix("@").lower()).first()
    if person is None:
        console.print(f"[red]No such person:[/] {handle}")
        raise typer.Exit(2)
    try:
        window = window_kwargs(since=since)
    except ValidationError as error:
        console.print(f"[red]{' '.join(error.messages)}[/]")
        raise typer.Exit(2) from None
    insights = insights_for(person, **window, with_interactions=as_json)
    if as_json:
        sys.stdout.write(orjson.dumps(insights, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        print_report(console, insights)


@app.command("settings")
def show_settings() -> None:
    """List every environment variable Kith reads, with its default."""
    _django()
    from kith.envvars import REGISTRY

    table = Table("variable", "default", "meaning")
    for var in REGISTRY.values():
        table.add_row(var.name, var.default, var.help)
    console.print(table)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Run a Django management command, e.g. `kith manage createsuperuser`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kith.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kith manage", *ctx.args])


def main() -> None:
    app()
