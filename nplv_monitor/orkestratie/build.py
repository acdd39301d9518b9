"""`nplv-monitor build`: one Dagster run of what changed, executed in-process by Dagster itself.

No runner of our own: the build observes the sources, lets Dagster's data versioning say which
assets are stale or missing (selectie.py), and runs those and everything downstream as ONE run
of the Definitions' job (``JobDefinition.execute_in_process`` with an asset selection) against
the persistent Dagster instance of the output folder (instance.py: the one the UI and the
schedule use too), so a CLI build's runs, materializations, metadata and check results show in
the UI. Nothing changed: no run, and the summary says so. Progress comes from the instance's
event stream; the summary from the materialization metadata (of this run, or the latest one of
an asset this build did not need to redo). A failed step or check stops the build with a message
naming it (and the failing rows, which ValidatieFout puts in its message).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import filelock

from nplv_monitor.config import instellingen
from nplv_monitor.errors import NplvFout
from nplv_monitor.orkestratie import instance as dagster_instance
from nplv_monitor.orkestratie import jobs, selectie
from nplv_monitor.orkestratie import rapportagejaar as rapportagejaar_mod
from nplv_monitor.publicatie.assets import PUBLICATIE_KEY, TAG_NIEUWE_EDITIE

BUILD_LOCK = "build.lock"
#: Metadata key under which the returns asset lists the rejected files (realisatie/assets.py).
GEWEIGERDE_RETOUREN = "geweigerde_retouren"


class BouwFout(NplvFout):
    """The build stopped: a step or a check failed, or another build is running."""


@dataclass
class Stap:
    asset: str
    run: str
    rijen: int | None = None
    duur_s: float | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Samenvatting:
    rapportagejaar: int
    runs: list[str] = field(default_factory=list)
    stappen: list[Stap] = field(default_factory=list)
    publicatie: dict[str, Any] = field(default_factory=dict)
    rapporten: list[str] = field(default_factory=list)
    #: Rejected returns in the drop folder (metadata "geweigerde_retouren" of the returns asset).
    geweigerd: list[dict[str, Any]] = field(default_factory=list)
    #: Assets whose code and inputs did not change since their last materialization: not run.
    actueel: int = 0

    def tekst(self) -> str:
        regels = [
            f"Klaar: rapportagejaar {self.rapportagejaar}, {len(self.runs)} run(s), "
            f"{len(self.stappen)} asset(s) gebouwd, {self.actueel} actueel (overgeslagen)."
        ]
        for s in self.stappen:
            rijen = f"{s.rijen:>10,} rijen".replace(",", ".") if s.rijen is not None else " " * 16
            regels.append(f"  {s.asset:<45} {rijen}   ({s.run})")
        p = self.publicatie
        regels.extend(_editie_tekst(p))
        if p and not p.get("ongewijzigd"):
            regels.append(f"Bestand voor analisten: {p.get('pad')}")
            regels.append(
                f"  editie {p.get('editie_id')} ({p.get('aantal_edities')} edities in het bestand)"
            )
            regels.append(f"  datumkopie: {p.get('vintage')}")
            if p.get("aantal_indicatorwaarden") is not None:
                regels.append(
                    f"  indicatorwaarden: {p.get('aantal_indicatorwaarden')} — "
                    f"ok {p.get('aantal_ok')}, onderdrukt {p.get('aantal_onderdrukt')}, "
                    f"ontbreekt {p.get('aantal_ontbreekt')} "
                    "(niet gepubliceerde waarden: view publicatie.niet_gepubliceerde_waarden)"
                )
            else:
                regels.append(
                    "  indicatorwaarden: nog geen (monitor.indicatorwaarden bestaat nog niet)"
                )
        for r in self.rapporten:
            regels.append(f"Rapport: {r}")
        if not self.rapporten:
            regels.append("Rapport: geen (er is geen asset in groep rapportage)")
        regels.extend(_geweigerd_tekst(self.geweigerd))
        return "\n".join(regels)


def _editie_tekst(p: dict[str, Any]) -> list[str]:
    """No new edition (nothing changed), and what the publication reported (a published file
    changed by someone else, a WAL moved aside)."""
    regels = [f"LET OP: {o}" for o in p.get("opmerkingen") or []]
    if p.get("ongewijzigd"):
        regels.insert(
            0,
            f"Niets veranderd: invoer, codeversie en rapportagejaar zijn gelijk aan die van editie "
            f"{p.get('editie_id')}; {p.get('pad')} is niet aangeraakt (een nieuwe editie "
            "afdwingen: nplv-monitor build --nieuwe-editie).",
        )
    return regels


def _geweigerd_tekst(geweigerd: list[dict[str, Any]]) -> list[str]:
    """The section naming each rejected return with its first messages: a rejection must be
    impossible to miss (nothing of such a file is in the published edition)."""
    if not geweigerd:
        return []
    regels = [
        f"GEWEIGERDE RETOUREN: {len(geweigerd)} bestand(en) in de inleveringsmap zijn geweigerd; "
        "er is niets van ingelezen:"
    ]
    for g in geweigerd:
        regels.append(f"  ✘ {g['bestand']} ({g['aantal_meldingen']} melding(en))")
        regels.extend(f"      - {m}" for m in g["meldingen"])
        regels.append(f"      alle meldingen: nplv-monitor check-return --alle {g['pad']}")
    return regels


def _waarde(m: Any) -> Any:
    return getattr(m, "value", m)


def _fout_melding(run: str, events: list[dg.EventLogEntry]) -> str:
    delen = [f"Run {run} is mislukt; er is niets gepubliceerd."]
    for e in events:
        de = e.dagster_event
        if de is None:
            continue
        if de.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            ev = de.asset_check_evaluation_data
            if not ev.passed:
                melding = _waarde(ev.metadata.get("melding", "")) or ""
                rijen = _waarde(ev.metadata.get("foute_rijen", "")) or ""
                delen.append(
                    f"Controle {ev.check_name} van {ev.asset_key.to_user_string()} faalt:\n"
                    f"{melding}\n{rijen}".rstrip()
                )
        elif de.event_type == dg.DagsterEventType.STEP_FAILURE:
            err = de.step_failure_data.error
            # Dagster wraps the asset's own exception; its cause is what the user can act on.
            oorzaak = err.cause if err and err.cause else err
            tekst = oorzaak.message.strip() if oorzaak else "onbekende fout"
            delen.append(f"Stap {de.step_key} faalt: {tekst}")
    return "\n".join(delen)


def _voortgang(
    melden: Callable[[str], None], starts: dict[str, float]
) -> Callable[[dg.EventLogEntry], None]:
    def luister(e: dg.EventLogEntry) -> None:
        de = e.dagster_event
        if de is None:
            return
        stap = de.step_key or ""
        if de.event_type == dg.DagsterEventType.STEP_START:
            starts[stap] = time.monotonic()
            melden(f"  ▶ {stap} gestart")
        elif de.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            mat = de.materialization
            rijen = _waarde(mat.metadata.get("dagster/row_count"))
            melden(
                f"  ✔ {mat.asset_key.to_user_string()}"
                + (f": {rijen} rijen" if rijen is not None else "")
            )
        elif de.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            ev = de.asset_check_evaluation_data
            status = "geslaagd" if ev.passed else "GEFAALD"
            melden(f"    controle {ev.check_name} van {ev.asset_key.to_user_string()}: {status}")
        elif de.event_type == dg.DagsterEventType.STEP_SUCCESS:
            duur = time.monotonic() - starts.get(stap, time.monotonic())
            melden(f"  ■ {stap} klaar ({duur:.1f} s)")
        elif de.event_type == dg.DagsterEventType.STEP_FAILURE:
            melden(f"  ✘ {stap} mislukt")
        elif de.event_type == dg.DagsterEventType.STEP_SKIPPED:
            melden(f"  – {stap} overgeslagen (een eerdere stap faalde)")

    return luister


def bouw(
    rapportagejaar: int | None = None,
    *,
    definitions: dg.Definitions | None = None,
    melden: Callable[[str], None] = print,
    wachttijd_s: float = 5.0,
    nieuwe_editie: bool = False,
) -> Samenvatting:
    """Build (materialize) every asset of ``definitions`` for one rapportagejaar, in order."""
    if definitions is None:
        from nplv_monitor.definitions import defs

        definitions = defs()
    jaar = rapportagejaar or rapportagejaar_mod.huidig_rapportagejaar()
    try:
        rapportagejaar_mod.controleer(jaar)
    except ValueError as exc:
        raise BouwFout(str(exc)) from None
    inst = instellingen()
    slot_pad = inst.werk_db.parent / BUILD_LOCK
    slot = filelock.FileLock(str(slot_pad), timeout=wachttijd_s)
    try:
        slot_pad.parent.mkdir(parents=True, exist_ok=True)
        slot.acquire()
    # filelock.Timeout is an OSError too: catch it first.
    except filelock.Timeout:
        raise BouwFout(
            f"Er loopt al een build met deze uitvoermap ({inst.output_dir}); slot {slot_pad} is "
            f"na {wachttijd_s:.0f} s nog bezet. Wacht tot die klaar is en probeer het opnieuw."
        ) from None
    except OSError as exc:
        raise BouwFout(
            f"De uitvoermap {inst.output_dir} is niet schrijfbaar ({exc.strerror or exc}: "
            f"{exc.filename or slot_pad}). Kies een andere map met NPLV_OUTPUT_DIR of pas de "
            "rechten aan; er is niets gebouwd of gepubliceerd."
        ) from None
    try:
        return _bouw(definitions, jaar, melden, nieuwe_editie)
    finally:
        slot.release()


def _bouw(
    definitions: dg.Definitions,
    jaar: int,
    melden: Callable[[str], None],
    nieuwe_editie: bool = False,
) -> Samenvatting:
    graaf = definitions.resolve_asset_graph()
    samenvatting = Samenvatting(rapportagejaar=jaar)
    with dagster_instance.open_instance() as instance:
        gewijzigd = selectie.neem_bronnen_waar(instance, graaf)
        if gewijzigd:
            melden(
                f"Bronnen gewijzigd: {', '.join(k.to_user_string() for k in gewijzigd[:6])}"
                + (f" en {len(gewijzigd) - 6} andere" if len(gewijzigd) > 6 else "")
            )
        keuze = selectie.bepaal(instance, graaf, rapportagejaar=jaar, nieuwe_editie=nieuwe_editie)
        samenvatting.actueel = len(keuze.actueel)
        if not keuze.te_bouwen:
            melden(
                f"Alle {len(keuze.actueel)} assets zijn actueel (code en bronnen ongewijzigd); "
                "er is niets te bouwen."
            )
        else:
            _run(
                definitions,
                instance,
                keuze,
                jaar=jaar,
                nieuwe_editie=nieuwe_editie,
                melden=melden,
                samenvatting=samenvatting,
            )
        _vul_aan(definitions, instance, samenvatting)
    return samenvatting


def _run(
    definitions: dg.Definitions,
    instance: dg.DagsterInstance,
    keuze: selectie.Keuze,
    *,
    jaar: int,
    nieuwe_editie: bool,
    melden: Callable[[str], None],
    samenvatting: Samenvatting,
) -> None:
    """One run of the job over the chosen assets; progress from its event stream."""
    melden(
        f"[1/1] {jobs.HOOFDJOB}: {len(keuze.te_bouwen)} asset(s) "
        f"({len(keuze.actueel)} actueel, overgeslagen)"
    )
    for regel in selectie.beschrijf(keuze):
        melden(regel)
    job = definitions.resolve_job_def(jobs.HOOFDJOB)
    run_id = str(uuid.uuid4())
    events: list[dg.EventLogEntry] = []
    luister = _voortgang(melden, {})

    def verzamel(e: dg.EventLogEntry) -> None:
        events.append(e)
        luister(e)

    instance.add_event_listener(run_id, verzamel)
    resultaat = job.execute_in_process(
        instance=instance,
        run_id=run_id,
        raise_on_error=False,
        asset_selection=sorted(keuze.te_bouwen, key=lambda k: k.to_string()),
        run_config=jobs.run_config(jaar, keuze.te_bouwen, stil=True),
        tags={
            jobs.RAPPORTAGEJAAR_TAG: str(jaar),
            TAG_NIEUWE_EDITIE: "1" if nieuwe_editie else "0",
        },
    )
    samenvatting.runs.append(jobs.HOOFDJOB)
    if not resultaat.success:
        raise BouwFout(_fout_melding(jobs.HOOFDJOB, events))
    for e in events:
        de = e.dagster_event
        if de is None or de.event_type != dg.DagsterEventType.ASSET_MATERIALIZATION:
            continue
        mat = de.materialization
        meta = {k: _waarde(v) for k, v in mat.metadata.items()}
        samenvatting.stappen.append(
            Stap(
                mat.asset_key.to_user_string(),
                jobs.HOOFDJOB,
                meta.get("dagster/row_count"),
                metadata=meta,
            )
        )


def _metadata(event: dg.EventLogEntry | None) -> dict[str, Any] | None:
    if event is None or event.asset_materialization is None:
        return None
    return {k: _waarde(v) for k, v in event.asset_materialization.metadata.items()}


def _vul_aan(
    definitions: dg.Definitions, instance: dg.DagsterInstance, samenvatting: Samenvatting
) -> None:
    """Publication, report and rejected returns from each asset's latest materialization — this
    run's, or an earlier one when the asset did not need redoing (its output is unchanged)."""
    gebouwd = {s.asset for s in samenvatting.stappen}
    graaf = definitions.resolve_asset_graph()
    # One query for all assets' latest materializations, not one per asset.
    laatste = {
        r.asset_entry.asset_key: r.asset_entry.last_materialization
        for r in instance.get_asset_records(list(graaf.materializable_asset_keys))
    }
    for key in sorted(graaf.materializable_asset_keys, key=lambda k: k.to_string()):
        meta = _metadata(laatste.get(key))
        if meta is None:
            continue
        if isinstance(meta.get(GEWEIGERDE_RETOUREN), list):
            samenvatting.geweigerd = list(meta[GEWEIGERDE_RETOUREN])
        if key == PUBLICATIE_KEY:
            samenvatting.publicatie = dict(meta)
            if key.to_user_string() not in gebouwd:
                # Not redone: the newest edition is this build's, nothing was published.
                samenvatting.publicatie["ongewijzigd"] = True
                samenvatting.publicatie["opmerkingen"] = []
        elif _is_rapport(definitions, key):
            samenvatting.rapporten.extend(
                str(v) for k, v in meta.items() if isinstance(v, str) and _lijkt_pad(k, v)
            )


def _is_rapport(definitions: dg.Definitions, key: dg.AssetKey) -> bool:
    return definitions.resolve_asset_graph().get(key).group_name == "rapportage"


def _lijkt_pad(sleutel: str, waarde: str) -> bool:
    return not sleutel.startswith("dagster/") and Path(waarde).suffix.lower() in {
        ".xlsx",
        ".html",
        ".pdf",
    }
