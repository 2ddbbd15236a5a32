"""French and English labels of the packs: sheet and section titles, columns, KPIs, RAG words.

Keys are the model's stable keys (table keys, column keys, kpi ids). KPI labels come first from
the warehouse's KPI dimension (``marts.dim_kpi``: label_en / label_fr), then from here; an
unknown key is shown as itself, so a new mart column never breaks a pack."""

from __future__ import annotations

import dataclasses
import re

LANGS = ("fr", "en")

_T: dict[str, tuple[str, str]] = {  # key: (fr, en)
    # committees
    "production": ("Comité de production", "Production committee"),
    "quality": ("Comité qualité", "Quality committee"),
    "calibration": ("Séance de calibrage", "Calibration session"),
    "steering": ("Comité de pilotage", "Steering committee"),
    "strategic": ("Comité stratégique", "Strategic committee"),
    # audiences
    "audience_committee": ("Pack du comité", "Committee pack"),
    "audience_supervisors": ("Pack superviseurs (détail par conseiller)",
                             "Supervisors' pack (agent-level detail)"),
    # sheets / sections
    "cover": ("Couverture", "Cover"),
    "scorecard": ("Indicateurs", "Scorecard"),
    "daily": ("Par jour", "Daily"),
    "intervals": ("Par intervalle", "Intervals"),
    "agents": ("Conseillers", "Agents"),
    "action_plan": ("Plan d'actions", "Action plan"),
    "trend": ("Tendance", "Trend"),
    "spread": ("Écarts évaluateurs", "Evaluator spread"),
    "sessions": ("Sessions", "Sessions"),
    "quarters": ("Trimestres", "Quarters"),
    "targets_summary": ("Objectifs atteints", "Targets met"),
    "forecast": ("Prévision volumes", "Volume forecast"),
    "benchmark": ("Référence anonyme", "Anonymous benchmark"),
    "qa_breakdown": ("Qualité par rubrique et critère", "QA by section and criterion"),
    "bonus_malus": ("Bonus-malus", "Bonus-malus"),
    "freshness": ("Fraîcheur des données", "Data freshness"),
    "data_issues": ("Jours manquants, en quarantaine, suspects ou signalés, indicateurs non disponibles",
                    "Missing, quarantined, suspect or flagged days, KPIs not available"),
    "definitions": ("Définitions", "Definitions"),
    "charts": ("Graphiques", "Charts"),
    "executive": ("Synthèse", "Executive summary"),
    "what_changed": ("Ce qui a changé", "What changed"),
    "actions_due": ("Actions à échéance ou en retard", "Actions due or late"),
    "note_no_due_actions": ("Aucune action à échéance ni en retard.", "No action due or late."),
    "page": ("Page", "Page"),
    "trend_data": ("Données des graphiques (une ligne par indicateur et période)",
                   "Chart data (one row per KPI and period)"),
    "trend_pivot_note": ("Réalisé par période ; couleur = statut par rapport à l'objectif de la période.",
                         "Actual per period; colour = status against that period's target."),
    # charts
    "chart_sl_by_day": ("Niveau de service par jour vs objectif", "Service level by day vs target"),
    "chart_volumes_vs_forecast": ("Volumes présentés vs prévision", "Offered volumes vs forecast"),
    "chart_kpi_trend": ("Tendance", "Trend"),
    "chart_calibration_spread": ("Écart des évaluateurs à la référence", "Evaluators' spread vs reference"),
    # cover
    "provider": ("Prestataire", "Provider"),
    "period": ("Période", "Period"),
    "period_days": ("Jours de la période", "Days of the period"),
    "data_as_of": ("Données arrêtées au", "Data as of"),
    "generated_from": ("Généré à partir des données du", "Generated from data as of"),
    "days_included": ("Jours complets (toutes sources chargées)", "Complete days (every source loaded)"),
    "sources": ("Sources", "Sources"),
    "fingerprint": ("Empreinte des données (sha256)", "Data fingerprint (sha256)"),
    "audience": ("Destinataires", "Audience"),
    "confidentiality": ("Confidentialité", "Confidentiality"),
    "confidentiality_text": (
        "Ne contient que les données de ce prestataire ; la référence est anonyme.",
        "Holds this provider's data only; the benchmark is anonymous."),
    "issues_warning": ("Les chiffres de ces jours peuvent être incomplets.",
                       "Figures of these days may be incomplete."),
    "no_issues": ("Aucun jour manquant, en quarantaine, suspect ni signalé.",
                  "No missing, quarantined, suspect or flagged day."),
    "service_level_variant": ("Définition du niveau de service", "Service-level definition"),
    "abandon_rate_variant": ("Définition du taux d'abandon", "Abandon-rate definition"),
    "rag_rule": ("Code couleur", "RAG rule"),
    "rag_rule_text": ("vert = objectif atteint, orange = manqué dans la tolérance, rouge = au-delà, "
                      "gris = sans objectif",
                      "green = target met, amber = missed within tolerance, red = worse, grey = no target"),
    "rates_rule": ("Calcul des taux", "How rates are computed"),
    "rates_rule_text": ("somme des numérateurs ÷ somme des dénominateurs (jamais de moyenne de taux)",
                        "sum of numerators ÷ sum of denominators (rates are never averaged)"),
    # notes
    "note_mart_missing": ("Table absente de l'entrepôt : section vide.",
                          "Table not in the warehouse: section left empty."),
    "note_benchmark_too_few": (
        "Pas de référence anonyme : moins de 3 prestataires ont des données pour cette période. Avec "
        "deux, la moyenne « des autres » serait le chiffre de l'autre prestataire ; la référence "
        "n'est donnée qu'à partir de 3 prestataires.",
        "No anonymous benchmark: fewer than 3 providers have data for this period. With two, the "
        "\"others' average\" would be the other provider's own figure; the benchmark is only given "
        "from 3 providers on."),
    "provisional": ("PROVISOIRE", "PROVISIONAL"),
    "provisional_text": (
        "PROVISOIRE : période incomplète, données jusqu'au {through} ; les chiffres changeront.",
        "PROVISIONAL: the period is not complete, data up to {through}; figures will change."),
    "note_no_action_plan": ("Pas de plan d'actions dans l'entrepôt.", "No action plan in the warehouse."),
    "note_no_rows": ("Aucune ligne pour cette période.", "No rows for this period."),
    "note_no_forecast": ("Pas de prévision dans l'entrepôt.", "No forecast in the warehouse."),
    "note_no_forecast_for_period": (
        "Pas de prévision calculée à partir de cette période (la prévision part du dernier mois complet).",
        "No forecast starts from this period (the forecast starts from the last complete month)."),
    # values
    "green": ("vert", "green"), "amber": ("orange", "amber"), "red": ("rouge", "red"),
    "grey": ("gris", "grey"),
    "up": ("hausse", "up"), "down": ("baisse", "down"), "flat": ("stable", "flat"),
    "true": ("oui", "yes"), "false": ("non", "no"),
    "ALL": ("Ensemble", "All"),
    "loaded": ("chargé", "loaded"), "missing": ("manquant", "missing"),
    "quarantined": ("quarantaine", "quarantined"), "not_processed": ("non traité", "not processed"),
    "suspect": ("suspect (livraison retenue, jour inchangé)", "suspect (delivery held back, day unchanged)"),
    "loaded_with_warning": ("chargé avec avertissement", "loaded with a warning"),
    "not_delivered": ("non livré", "not delivered"), "not_available": ("non disponible", "not available"),
    # columns
    "provider_id": ("Prestataire", "Provider"), "site_id": ("Site", "Site"), "team_id": ("Équipe", "Team"),
    "queue_name": ("File", "Queue"), "channel": ("Canal", "Channel"), "agent_id": ("Conseiller", "Agent"),
    "evaluator_id": ("Évaluateur", "Evaluator"), "business_date": ("Jour", "Day"),
    "interval_start_local": ("Début d'intervalle", "Interval start"),
    "kpi_id": ("Indicateur", "KPI"), "unit": ("Unité", "Unit"), "actual": ("Réalisé", "Actual"),
    "target_value": ("Objectif", "Target"), "gap": ("Écart", "Gap"), "rag_status": ("Statut", "RAG"),
    "tolerance": ("Tolérance", "Tolerance"), "priority": ("Priorité", "Priority"),
    "previous_period_actual": ("Période précédente", "Previous period"),
    "trend_vs_previous": ("Tendance", "Trend"),
    "same_period_last_year_actual": ("Même période N-1", "Same period last year"),
    "numerator": ("Numérateur", "Numerator"), "denominator": ("Dénominateur", "Denominator"),
    "definition_variant": ("Définition", "Definition"),
    "is_higher_better": ("Plus haut = mieux", "Higher is better"),
    "offered": ("Présentés", "Offered"), "answered": ("Traités", "Answered"),
    "abandoned": ("Abandons", "Abandoned"), "short_abandoned": ("Abandons courts", "Short abandons"),
    "offered_net": ("Présentés nets", "Net offered"),
    "answered_within_threshold": ("Traités dans le seuil", "Answered within threshold"),
    "abandoned_within_threshold": ("Abandons dans le seuil", "Abandoned within threshold"),
    "service_level": ("Niveau de service", "Service level"), "sl_target": ("Objectif NS", "SL target"),
    "sl_threshold_seconds": ("Seuil NS", "SL threshold"),
    "abandon_rate": ("Taux d'abandon", "Abandon rate"), "aht_seconds": ("DMT", "AHT"),
    "asa_seconds": ("Attente moyenne", "ASA"), "csat_rate": ("CSAT", "CSAT"),
    "csat_mean": ("CSAT moyen", "CSAT mean"), "qa_score": ("Note qualité", "QA score"),
    "forecast_contacts": ("Prévision", "Forecast"),
    "scheduled_agents": ("Conseillers planifiés", "Scheduled agents"),
    "erlang_required_agents": ("Besoin Erlang C", "Erlang C required"),
    "contacts_handled": ("Contacts traités", "Contacts handled"),
    "adherence_rate": ("Adhérence", "Adherence"),
    "evaluations": ("Évaluations", "Evaluations"),
    "critical_errors": ("Erreurs critiques", "Critical errors"),
    "action_id": ("Action", "Action"), "title": ("Intitulé", "Title"), "owner": ("Responsable", "Owner"),
    "opened_on": ("Ouverte le", "Opened on"), "due_on": ("Échéance", "Due on"),
    "closed_on": ("Clôturée le", "Closed on"), "status": ("Statut", "Status"),
    "providers": ("Prestataires", "Providers"), "benchmark_mean": ("Moyenne", "Mean"),
    "benchmark_median": ("Médiane", "Median"),
    "entity": ("Flux", "Feed"),
    "executive_actions": ("Actions à échéance ou en retard", "Actions due or late"),
    "is_higher_better_short": ("Sens", "Direction"),
    "service_level_numerator": ("Numérateur NS", "SL numerator"),
    "service_level_denominator": ("Dénominateur NS", "SL denominator"),
    "talk_time_seconds": ("Durée de conversation", "Talk time"),
    "forecast_error_contacts": ("Écart à la prévision", "Forecast error"),
    "forecast_aht_seconds": ("DMT prévue", "Forecast AHT"),
    "forecast_required_agents": ("Besoin prévu", "Forecast required agents"),
    "erlang_service_level_at_scheduled": ("NS Erlang au planifié", "Erlang SL at scheduled"),
    "callbacks": ("Rappels", "Callbacks"), "flow_outs": ("Débordements", "Flow-outs"),
    "handle_seconds": ("Temps de traitement", "Handle time"),
    "talk_seconds": ("Temps de conversation", "Talk time"), "hold_seconds": ("Attente", "Hold time"),
    "acw_seconds": ("Post-traitement", "After-contact work"),
    "answered_queue_seconds": ("Attente des répondus", "Queue time of answered"),
    "csat_responses": ("Réponses CSAT", "CSAT responses"), "csat_satisfied": ("Satisfaits", "Satisfied"),
    "csat_score_sum": ("Somme des notes CSAT", "CSAT score sum"),
    "qa_evaluations": ("Évaluations qualité", "QA evaluations"), "qa_score_sum": ("Somme des notes", "Score sum"),
    "trend_recent_offered": ("Volume récent", "Recent volume"),
    "trend_year_before_offered": ("Volume un an avant", "Volume a year before"),
    "trend_paired_months": ("Mois comparés", "Months compared"),
    "period_end_date": ("Fin de période", "Period end"),
    "source": ("Source", "Source"), "days_loaded": ("Jours chargés", "Days loaded"),
    "days_missing": ("Jours manquants", "Days missing"),
    "days_quarantined": ("Jours en quarantaine", "Days quarantined"),
    "days_suspect": ("Jours suspects", "Days suspect"),
    "days_not_processed": ("Jours non traités", "Days not processed"),
    "days_not_delivered": ("Jours non livrés (flux absent du centre)",
                           "Days not delivered (feed the center does not send)"),
    "first_day": ("Premier jour", "First day"), "last_day": ("Dernier jour", "Last day"),
    "rows": ("Lignes", "Rows"), "message": ("Motif", "Reason"), "source_file": ("Fichier", "File"),
    "green_count": ("Verts", "Green"), "amber_count": ("Orange", "Amber"), "red_count": ("Rouges", "Red"),
    "grey_count": ("Gris", "Grey"), "kpis": ("Indicateurs", "KPIs"), "family": ("Famille", "Family"),
    "month_start": ("Mois", "Month"), "week_start": ("Semaine", "Week"), "month": ("Mois", "Month"),
    "iso_week": ("Semaine", "Week"), "value": ("Valeur", "Value"), "key": ("Clé", "Key"),
    "period_start": ("Début de période", "Period start"), "period_end": ("Fin de période", "Period end"),
    "period_label": ("Période", "Period"), "period_grain": ("Maille", "Grain"),
    "is_complete_period": ("Période complète", "Complete period"),
    "months_with_data": ("Mois avec données", "Months with data"), "kpi_family": ("Famille", "Family"),
    "target_id": ("Réf. objectif", "Target ref."), "breakdown_type": ("Détail", "Breakdown"),
    "breakdown_value": ("Rubrique / critère", "Section / criterion"),
    "rolling_3m_actual": ("Cumul 3 mois", "Rolling 3 months"),
    "previous_rolling_3m_actual": ("Cumul 3 mois précédent", "Previous rolling 3 months"),
    "trend_3m": ("Tendance 3 mois", "3-month trend"), "drift_vs_previous": ("Dérive vs M-1", "Drift vs M-1"),
    "band_min": ("Borne basse", "Band min"), "band_max": ("Borne haute", "Band max"),
    "band_description": ("Palier", "Band"), "adjustment_pct": ("Ajustement (%)", "Adjustment (%)"),
    "invoice_amount_eur": ("Facture (€)", "Invoice (€)"),
    "adjustment_eur": ("Ajustement (€)", "Adjustment (€)"),
    "is_measured": ("Mesuré", "Measured"), "current_status": ("Statut actuel", "Current status"),
    "status_at_month_end": ("Statut fin de mois", "Status at month end"),
    "days_late_at_month_end": ("Jours de retard", "Days late"),
    "kpi_actual": ("Réalisé de l'indicateur", "KPI actual"),
    "kpi_target_value": ("Objectif de l'indicateur", "KPI target"),
    "kpi_rag_status": ("Statut de l'indicateur", "KPI RAG"),
    "is_opened_in_month": ("Ouverte dans le mois", "Opened in month"),
    "is_closed_in_month": ("Clôturée dans le mois", "Closed in month"),
    "anchor_month": ("Mois de départ", "Anchor month"), "months_ahead": ("Horizon (mois)", "Months ahead"),
    "forecast_method": ("Méthode", "Method"), "forecast_offered": ("Volume prévu", "Forecast volume"),
    "same_month_last_year_offered": ("Même mois N-1", "Same month last year"),
    "trend_ratio": ("Coefficient de tendance", "Trend ratio"),
    "last_3_months_mean_offered": ("Moyenne 3 derniers mois", "Last 3 months mean"),
    "interval_start_time": ("Heure", "Time"), "interval_start_at": ("Début (UTC)", "Start (UTC)"),
    "is_service_level_met": ("NS atteint", "SL met"),
    "staffing_gap_agents": ("Écart d'effectif", "Staffing gap"),
    "logged_in_agents": ("Conseillers connectés", "Logged-in agents"),
    "days_worked": ("Jours travaillés", "Days worked"),
    "staffed_seconds": ("Temps connecté", "Staffed time"),
    "adherence": ("Adhérence", "Adherence"),
    "unplanned_absence_seconds": ("Absence imprévue", "Unplanned absence"),
    # KPIs (fallbacks when the catalogue lacks a label)
    "critical_error_rate": ("Taux d'erreurs critiques", "Critical error rate"),
    "ces_mean": ("Effort client (CES)", "Customer effort (CES)"),
    "repeat_rate": ("Taux de réitération", "Repeat-contact rate"),
    "fcr_rate": ("Résolution au premier contact", "First-contact resolution"),
    "resolution_rate": ("Taux de résolution", "Resolution rate"),
    "cost_per_contact": ("Coût par contact", "Cost per contact"),
    "occupancy_rate": ("Taux d'occupation", "Occupancy"),
    "staffing_coverage": ("Couverture du besoin", "Staffing coverage"),
}

