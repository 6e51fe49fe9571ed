"""Load a Directive 31 implementation plan from its extracted text into a commune.

    python manage.py load_plan --commune "Ea Ly" [--file PATH] [--dry-run]

The default file is the Ea Ly plan bundled with the app (``plans/seed/``). The loader
(``plans.loader.load_plan``) is idempotent: run it again and the same plan is updated, matched by
commune and title. ``--dry-run`` parses the text, prints what would be written and writes nothing.

The source text has no number, symbol or date: they stay blank ("chưa có trong văn bản nguồn")
until an official enters them, and a later run never overwrites them. The plan starts in the year
of its newest legal basis (2024) and has no end year.

Assignment matrix
-----------------
The text names no unit per task, so the loader derives one from the wording of each task in
section III and the duties of section IV. Units: LĐ = labour desk (IV.1, builds and runs the
plan, the state-management body), VH = culture officer and radio (IV.2, radio and banners),
CA = police (IV.3, fire-safety and technical equipment at enterprises), MT = Fatherland Front and
mass organisations (IV.4, dissemination and supervision), DN = enterprises (IV.5, carry the plan
into their own work), BND = every active village board of the commune. Cadence: quarterly for
ongoing work, May for the OSH Action Month, yearly for planning, review and commendation.

====  ====  ===========  =============  ===========================================================
Task  Lead  Support      Cadence        Why
====  ====  ===========  =============  ===========================================================
1.1   LĐ    —            yearly         OSH into the commune's annual socio-economic plan (IV.1)
1.2   MT    LĐ, BND      quarterly      dissemination of Directive 31 to cadres and people (IV.4
                                        first duty); III.1 names "BND các thôn/buôn"
1.3   DN    LĐ           yearly         employers put OSH into their own plan (IV.5)
2.1   VH    MT           quarterly      propaganda adapted to each audience, informal sector (IV.2)
2.2   LĐ    VH, MT, DN   May            OSH Action Month and its launch: the desk organises, radio
                                        and banners (IV.2), mass organisations and enterprises join
2.3   MT    —            quarterly      mobilising members for a safety culture (IV.4 second duty)
2.4   DN    LĐ, MT       yearly         workplace dialogue held by employers with the trade union
3.1   LĐ    —            yearly         review of policies and recommendations upward
3.2   LĐ    DN           quarterly      accident and disease insurance, paid by employers
4.1   LĐ    —            quarterly      administrative reform, digital reporting of accidents
4.2   LĐ    —            yearly         clear division of responsibilities between units
4.3   LĐ    DN, CA       quarterly      declarations, training, equipment inspection, PPE by
                                        enterprises; CA for equipment under its management (IV.3)
5.1   LĐ    —            yearly         staff building, yearly evaluation, preliminary reviews
5.2   LĐ    —            yearly         plan for full- and part-time OSH staff
5.3   LĐ    DN           quarterly      ongoing guidance of OSH staff, enterprises' included
5.4   LĐ    MT           yearly         commendation; the Front proposes emulation awards
6.1   LĐ    MT, CA       quarterly      inspection of workers' rights; MT supervises (IV.4),
                                        CA handles violations
6.2   CA    LĐ, DN       quarterly      inspections of high-risk establishments: fire safety and
                                        technical equipment are the police's duty (IV.3)
7.1   LĐ    —            yearly         the yearly budget (budget lines)
7.2   DN    LĐ           quarterly      private investment and enterprises' self-inspection
7.3   LĐ    MT           quarterly      voluntary accident insurance, mobilised by mass
                                        organisations
====  ====  ===========  =============  ===========================================================

Each unit's section IV duty is stored in the ``note`` of its lead assignments. The matrix is only
a starting point: once a task has assignments, a later run leaves them to the official. A task of
another text (``--file``) that the matrix does not know gets the labour desk as lead, quarterly.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from atvsld_portal.models import AdministrativeUnit, ResponsibleUnit
from plans.loader import (
    goal_rule,
    load_plan,
    planned_assignment_count,
    unit_kind,
)
from plans.models import Assignment, Plan, Task
from plans.seed import SEED_PATH, ParsedPlan, PlanTextError, parse_plan_text


def find_commune(value: str) -> AdministrativeUnit:
    """The commune whose official code, provisional code or name is ``value``."""
    communes = AdministrativeUnit.objects.communes().filter(
        Q(code=value) | Q(code_provisional=value) | Q(name__iexact=value)
    )
    matches = list(communes.current()) or list(communes)
    if not matches:
        raise CommandError(f"No commune has the code or name {value!r}.")
    if len(matches) > 1:
        names = ", ".join(f"{c.name} ({c.code or c.code_provisional})" for c in matches)
        raise CommandError(f"{value!r} matches several communes: {names}. Give its code.")
    return matches[0]


class Command(BaseCommand):
    help = (
        "Load a Directive 31 implementation plan (default: the bundled Ea Ly plan) into a "
        "commune, with its goals, tasks and assignment matrix. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--commune", required=True, help="Commune name or code.")
        parser.add_argument(
            "--file",
            type=Path,
            default=SEED_PATH,
            help="The plan's extracted text (UTF-8). Default: %(default)s",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and print the counts; write nothing."
        )

    def handle(self, *args, **options) -> None:
        commune = find_commune(options["commune"])
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            parsed = parse_plan_text(text)
            if options["dry_run"]:
                self._dry_run(commune, parsed, options["verbosity"])
            else:
                self._load(commune, text, parsed, options["verbosity"])
        except PlanTextError as exc:  # PlanLoadError too
            raise CommandError(f"{path}: {exc}") from exc

    def _load(
        self, commune: AdministrativeUnit, text: str, parsed: ParsedPlan, verbosity: int
    ) -> None:
        plan = load_plan(commune=commune, text=text)
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(f"Loaded the plan into {commune.name}: {self._counts(plan)}.")
            )
        if verbosity >= 2:
            self._write_groups(parsed)

    def _dry_run(self, commune: AdministrativeUnit, parsed: ParsedPlan, verbosity: int) -> None:
        for unit in parsed.units:  # fail as the loader would, without writing
            unit_kind(unit)
        for goal in parsed.goals:
            goal_rule(goal)
        exists = Plan.objects.filter(commune=commune, title=parsed.title).exists()
        boards = ResponsibleUnit.objects.filter(
            commune=commune, kind=ResponsibleUnit.Kind.VILLAGE_BOARD, is_active=True
        ).count()
        if verbosity >= 1:
            action = "update the existing plan" if exists else "create a new plan"
            self.stdout.write(f"Dry run: would {action} in {commune.name}; nothing written.")
            self.stdout.write(
                f"{len(parsed.legal_bases)} legal bases, {len(parsed.goals)} goals, "
                f"{len(parsed.task_groups)} task groups, {parsed.task_count} tasks, "
                f"{len(parsed.units)} units of section IV, "
                f"{planned_assignment_count(parsed, village_boards=boards)} assignments "
                f"on a first load ({boards} village boards)."
            )
        if verbosity >= 2:
            self._write_groups(parsed)
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS("Dry run done."))

    @staticmethod
    def _counts(plan: Plan) -> str:
        tasks = Task.objects.filter(group__plan=plan).count()
        assignments = Assignment.objects.filter(task__group__plan=plan).count()
        return (
            f"{plan.legal_bases.count()} legal bases, {plan.goals.count()} goals, "
            f"{plan.task_groups.count()} task groups, {tasks} tasks, {assignments} assignments"
        )

    def _write_groups(self, parsed: ParsedPlan) -> None:
        for group in parsed.task_groups:
            self.stdout.write(f"  III.{group.number} ({len(group.tasks)} tasks) {group.title}")
        for unit in parsed.units:
            kind, _abbreviation = unit_kind(unit)
            self.stdout.write(f"  IV.{unit.number} {unit.name} → {kind}")