UNITS = {"per_hour": ("par heure", "per hour"),
         "ratio": ("taux", "ratio"), "seconds": ("secondes", "seconds"), "count": ("nombre", "count"),
         "points": ("points", "points"), "currency": ("euros", "euros")}


def label(key: str, lang: str) -> str:
    """The label of ``key`` in ``lang``; the key itself when unknown."""
    pair = _T.get(key) or UNITS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "fr" else pair[1]


def definition_label(key: str, lang: str, catalogue: dict | None = None) -> str:
    """Cover line of a definition: ``definition:<kpi_id>`` reads "Definition — <KPI label>"."""
    if key.startswith("definition:"):
        return f"{label('definitions', lang)} — {kpi_label(key.split(':', 1)[1], lang, catalogue)}"
    return label(key, lang)


def kpi_label(kpi_id: str, lang: str, catalogue: dict | None = None) -> str:
    kpi = (catalogue or {}).get(kpi_id)
    text = None
    if kpi is not None:
        text = kpi.label_fr if lang == "fr" else kpi.label_en
    return text or label(kpi_id, lang)


def month_name(month: int, lang: str) -> str:
    fr = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")
    en = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
    return (fr if lang == "fr" else en)[month - 1]


_PLACEHOLDER = re.compile(r"(?:X\s?%\s+)?\b(en|within|dans|in)\s+[XY]\s?s\b")


def seconds_text(seconds: int, lang: str) -> str:
    """A threshold as said: 20 -> "20 s", 86400 -> "24 h"."""
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds // 3600}\u00a0h"
    if seconds >= 60 and seconds % 60 == 0 and seconds > 60:
        return f"{seconds // 60}\u00a0min"
    return f"{seconds}\u00a0s"


def threshold_words(thresholds: list[int], lang: str) -> str:
    """"en 20 s" / "en 20 s ou 60 s selon la file" (French), "within 20 s" / "within 20 s or 60 s
    by queue" (English); without a known threshold, the queue's threshold in words."""
    values = sorted(set(thresholds))
    fr = lang == "fr"
    if not values:
        return "dans le seuil de la file" if fr else "within the queue's threshold"
    texts = [seconds_text(v, lang) for v in values]
    joined = texts[0] if len(texts) == 1 else (", ".join(texts[:-1]) + (" ou " if fr else " or ") + texts[-1])
    suffix = "" if len(texts) == 1 else (" selon la file" if fr else " by queue")
    return f"{'en' if fr else 'within'} {joined}{suffix}"


def fill_thresholds(text: str, thresholds: list[int], lang: str) -> str:
    """Replace the catalogue's "X s" placeholder of a service-level label by the real threshold(s):
    "Niveau de service (taux de réponse en X s)" -> "… (taux de réponse en 20 s)"."""
    if not _PLACEHOLDER.search(text):
        return text
    words = threshold_words(thresholds, lang)
    text = _PLACEHOLDER.sub(words, text, count=1)
    return text.replace("(X % answered", "(answered").replace("X % ", "")


def with_thresholds(catalogue: dict, thresholds: list[int]) -> dict:
    """A copy of the KPI catalogue whose labels have the service-level thresholds filled in."""
    out = {}
    for kpi_id, kpi in catalogue.items():
        fr = fill_thresholds(kpi.label_fr, thresholds, "fr") if kpi.label_fr else kpi.label_fr
        en = fill_thresholds(kpi.label_en, thresholds, "en") if kpi.label_en else kpi.label_en
        out[kpi_id] = dataclasses.replace(kpi, label_fr=fr, label_en=en)
    return out
